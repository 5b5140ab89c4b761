package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/store"
)

func newDifficultyHistoryCmd() *cobra.Command {
	var dbPath, since, until, rank string
	var drops, rises, drawdowns int
	cmd := &cobra.Command{
		Use:   "history --db FILE [--since DATE] [--until DATE] [--largest-drops N | --largest-rises N | --rank PCT | --drawdowns N]",
		Short: "Every difficulty period from synced blocks and imported Electrum/bitcoinj checkpoints, with rankings of changes and drawdowns",
		Long: `history builds one table of difficulty periods from whatever the store holds:
synced blocks, Electrum checkpoints and bitcoinj checkpoints (hashfall import).
Synced blocks win; two sources disagreeing at the same height is an error.

A change is dated by start_time, the timestamp of the first block mined at the
new difficulty. retarget_span_s is Core's 2015-interval span (first to last
block of the period); duration_s is first block to the next period's first
block (2016 intervals). Without a timestamp the date is empty.

--largest-drops/--largest-rises N rank the changes; --rank -11.16% says where a
change of that size would rank and when the last one as large was;
--drawdowns N lists the deepest falls of the difficulty-implied hashrate from
its running peak. --since/--until (YYYY-MM-DD) restrict the periods compared.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			modes := 0
			for _, set := range []bool{cmd.Flags().Changed("largest-drops"), cmd.Flags().Changed("largest-rises"), rank != "", cmd.Flags().Changed("drawdowns")} {
				if set {
					modes++
				}
			}
			if modes > 1 {
				return usageErrorf("use one of --largest-drops, --largest-rises, --rank, --drawdowns")
			}
			for name, n := range map[string]int{"--largest-drops": drops, "--largest-rises": rises, "--drawdowns": drawdowns} {
				if n < 1 && cmd.Flags().Changed(strings.TrimPrefix(name, "--")) {
					return usageErrorf("%s must be ≥ 1, got %d", name, n)
				}
			}
			sinceT, err := parseDateFlag("since", since)
			if err != nil {
				return err
			}
			untilT, err := parseDateFlag("until", until)
			if err != nil {
				return err
			}
			if !untilT.IsZero() {
				untilT = untilT.Add(24*time.Hour - time.Second)
			}
			var rankPct float64
			if rank != "" {
				rankPct, err = strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rank), "%"), 64)
				if err != nil || rankPct == 0 || !rangeRetargetPct.contains(rankPct) {
					return usageErrorf("--rank: %q is not a non-zero percentage in %s such as -11.16%%", rank, rangeRetargetPct)
				}
			}
			st, err := openStore(dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			ps, err := storeDifficultyHistory(cmd.Context(), st)
			if err != nil {
				return err
			}
			if len(ps) == 0 {
				return fmt.Errorf("store %s has no blocks or checkpoints: run hashfall sync or hashfall import", dbPath)
			}
			ps = metrics.FilterPeriods(ps, sinceT, untilT)
			switch {
			case cmd.Flags().Changed("largest-drops"):
				return emit(cmd, metrics.LargestChanges(ps, drops, true))
			case cmd.Flags().Changed("largest-rises"):
				return emit(cmd, metrics.LargestChanges(ps, rises, false))
			case rank != "":
				r, err := metrics.RankOf(ps, rankPct)
				if err != nil {
					return usageErrorf("--rank: %v", err)
				}
				return emit(cmd, r)
			case cmd.Flags().Changed("drawdowns"):
				return emit(cmd, metrics.Drawdowns(ps, drawdowns))
			}
			return emit(cmd, ps)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file")
	f.StringVar(&since, "since", "", "first start date to include (YYYY-MM-DD, UTC)")
	f.StringVar(&until, "until", "", "last start date to include (YYYY-MM-DD, UTC)")
	f.IntVar(&drops, "largest-drops", 10, "list the N largest difficulty drops")
	f.IntVar(&rises, "largest-rises", 10, "list the N largest difficulty rises")
	f.StringVar(&rank, "rank", "", "rank a change of this percentage (e.g. -11.16%)")
	f.IntVar(&drawdowns, "drawdowns", 10, "list the N deepest drawdowns from the running peak")
	return cmd
}

func parseDateFlag(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usageErrorf("--%s: %q is not a date YYYY-MM-DD", name, s)
	}
	return t, nil
}

// storeDifficultyHistory is metrics.StoredHistory for the store's network.
// Imported checkpoints are mainnet's; a store of another network uses its
// blocks only.
func storeDifficultyHistory(ctx context.Context, st store.Reader) ([]metrics.Period, error) {
	name, err := st.Network(ctx)
	if err != nil {
		return nil, err
	}
	p := &chaincfg.MainNetParams
	if name != "" {
		var ok bool
		if p, ok = networksByName[name]; !ok {
			return nil, fmt.Errorf("store holds blocks of unknown network %q", name)
		}
	}
	return metrics.StoredHistory(ctx, st, p)
}
