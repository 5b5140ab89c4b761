package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/metrics"
)

func init() { register(newHashrateCmd) }

// hashrateResult's unbiased fields are absent when Core answers but the
// estimate cannot be made (height 0, one interval, a span ≤ 0); Note says
// why.
type hashrateResult struct {
	GetNetworkHashPSHs float64  `json:"getnetworkhashps_hs"`
	HashrateHs         *float64 `json:"hashrate_hs,omitempty"`
	CILowHs            *float64 `json:"ci_low_hs,omitempty"`
	CIHighHs           *float64 `json:"ci_high_hs,omitempty"`
	Confidence         float64  `json:"confidence"`
	Blocks             int64    `json:"blocks"`
	FromHeight         int64    `json:"from_height"`
	ToHeight           int64    `json:"to_height"`
	SpanS              *int64   `json:"span_s,omitempty"`
	Note               string   `json:"note,omitempty"`
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
high by n/(n−1) on average. --blocks -1 means since the last retarget.
Every input Core accepts gets Core's answer: --height 0 gives 0, and a window
of one interval (--blocks 1, or --blocks -1 just after a retarget) gives
getnetworkhashps without the unbiased estimate, which needs two.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !(confidence > 0 && confidence < 1) {
				return usageErrorf("--confidence must be in (0, 1), got %g", confidence)
			}
			if blocks == 0 || blocks < -1 {
				return usageErrorf("--blocks must be a positive number or -1, got %d", blocks)
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
			r := hashrateResult{Confidence: confidence}
			if !ok {
				r.Note = "height 0: getnetworkhashps is 0, as in Bitcoin Core"
				return emit(cmd, r)
			}
			bs, err := st.Blocks(ctx, first, last)
			if err != nil {
				return err
			}
			r.GetNetworkHashPSHs = metrics.NetworkHashPS(bs)
			r.Blocks, r.FromHeight, r.ToHeight = last-first, first, last
			if last-first < 2 {
				r.Note = fmt.Sprintf("%d interval: the unbiased estimate needs at least 2", last-first)
				return emit(cmd, r)
			}
			e, err := metrics.Unbiased(bs, confidence)
			if err != nil {
				r.Note = err.Error()
				return emit(cmd, r)
			}
			r.HashrateHs, r.CILowHs, r.CIHighHs, r.SpanS = &e.HashrateHs, &e.CILowHs, &e.CIHighHs, &e.SpanS
			return emit(cmd, r)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync")
	f.Int64Var(&height, "height", -1, "block height to estimate at (-1: the stored tip)")
	f.Int64Var(&blocks, "blocks", metrics.CoreDefaultBlocks, "number of blocks (-1: since the last retarget)")
	floatVar(f, &confidence, "confidence", 0.95, rangeOpenUnit, "confidence level of the interval")
	return cmd
}
