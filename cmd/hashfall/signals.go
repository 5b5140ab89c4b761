package main

import (
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/output"
)

func init() { register(newSignalsCmd) }

// signalDays is how much history signals reads: a year for the Puell
// multiple's mean plus margin; the ribbons need 200 days.
const signalDays = 430

type ribbonState struct {
	SMA30Hs            float64 `json:"sma30_hs"`
	SMA60Hs            float64 `json:"sma60_hs"`
	InCapitulation     bool    `json:"in_capitulation"`
	DaysInCapitulation int     `json:"days_in_capitulation"`
}

func newSignalsCmd() *cobra.Command {
	var dbPath string
	var powerCost, fleetJPerTH float64
	var historyDays int
	cmd := &cobra.Command{
		Use:   "signals --db FILE [--power-cost X] [--fleet-j-per-th J]",
		Short: "Capitulation signals from the store: hash ribbons, Puell multiple, difficulty ribbon, revenue-to-cost",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !(powerCost > 0) || math.IsInf(powerCost, 0) {
				return usageErrorf("--power-cost must be > 0 USD/kWh, got %g", powerCost)
			}
			if historyDays < 0 || historyDays > signalDays {
				return usageErrorf("--history-days must be in [0, %d], got %d", signalDays, historyDays)
			}
			if !(fleetJPerTH > 0) {
				return usageErrorf("--fleet-j-per-th must be > 0, got %g", fleetJPerTH)
			}
			st, err := openStore(dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			n, _, p, err := networkFromStore(ctx, st, dbPath)
			if err != nil {
				return err
			}
			tip, _ := st.Tip(ctx)
			bs, err := st.Blocks(ctx, max(0, tip.Height-signalDays*144*3/2), tip.Height)
			if err != nil {
				return err
			}
			days := metrics.Daily(p, bs)
			if len(days) == 0 {
				return fmt.Errorf("store %s spans less than a full day of blocks", dbPath)
			}
			first, last := days[0].Day, days[len(days)-1].Day
			prices, err := st.Prices(ctx, first.AddDate(0, 0, -30), last)
			if err != nil {
				return err
			}
			hist := economics.HashpriceHistory(p, bs, days, prices)
			ribbons := metrics.HashRibbonsOf(days)
			events := append(ribbons.Events, economics.HashRibbonRecoveries(ribbons.Events, prices)...)
			s := economics.SummarizeSignals(n, days, hist, fleetJPerTH, powerCost)
			notes := []string{"revenue_to_cost uses the tip's difficulty, the 144-block fee mean and the latest imported price"}
			if len(hist) == 0 {
				notes = append(notes, "no imported price matches the stored days: hashprice and Puell are missing")
			}
			if len(days) < 61 {
				notes = append(notes, "hash ribbons need 60 days of blocks")
			}
			return emit(cmd, output.Document{
				Title: "Capitulation signals",
				Notes: notes,
				Sections: []output.Section{
					{Name: "summary", Data: s},
					{Name: "hash_ribbons", Data: ribbonState{ribbons.SMA30Hs, ribbons.SMA60Hs, ribbons.InCapitulation, ribbons.DaysInCapitulation}},
					{Name: "ribbon_events", Data: events},
					{Name: "hashprice_history", Data: hist[max(0, len(hist)-historyDays):]},
				},
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync, with prices imported")
	floatVar(f, &powerCost, "power-cost", 0.05, rangePowerUSDPerKWh, "power price for revenue-to-cost, USD/kWh")
	floatVar(f, &fleetJPerTH, "fleet-j-per-th", 20, rangeJPerTHPositive, "reference fleet efficiency, J/TH")
	f.IntVar(&historyDays, "history-days", 30, "days of daily hashprice history to list (fees as a 144-block mean)")
	return cmd
}
