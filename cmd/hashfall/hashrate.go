package main

import (
	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/metrics"
)

func init() { register(newHashrateCmd) }

type hashrateResult struct {
	GetNetworkHashPSHs float64 `json:"getnetworkhashps_hs"`
	HashrateHs         float64 `json:"hashrate_hs"`
	CILowHs            float64 `json:"ci_low_hs"`
	CIHighHs           float64 `json:"ci_high_hs"`
	Confidence         float64 `json:"confidence"`
	Blocks             int64   `json:"blocks"`
	FromHeight         int64   `json:"from_height"`
	ToHeight           int64   `json:"to_height"`
	SpanS              int64   `json:"span_s"`
}

func newHashrateCmd() *cobra.Command {
	var dbPath string
	var height, blocks int64
	var confidence float64
	cmd := &cobra.Command{
		Use:   "hashrate --db FILE [--height H] [--blocks N]",
		Short: "Network hashrate from the store: Core's getnetworkhashps and an unbiased estimate with a confidence interval",
		Long: `hashrate computes Bitcoin Core's getnetworkhashps(nblocks, height) exactly
(getnetworkhashps_hs), and over the same blocks the unbiased estimate
(W/n)·(n−1)/T with its exact Gamma confidence interval. getnetworkhashps reads
high by n/(n−1) on average. --blocks -1 means since the last retarget.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !(confidence > 0 && confidence < 1) {
				return usageErrorf("--confidence must be in (0, 1), got %g", confidence)
			}
			st, err := openStore(dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			tip, p, err := storeTip(ctx, st, dbPath)
			if err != nil {
				return err
			}
			first, last, ok, err := metrics.CoreWindow(tip.Height, blocks, height, consensus.RetargetIntervalBlocks(p))
			if err != nil {
				return usageErrorf("%v", err)
			}
			if !ok {
				return usageErrorf("height 0 has no hashrate")
			}
			if last-first < 2 {
				return usageErrorf("the unbiased estimate needs at least 2 block intervals; --blocks %d at height %d gives %d", blocks, last, last-first)
			}
			bs, err := st.Blocks(ctx, first, last)
			if err != nil {
				return err
			}
			r := hashrateResult{GetNetworkHashPSHs: metrics.NetworkHashPS(bs)}
			e, err := metrics.Unbiased(bs, confidence)
			if err != nil {
				return err
			}
			r.HashrateHs, r.CILowHs, r.CIHighHs, r.Confidence = e.HashrateHs, e.CILowHs, e.CIHighHs, e.Confidence
			r.Blocks, r.FromHeight, r.ToHeight, r.SpanS = e.Blocks, e.FromHeight, e.ToHeight, e.SpanS
			return emit(cmd, r)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync")
	f.Int64Var(&height, "height", -1, "block height to estimate at (-1: the stored tip)")
	f.Int64Var(&blocks, "blocks", metrics.CoreDefaultBlocks, "number of blocks (-1: since the last retarget)")
	f.Float64Var(&confidence, "confidence", 0.95, "confidence level of the interval")
	return cmd
}
