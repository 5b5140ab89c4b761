package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/store"
)

func init() { register(newImportCmd) }

func newImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import epoch history (Electrum checkpoints) or daily BTC/USD prices (CSV) into a store",
	}
	cmd.AddCommand(newImportCheckpointsCmd(), newImportPricesCmd(), newImportBitcoinjCmd())
	return cmd
}

type checkpointsResult struct {
	Periods          int     `json:"periods"`
	LastHeight       int64   `json:"last_height"`
	LastDifficulty   float64 `json:"last_difficulty"`
	LastSpanDays     float64 `json:"last_span_days"`
	LastHashrateHs   float64 `json:"last_implied_hashrate_hs"`
	ClampedOrLimited int     `json:"clamped_or_pow_limited_periods"`
}

func newImportCheckpointsCmd() *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "electrum-checkpoints FILE --db FILE",
		Short: "Import Electrum's checkpoints.json: difficulty and implied duration of every period since genesis (mainnet)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eps, err := importInto(cmd.Context(), dbPath, args[0], chain.ReadElectrumCheckpoints, (*store.SQLite).PutEpochs)
			if err != nil {
				return err
			}
			hist := metrics.EpochHistory(networksByName["mainnet"], eps)
			r := checkpointsResult{Periods: len(hist)}
			for _, s := range hist {
				if s.SpanDays == 0 {
					r.ClampedOrLimited++
				}
			}
			last := hist[len(hist)-1]
			r.LastHeight = last.StartHeight + 2015
			r.LastDifficulty, r.LastSpanDays, r.LastHashrateHs = last.Difficulty, last.SpanDays, last.ImpliedHashrateHs
			return emit(cmd, r)
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "store file (SQLite), created if absent")
	return cmd
}

type pricesResult struct {
	Days         int       `json:"days"`
	FirstDay     time.Time `json:"first_day"`
	LastDay      time.Time `json:"last_day"`
	LastCloseUSD float64   `json:"last_close_usd"`
}

func newImportPricesCmd() *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "prices FILE.csv --db FILE",
		Short: "Import daily BTC/USD closes from a CSV export (date and close columns; Yahoo, CoinGecko, CoinMarketCap, Investing.com, CoinDesk layouts)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prices, err := importInto(cmd.Context(), dbPath, args[0], chain.ReadPricesCSV, (*store.SQLite).PutPrices)
			if err != nil {
				return err
			}
			last := prices[len(prices)-1]
			return emit(cmd, pricesResult{Days: len(prices), FirstDay: prices[0].Day, LastDay: last.Day, LastCloseUSD: last.CloseUSD})
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "store file (SQLite), created if absent")
	return cmd
}

// importInto parses the file at path and stores its records in the store at
// dbPath. The whole file is parsed before the store is opened, so a bad
// file leaves the store untouched.
func importInto[T any](ctx context.Context, dbPath, path string, parse func(io.Reader) ([]T, error), put func(*store.SQLite, context.Context, []T) error) ([]T, error) {
	if dbPath == "" {
		return nil, usageErrorf("--db is required")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	records, err := parse(f)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenSQLite(dbPath)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := put(st, ctx, records); err != nil {
		return nil, err
	}
	return records, nil
}
