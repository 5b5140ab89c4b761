package main

import (
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/output"
)

func init() { register(newPoolsCmd) }

func newPoolsCmd() *cobra.Command {
	var dbPath, poolsPath string
	var days int
	cmd := &cobra.Command{
		Use:   "pools --db FILE [--days N] [--pools FILE]",
		Short: "Pool shares over the last N days from coinbase tags and payout addresses, and the Nakamoto coefficient",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 || days > 36500 {
				return usageErrorf("--days must be in [1, 36500], got %d", days)
			}
			ctx := cmd.Context()
			defs, st, tip, err := poolsAtTip(ctx, dbPath, poolsPath)
			if err != nil {
				return err
			}
			defer st.Close()
			// Blocks come about 144 a day; read twice that and cut by time.
			bs, err := st.Blocks(ctx, max(0, tip.Height-int64(days)*288), tip.Height)
			if err != nil {
				return err
			}
			since := tip.TimeS - int64(days)*86400
			window := metrics.StampedIn(bs, since, math.MaxInt64)
			shares, nakamoto := defs.Shares(window)
			notes := []string{
				fmt.Sprintf("%d blocks from %s to the tip at %d", len(window), time.Unix(since, 0).UTC().Format(time.DateOnly), tip.Height),
				"nakamoto_coefficient counts identified pools only (unknown blocks never form a pool); 0 means they cannot reach half",
			}
			if poolsPath == "" {
				notes = append(notes, "pool definitions: hashfall's small embedded list; pass --pools FILE (pools.json layout) for a fuller one")
			}
			return emit(cmd, output.Document{
				Title: "Pool shares",
				Notes: notes,
				Sections: []output.Section{
					{Name: "shares", Data: shares},
					{Name: "decentralization", Data: struct {
						Blocks   int `json:"blocks"`
						Nakamoto int `json:"nakamoto_coefficient"`
					}{len(window), nakamoto}},
				},
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync")
	f.StringVar(&poolsPath, "pools", "", "pool definitions in the pools.json layout (default: embedded list)")
	f.IntVar(&days, "days", 7, "window in days, ending at the stored tip")
	cmd.AddCommand(newPoolsLuckCmd(), newPoolsSeriesCmd())
	return cmd
}
