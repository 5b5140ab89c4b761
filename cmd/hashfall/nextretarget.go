package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/output"
)

func init() { register(newNextRetargetCmd) }

// minRateBlocks is the fewest intervals the block rate is estimated from:
// early in a period the window reaches back into the previous one.
const minRateBlocks = 144

// staleTipAge is how long without a block makes a store look stale rather
// than the network slow: 6 h is 36 expected blocks, which a live network
// misses with probability e^-36.
const staleTipAge = 6 * time.Hour

type retargetPoint struct {
	TipHeight      int64     `json:"tip_height"`
	RetargetHeight int64     `json:"retarget_height"`
	BlocksLeft     int64     `json:"blocks_left"`
	Difficulty     float64   `json:"difficulty"`
	NewDifficulty  float64   `json:"new_difficulty"`
	ChangePct      float64   `json:"change_pct"`
	Date           time.Time `json:"date"`
	RateBlocks     int64     `json:"rate_blocks"`
}

type retargetQuantile struct {
	Percentile int       `json:"percentile"`
	ChangePct  float64   `json:"change_pct"`
	Date       time.Time `json:"date"`
}

func newNextRetargetCmd() *cobra.Command {
	var dbPath string
	var nowS int64
	cmd := &cobra.Command{
		Use:   "nextretarget --db FILE [--now UNIX]",
		Short: "Next difficulty adjustment: point estimate and p5/p50/p95 of the change and of its date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if nowS < 0 {
				return usageErrorf("--now must be a Unix time ≥ 0, got %d", nowS)
			}
			if !cmd.Flags().Changed("now") {
				nowS = time.Now().Unix()
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
			start := tip.Height - tip.Height%consensus.RetargetIntervalBlocks(p)
			from := max(0, min(start, tip.Height-minRateBlocks))
			bs, err := st.Blocks(ctx, from, tip.Height)
			if err != nil {
				return err
			}
			f, err := metrics.NextRetarget(p, bs[start-from:], bs, nowS)
			if err != nil {
				return err
			}
			utc := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
			notes := []string{
				"date is when the period's last block is found; the new difficulty applies from retarget_height",
				"distribution: exact Beta/Gamma predictive of the remaining blocks' time given the observed block rate",
				"change_pct is the difficulty change in percent; a higher change goes with an earlier date",
			}
			if age := time.Duration(nowS-tip.TimeS) * time.Second; age > staleTipAge {
				notes = append(notes, fmt.Sprintf("the store's tip is %.1f days older than --now and the estimate counts that time as passing without a block: run hashfall sync first, or pass --now with the tip's time", age.Hours()/24))
			}
			return emit(cmd, output.Document{
				Title: "Next difficulty adjustment",
				Notes: notes,
				Sections: []output.Section{
					{Name: "point", Data: retargetPoint{TipHeight: f.TipHeight, RetargetHeight: f.RetargetHeight, BlocksLeft: f.BlocksLeft,
						Difficulty: f.Difficulty, NewDifficulty: f.PointDifficulty, ChangePct: f.PointChangePct, Date: utc(f.PointTimeS), RateBlocks: f.RateBlocks}},
					{Name: "distribution", Data: []retargetQuantile{
						{5, f.ChangeP5Pct, utc(f.TimeP95S)}, {50, f.ChangeP50Pct, utc(f.TimeP50S)}, {95, f.ChangeP95Pct, utc(f.TimeP5S)}}},
					{Name: "probability", Data: struct {
						Decrease float64 `json:"prob_decrease"`
					}{f.ProbDecrease}},
				},
			})
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "store file from hashfall sync")
	cmd.Flags().Int64Var(&nowS, "now", 0, "current Unix time (default: the clock)")
	return cmd
}
