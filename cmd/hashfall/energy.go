package main

import (
	"math"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/output"
)

func init() { register(newEnergyCmd) }

// energyWindowBlocks is the hashrate window: a week of blocks, as CBECI
// uses a 7-day average.
const energyWindowBlocks = 1008

func newEnergyCmd() *cobra.Command {
	var dbPath, catalogPath string
	var powerCost, asicUSDPerTH, rentUSDPerPHDay, attackDays, pue float64
	cmd := &cobra.Command{
		Use:   "energy --db FILE [--power-cost X] [--asic-usd-per-th P] [--rent-usd-per-ph-day R]",
		Short: "Network power (CBECI-style lower/best/upper GW and TWh/yr), security budget and the cost of a 51% attack",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, v := range map[string]float64{"--power-cost": powerCost, "--attack-days": attackDays} {
				if !(v > 0) || math.IsInf(v, 0) {
					return usageErrorf("%s must be > 0, got %g", name, v)
				}
			}
			if asicUSDPerTH < 0 || rentUSDPerPHDay < 0 || !(pue >= 1) {
				return usageErrorf("--asic-usd-per-th and --rent-usd-per-ph-day must be ≥ 0 and --pue ≥ 1")
			}
			cat, err := loadCatalog(catalogPath)
			if err != nil {
				return err
			}
			st, err := openStore(dbPath)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			n, tipTime, _, err := networkFromStore(ctx, st, dbPath)
			if err != nil {
				return err
			}
			tip, _ := st.Tip(ctx)
			bs, err := st.Blocks(ctx, max(0, tip.Height-energyWindowBlocks), tip.Height)
			if err != nil {
				return err
			}
			est, err := metrics.Unbiased(bs, 0.95)
			if err != nil {
				return err
			}
			e, err := economics.Energy(n, est.HashrateHs, tipTime, powerCost, cat)
			if err != nil {
				return err
			}
			sec, err := economics.SecurityOf(n, est.HashrateHs, economics.Attack51{
				ASICUSDPerTH: asicUSDPerTH, JoulesPerTH: e.LowerJPerTH, PowerUSDPerKWh: powerCost, PUE: pue,
				RentUSDPerPHDay: rentUSDPerPHDay, Days: attackDays,
			})
			if err != nil {
				return err
			}
			notes := []string{
				"hashrate: unbiased estimate over the last 1008 stored blocks",
				"CBECI method: profitable catalog models released by the tip's date; PUE 1.01 / 1.10 / 1.20 for lower / best / upper",
				"51% attack: as much hashrate again as the network, on the most efficient profitable model; --asic-usd-per-th is an assumption, not measured",
			}
			if e.NoneProfitable {
				notes = append(notes, "no catalog model is profitable at this price and power cost: bounds use the most efficient model")
			}
			return emit(cmd, output.Document{
				Title:    "Energy and security",
				Notes:    notes,
				Sections: []output.Section{{Name: "energy", Data: e}, {Name: "security", Data: sec}},
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&dbPath, "db", "", "store file from hashfall sync, with prices imported")
	f.StringVar(&catalogPath, "catalog", "", "ASIC catalog YAML file (default: the embedded catalog)")
	floatVar(f, &powerCost, "power-cost", 0.05, rangePowerUSDPerKWh, "power price, USD/kWh (CBECI's default is 0.05)")
	floatVar(f, &asicUSDPerTH, "asic-usd-per-th", 15, rangeUSDPerUnit, "price of new ASIC hardware, USD per TH/s (assumed)")
	floatVar(f, &rentUSDPerPHDay, "rent-usd-per-ph-day", 0, rangeUSDPerUnit, "hashrate rental price, USD per PH/s per day (0: not priced)")
	floatVar(f, &attackDays, "attack-days", 1, rangeDays, "duration of the attack, days")
	floatVar(f, &pue, "pue", 1.1, rangePUE, "attacker's power usage effectiveness")
	return cmd
}
