package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/security"
)

func init() { register(newSecurityCmd) }

func newSecurityCmd() *cobra.Command {
	var dbPath, model, catalogPath string
	var share, budget, hours, risk, rent, rentable, asicUSDPerTH, joulesPerTH, powerCost, dropPct float64
	var confirmations int
	var at []string
	cmd := &cobra.Command{
		Use:   "security [--db FILE] [--attacker-share q | --attacker-budget-usd B] [--confirmations z] [--hours h]",
		Short: "Double-spend risk: confirmations needed against 10/30/45% attackers, and what renting or building that share costs",
		Long: `security answers, for an attacker holding share q of the total hashrate, how
many confirmations keep a double spend's success probability below --risk
(Rosenfeld's exact formula by default, Nakamoto's with --model nakamoto), and
what renting or building that share for --hours costs against the block rewards
its chain would earn.

The network is the store's tip (LIVE, with --db and imported prices), else the
labelled February 2026 SNAPSHOT. --at DATE adds the network as the difficulty
history had it on that date; --hashrate-drop-pct X (default 12, seed 004's fall)
adds each scenario after an X% hashrate drop: the confirmations needed for a
given share do not change, the cost of that share falls, and a fixed budget buys
a larger share. Rental price and rentable share are ASSUMED inputs; the build
cost is an ASSUMED USD/TH at the catalog's best efficiency unless given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			if f.Changed("attacker-share") && f.Changed("attacker-budget-usd") {
				return usageErrorf("use --attacker-share or --attacker-budget-usd, not both")
			}
			if f.Changed("attacker-share") && !(share > 0 && share < 1) {
				return usageErrorf("--attacker-share must be in (0, 1), got %g", share)
			}
			if f.Changed("attacker-budget-usd") && !(budget > 0) {
				return usageErrorf("--attacker-budget-usd must be > 0, got %g", budget)
			}
			if confirmations < 0 || confirmations > 100000 {
				return usageErrorf("--confirmations must be in [0, 100000], got %d", confirmations)
			}
			if !(risk > 0 && risk < 1) {
				return usageErrorf("--risk must be in (0, 1), got %g", risk)
			}
			if !(hours > 0 && hours <= 87600) {
				return usageErrorf("--hours must be in (0, 87600], got %g", hours)
			}
			if !(dropPct >= 0 && dropPct < 100) {
				return usageErrorf("--hashrate-drop-pct must be in [0, 100), got %g", dropPct)
			}
			m := security.Model(model)
			if m != security.Nakamoto && m != security.Rosenfeld {
				return usageErrorf("--model: %q, want rosenfeld or nakamoto", model)
			}
			if !(asicUSDPerTH > 0) {
				return usageErrorf("--asic-usd-per-th must be > 0, got %g", asicUSDPerTH)
			}
			efficiency := fmt.Sprintf("%g J/TH", joulesPerTH)
			if joulesPerTH == 0 {
				cat, err := loadCatalog(catalogPath)
				if err != nil {
					return err
				}
				joulesPerTH, efficiency = economics.BuildEfficiency(cat)
			}
			in := security.DefaultAttack(joulesPerTH)
			in.Hours, in.RentUSDPerPHDay, in.RentableShare, in.ASICUSDPerTH, in.PowerUSDPerKWh = hours, rent, rentable, asicUSDPerTH, powerCost
			assumed := in.AssumedLabel(efficiency)
			q := security.Query{Model: m, Risk: risk, Confirmations: confirmations, Shares: security.DefaultShares, Attack: in}
			if f.Changed("attacker-share") {
				q.Shares = []float64{share}
			}
			if f.Changed("attacker-budget-usd") {
				q.Shares, q.BudgetUSD = nil, budget
			}
			var dates []time.Time
			for _, s := range at {
				d, err := parseDateFlag("at", s)
				if err != nil {
					return err
				}
				dates = append(dates, d)
			}
			scenarios, err := securityScenarios(cmd.Context(), dbPath, dates)
			if err != nil {
				return err
			}
			if dropPct > 0 {
				for _, sc := range scenarios[:len(scenarios):len(scenarios)] {
					sc.Name = fmt.Sprintf("%s, hashrate −%g%%", sc.Name, dropPct)
					sc.NetworkHashrateHs *= 1 - dropPct/100
					scenarios = append(scenarios, sc)
				}
			}
			for i := range scenarios {
				scenarios[i].Label += assumed
			}
			rows, err := security.Assess(scenarios, q)
			if err != nil {
				return usageErrorf("%v", err)
			}
			return emit(cmd, rows)
		},
	}
	f := cmd.Flags()
	def := security.DefaultAttack(0)
	f.StringVar(&dbPath, "db", "", "store file (default: the February 2026 SNAPSHOT)")
	floatVar(f, &share, "attacker-share", 0, rangeShare, "attacker's share of the total hashrate (default: 0.10, 0.30 and 0.45)")
	floatVar(f, &budget, "attacker-budget-usd", 0, rangeBudgetUSD, "attacker's budget, USD: the share it rents and the share it builds")
	f.IntVar(&confirmations, "confirmations", 0, "also give the success probability at z confirmations and the share that reaches --risk there")
	floatVar(f, &hours, "hours", def.Hours, rangeHours, "duration of the attack, hours")
	floatVar(f, &risk, "risk", security.DefaultRisk, rangeOpenUnit, "accepted double-spend success probability ε")
	f.StringVar(&model, "model", string(security.Rosenfeld), "success formula: rosenfeld (exact) or nakamoto (Bitcoin paper §11)")
	floatVar(f, &rent, "rent-usd-per-ph-day", def.RentUSDPerPHDay, rangeUSDPerUnit, "ASSUMED hashrate rental price, USD per PH/s per day")
	floatVar(f, &rentable, "rentable-share", def.RentableShare, rangeFraction, "ASSUMED share of the network's hashrate that can be rented")
	floatVar(f, &asicUSDPerTH, "asic-usd-per-th", def.ASICUSDPerTH, rangeUSDPerUnit, "build: ASSUMED ASIC price, USD per TH/s (the catalog lists no verified prices)")
	floatVar(f, &joulesPerTH, "joules-per-th", 0, rangeJPerTH, "build: fleet efficiency, J/TH (0: the catalog's most efficient model)")
	floatVar(f, &powerCost, "power-cost", def.PowerUSDPerKWh, rangePowerUSDPerKWh, "build: power price, USD/kWh")
	floatVar(f, &dropPct, "hashrate-drop-pct", 12, rangePctBelow100, "also assess each scenario after this hashrate drop, % (0: off)")
	f.StringSliceVar(&at, "at", nil, "also assess the network on these dates from the difficulty history (YYYY-MM-DD; needs --db)")
	f.StringVar(&catalogPath, "catalog", "", "ASIC catalog YAML file (default: the embedded catalog)")
	return cmd
}

// securityScenarios is today (LIVE from the store, else the SNAPSHOT) and
// the network on each date from the store's difficulty history.
func securityScenarios(ctx context.Context, dbPath string, dates []time.Time) ([]security.Scenario, error) {
	if dbPath == "" {
		if len(dates) > 0 {
			return nil, usageErrorf("--at needs --db with a difficulty history")
		}
		s := economics.Snapshot2026Feb
		return []security.Scenario{economics.SecurityScenario("today", s.Network, s.AsOf, s.Label)}, nil
	}
	st, err := openStore(dbPath)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var out []security.Scenario
	if n, tipTime, _, err := networkFromStore(ctx, st, dbPath); err == nil {
		out = append(out, economics.SecurityScenario("today", n, tipTime, "LIVE: the store's tip difficulty, fees and latest price"))
	} else if len(dates) == 0 {
		return nil, err
	}
	if len(dates) == 0 {
		return out, nil
	}
	ps, err := storeDifficultyHistory(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, d := range dates {
		var in *metrics.Period
		for i := range ps {
			if ps[i].StartTime != nil && !ps[i].StartTime.After(d.Add(24*time.Hour-time.Second)) {
				in = &ps[i]
			}
		}
		if in == nil {
			return nil, usageErrorf("--at %s: the store's difficulty history has no dated period by then", d.Format(time.DateOnly))
		}
		sc := security.Scenario{Name: d.Format(time.DateOnly), Date: d, NetworkHashrateHs: in.ImpliedHashrateHs,
			Label: fmt.Sprintf("history: difficulty of the period from height %d; no price stored, rewards 0", in.StartHeight)}
		prices, err := st.Prices(ctx, d, d)
		if err != nil {
			return nil, err
		}
		if len(prices) == 1 {
			subsidy := consensus.BlockSubsidy(mainnet, in.StartHeight)
			sc.BlockRewardUSD = float64(subsidy) / 1e8 * prices[0].CloseUSD
			sc.Label = fmt.Sprintf("history: difficulty of the period from height %d; subsidy only, at that day's stored price", in.StartHeight)
		}
		out = append(out, sc)
	}
	return out, nil
}
