package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/store"
)

func loadPools(path string) (*metrics.Pools, error) {
	if path == "" {
		return metrics.DefaultPools(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := metrics.ParsePools(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// poolsAtTip loads the pool definitions (the embedded list for an empty
// path) and opens the store read-only at its tip: the set-up that pools,
// pools luck and pools series share. The caller closes the store.
func poolsAtTip(ctx context.Context, dbPath, poolsPath string) (*metrics.Pools, store.Reader, chain.Block, error) {
	defs, err := loadPools(poolsPath)
	if err != nil {
		return nil, nil, chain.Block{}, err
	}
	st, err := openStore(dbPath)
	if err != nil {
		return nil, nil, chain.Block{}, err
	}
	tip, _, err := storeTip(ctx, st, dbPath)
	if err != nil {
		st.Close()
		return nil, nil, chain.Block{}, err
	}
	return defs, st, tip, nil
}

// blocksByDays returns the stored blocks with timestamps in
// (tip − toDaysAgo·86400 − days·86400, tip − toDaysAgo·86400], reading
// about twice the expected 144 blocks a day.
func blocksByDays(ctx context.Context, st store.Reader, tip chain.Block, toDaysAgo, days int) ([]chain.Block, int64, int64, error) {
	end := tip.TimeS - int64(toDaysAgo)*86400
	start := end - int64(days)*86400
	bs, err := st.Blocks(ctx, max(0, tip.Height-int64(toDaysAgo+days)*288), tip.Height)
	if err != nil {
		return nil, 0, 0, err
	}
	return metrics.StampedIn(bs, start, end), start, end, nil
}

func newPoolsLuckCmd() *cobra.Command {
	var dbPath, poolsPath string
	var days, shareDays int
	var shareFlags []string
	cmd := &cobra.Command{
		Use:   "luck --db FILE [--days N] [--share-days M | --share POOL=PCT ...]",
		Short: "Each pool's blocks in the last N days against the number its hashrate share predicts, with the Poisson tail probability",
		Long: `luck counts each pool's blocks in the window (the last --days days) and
compares them with λ = share × blocks in the window. The share is either given
(--share "Foundry USA=30", labelled input) or estimated from the --share-days
days before the window, never from the window itself: share_from says which.
p_value is the Poisson probability of a count at least this far from λ, on the
side observed (tail).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 || days > 36500 || shareDays < 1 || shareDays > 36500 {
				return usageErrorf("--days and --share-days must be in [1, 36500], got %d and %d", days, shareDays)
			}
			input := map[string]float64{}
			for _, s := range shareFlags {
				name, pct, ok := strings.Cut(s, "=")
				v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(pct), "%"), 64)
				if !ok || err != nil || !(v > 0 && v <= 100) || strings.TrimSpace(name) == "" {
					return usageErrorf("--share %q: want POOL=PCT with PCT in (0, 100]", s)
				}
				input[strings.TrimSpace(name)] = v / 100
			}
			ctx := cmd.Context()
			defs, st, tip, err := poolsAtTip(ctx, dbPath, poolsPath)
			if err != nil {
				return err
			}
			defer st.Close()
			window, from, _, err := blocksByDays(ctx, st, tip, 0, days)
			if err != nil {
				return err
			}
			if len(window) == 0 {
				return fmt.Errorf("no blocks in the last %d days of the store", days)
			}
			var rows []metrics.PoolLuck
			if len(input) > 0 {
				rows, err = defs.Luck(window, input, "input")
			} else {
				earlier, sFrom, sTo, readErr := blocksByDays(ctx, st, tip, days, shareDays)
				if readErr != nil {
					return readErr
				}
				if len(earlier) == 0 {
					return fmt.Errorf("no blocks in the %d days before the window to estimate shares from; give --share POOL=PCT", shareDays)
				}
				rows, err = defs.LuckAfter(window, earlier, sFrom, sTo)
			}
			if err != nil {
				return usageErrorf("%v", err)
			}
			if len(rows) == 0 {
				return fmt.Errorf("no identified pool in the share estimate (window from %s)", time.Unix(from, 0).UTC().Format(time.DateOnly))
			}
			return emit(cmd, rows)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync")
	f.StringVar(&poolsPath, "pools", "", "pool definitions in the pools.json layout (default: embedded list)")
	f.IntVar(&days, "days", 7, "window in days, ending at the stored tip")
	f.IntVar(&shareDays, "share-days", 30, "estimate shares from this many days before the window")
	f.StringArrayVar(&shareFlags, "share", nil, "a pool's hashrate share as input, POOL=PCT (repeatable; replaces the estimate)")
	return cmd
}

func newPoolsSeriesCmd() *cobra.Command {
	var dbPath, poolsPath, bucket string
	var days int
	var concentration bool
	cmd := &cobra.Command{
		Use:   "series --db FILE [--days N] [--bucket day|week] [--concentration]",
		Short: "Pool shares and empty blocks per day or week, or (--concentration) the Nakamoto coefficient and HHI per bucket",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 || days > 36500 {
				return usageErrorf("--days must be in [1, 36500], got %d", days)
			}
			length := map[string]time.Duration{"day": 24 * time.Hour, "week": 7 * 24 * time.Hour}[bucket]
			if length == 0 {
				return usageErrorf("--bucket: %q, want day or week", bucket)
			}
			ctx := cmd.Context()
			defs, st, tip, err := poolsAtTip(ctx, dbPath, poolsPath)
			if err != nil {
				return err
			}
			defer st.Close()
			bs, _, _, err := blocksByDays(ctx, st, tip, 0, days)
			if err != nil {
				return err
			}
			rows, conc, err := defs.Series(bs, length)
			if err != nil {
				return err
			}
			if concentration {
				return emit(cmd, conc)
			}
			return emit(cmd, rows)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync")
	f.StringVar(&poolsPath, "pools", "", "pool definitions in the pools.json layout (default: embedded list)")
	f.IntVar(&days, "days", 30, "series over the last N days to the stored tip")
	f.StringVar(&bucket, "bucket", "day", "bucket length: day or week (weeks start Monday, UTC)")
	f.BoolVar(&concentration, "concentration", false, "list the Nakamoto coefficient, HHI, unknown share and empty blocks per bucket instead")
	return cmd
}
