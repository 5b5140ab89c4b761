package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/power"
	"github.com/hashfall/hashfall/sim"
)

func init() { register(newFleetCmd) }

func newFleetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Plan a fleet: P&L, hourly curtailment, run-down and AI/HPC conversion",
		Long: `fleet reads a fleet YAML file (sites, tariffs, machines, treasury; see
examples/fleet.yaml) and plans what to run, curtail, sell and convert.
Network flags default to the February 2026 snapshot of the seed articles.`,
	}
	cmd.AddCommand(newFleetStatusCmd(), newFleetCurtailCmd(), newFleetPivotCmd(), newFleetRundownCmd(), newFleetScheduleCmd())
	return cmd
}

// fleetInputs are the flags every fleet subcommand shares.
type fleetInputs struct {
	nf          networkFlags
	catalogPath string
}

func (in *fleetInputs) add(cmd *cobra.Command) {
	in.nf.addNetwork(cmd)
	cmd.Flags().StringVar(&in.catalogPath, "catalog", "", "hardware catalog YAML (default: the embedded catalog)")
}

func (in *fleetInputs) load(cmd *cobra.Command, path string) (*plan.Fleet, economics.Network, error) {
	n, err := in.nf.network(cmd, &economics.Snapshot2026Feb)
	if err != nil {
		return nil, n, err
	}
	cat, err := loadCatalog(in.catalogPath)
	if err != nil {
		return nil, n, err
	}
	f, err := plan.LoadFleetFile(path, cat)
	return f, n, err
}

func snapshotNote(cmd *cobra.Command, n economics.Network) string {
	note := fmt.Sprintf("network: $%.0f/BTC, difficulty %.4g, fees %.4g BTC/block", n.PriceUSD, n.Difficulty, float64(n.FeesPerBlockSat)/economics.SatPerBTC)
	if !cmd.Flags().Changed("price") && !cmd.Flags().Changed("difficulty") && !cmd.Flags().Changed("hashrate") {
		note += " — " + economics.Snapshot2026Feb.Label
	}
	return note
}

func newFleetStatusCmd() *cobra.Command {
	var in fleetInputs
	cmd := &cobra.Command{
		Use:   "status FLEET.yaml",
		Short: "Per site and model: revenue, power, hosting, profit per day, shutdown prices, what to switch off",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, n, err := in.load(cmd, args[0])
			if err != nil {
				return err
			}
			st := f.Status(n)
			return emit(cmd, output.Document{
				Title: "Fleet status",
				Notes: []string{snapshotNote(cmd, n), "energy price is each site's mean tariff; hosting fees count as energy cost"},
				Sections: []output.Section{
					{Name: "groups", Data: st.Groups},
					{Name: "sites", Data: st.Sites},
					{Name: "totals", Data: st.Totals},
				},
			})
		},
	}
	in.add(cmd)
	return cmd
}

func newFleetCurtailCmd() *cobra.Command {
	var in fleetInputs
	var pricesPath, syntheticOut, scheduleOut string
	var syntheticSeed uint64
	var syntheticYear int
	cmd := &cobra.Command{
		Use:   "curtail FLEET.yaml (--prices FILE.csv | --synthetic-seed N)",
		Short: "Hourly on/off schedule per machine class against hourly power prices",
		Long: `curtail backtests running each machine class only in hours whose price,
plus the site's curtailment and demand-response credits, is below the class's
breakeven power price. --prices (timestamp,usd_per_mwh) applies to every site;
without it, sites keep their own tariffs on the hours of the first site's
hourly file. --synthetic-seed generates a SYNTHETIC year of prices instead.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, n, err := in.load(cmd, args[0])
			if err != nil {
				return err
			}
			notes := []string{snapshotNote(cmd, n)}
			var grid plan.HourlyPrices
			override := true
			switch {
			case pricesPath != "" && cmd.Flags().Changed("synthetic-seed"):
				return usageErrorf("--prices and --synthetic-seed conflict: give one")
			case pricesPath != "":
				r, err := os.Open(pricesPath)
				if err != nil {
					return err
				}
				defer r.Close()
				if grid, err = plan.ParseHourlyPrices(r); err != nil {
					return fmt.Errorf("%s: %w", pricesPath, err)
				}
				for _, c := range grid.Comments {
					notes = append(notes, pricesPath+": "+c)
				}
			case cmd.Flags().Changed("synthetic-seed"):
				start := time.Date(syntheticYear, 1, 1, 0, 0, 0, 0, time.UTC)
				grid = plan.SyntheticHourlyPrices(plan.DefaultSyntheticPriceModel, start, int(start.AddDate(1, 0, 0).Sub(start)/time.Hour), syntheticSeed)
				notes = append(notes, fmt.Sprintf("SYNTHETIC hourly prices (seed %d) — not market data", syntheticSeed))
				if syntheticOut != "" {
					var b bytes.Buffer
					if err := plan.WriteHourlyPrices(&b, grid, "SYNTHETIC hourly prices — not market data.", fmt.Sprintf("plan.SyntheticHourlyPrices seed %d, USD/MWh", syntheticSeed)); err != nil {
						return err
					}
					if err := output.WriteFileAtomic(syntheticOut, b.Bytes()); err != nil {
						return err
					}
				}
			default:
				override = false
				for _, s := range f.Sites {
					if h := s.Tariff.Hourly(); h != nil {
						grid = *h
						break
					}
				}
				if grid.USDPerMWh == nil {
					return usageErrorf("no site has an hourly_csv tariff: give --prices FILE.csv or --synthetic-seed N")
				}
			}
			classes, prices := f.CurtailClasses(n, grid, override)
			res, err := plan.Curtail(classes, prices)
			if err != nil {
				return err
			}
			notes = append(notes, fmt.Sprintf("%d hours from %s", len(grid.USDPerMWh), grid.Start.Format(time.RFC3339)))
			if scheduleOut != "" {
				var b bytes.Buffer
				if err := plan.WriteCurtailSchedule(&b, grid, classes, prices); err != nil {
					return err
				}
				if err := output.WriteFileAtomic(scheduleOut, b.Bytes()); err != nil {
					return err
				}
			}
			return emit(cmd, output.Document{
				Title:    "Hourly curtailment backtest",
				Notes:    notes,
				Sections: []output.Section{{Name: "classes", Data: res}, {Name: "totals", Data: plan.CurtailTotals(res)}},
			})
		},
	}
	in.add(cmd)
	cmd.Flags().StringVar(&pricesPath, "prices", "", "hourly price CSV (timestamp,usd_per_mwh) applied to every site")
	cmd.Flags().Uint64Var(&syntheticSeed, "synthetic-seed", 1, "generate a SYNTHETIC year of hourly prices with this seed")
	cmd.Flags().IntVar(&syntheticYear, "synthetic-year", 2026, "calendar year of the synthetic prices")
	outputFileVar(cmd.Flags(), &syntheticOut, "synthetic-out", "also write the synthetic prices to this CSV file")
	outputFileVar(cmd.Flags(), &scheduleOut, "schedule-out", "write the hour-by-hour on/off schedule (1 = run) per class to this CSV file")
	return cmd
}

func newFleetPivotCmd() *cobra.Command {
	var in fleetInputs
	var site, scenario, salvage string
	var paths, horizonDays int
	var seed uint64
	var o plan.PivotOptions
	var sf scheduleFlags
	cmd := &cobra.Command{
		Use:   "pivot FLEET.yaml --site NAME [--scenario FILE|NAME] [--paths N]",
		Short: "NPV, IRR and payback of converting a site to AI/HPC, and the value of waiting",
		Long: `pivot values converting a site to AI/HPC hosting against mining on, over the
simulator's daily price and difficulty paths: the NPV difference's distribution,
the probability conversion wins, IRR and payback, and — by Longstaff–Schwartz
least-squares Monte Carlo over monthly decision dates — the best time to convert
and what the option to wait is worth.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if site == "" {
				return usageErrorf("--site is required")
			}
			if paths < 2 {
				return usageErrorf("--paths must be ≥ 2, got %d", paths)
			}
			f, _, err := in.load(cmd, args[0])
			if err != nil {
				return err
			}
			var priceNotes []string
			if o.PriceSchedule, priceNotes, err = sf.optional(cmd); err != nil {
				return err
			}
			if o.Salvage.USDPerTH, err = parseSalvage(salvage); err != nil {
				return usageErrorf("--salvage-usd-per-th: %v", err)
			}
			sc, err := sim.LoadScenario(scenario)
			if err != nil {
				return usageErrorf("--scenario: %v", err)
			}
			daily, err := sim.DailyPaths(cmd.Context(), sc, sim.Options{Paths: paths, HorizonDays: horizonDays, Seed: seed})
			if err != nil {
				return err
			}
			v, err := f.Pivot(site, daily, o)
			if err != nil {
				return usageErrorf("%v", err)
			}
			return emit(cmd, output.Document{
				Title: "AI/HPC conversion of site " + site,
				Notes: append([]string{
					fmt.Sprintf("scenario %q, %d paths, seed %d; simulated paths, not forecasts", scenario, paths, seed),
					"mining is valued over the simulated horizon only, machines sold at its end; the lease counts over its whole term",
					"the site's machines are sold at the salvage curve on conversion (default curve illustrative)",
				}, curtailNotes(o.Prices, priceNotes)...),
				Sections: []output.Section{{Name: "valuation", Data: v.Result}, {Name: "npv_difference_histogram", Data: v.Histogram}},
			})
		},
	}
	in.add(cmd)
	f := cmd.Flags()
	f.StringVar(&site, "site", "", "site to convert (must have an ai: option)")
	f.StringVar(&scenario, "scenario", "default", "simulator scenario: default, bear, ai-pivot or a YAML file")
	intVar(f, &paths, "paths", 1000, 2, maxPaths, "number of simulated paths")
	intVar(f, &horizonDays, "horizon-days", 0, 0, maxHorizonDays, "simulated horizon, days (0: the scenario's)")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	floatVar(f, &o.DiscountPctPerYear, "discount-pct", 10, rangePct, "discount rate, percent per year")
	f.StringVar(&salvage, "salvage-usd-per-th", "12,4,1.5,0.3", "resale USD per TH/s for <25, 25–38, 38–68, >68 J/TH (illustrative default)")
	floatVar(f, &o.Salvage.DeclinePctPerMonth, "salvage-decline-pct", 3, rangePct, "salvage value decline per month, percent")
	sf.add(cmd)
	f.Lookup("prices").Usage = "price file: value mining with the optimal curtailment schedule against it instead of the flat mean tariff"
	return cmd
}

func curtailNotes(m *power.Market, priceNotes []string) []string {
	if m == nil {
		return nil
	}
	return append([]string{fmt.Sprintf("mining valued with the optimal schedule against %d price intervals from %s, repeated over the horizon, instead of the site tariff; sell_power_npv_usd: machines sold now, credits for every MWh not drawn", len(m.Prices.USDPerMWh), m.Prices.Start.Format(time.RFC3339))}, priceNotes...)
}

func newFleetRundownCmd() *cobra.Command {
	var in fleetInputs
	var o plan.RundownOptions
	var sf scheduleFlags
	var start, salvage, htmlPath string
	var volPctPerDay, etaFrac, gammaFrac, epsilonBps float64
	cmd := &cobra.Command{
		Use:   "rundown FLEET.yaml [--horizon-days D] [--html FILE]",
		Short: "Dated run-down plan: shutdowns, hardware sales, site conversions and BTC sales",
		Long: `rundown walks the fleet forward day by day on an assumed price and difficulty
drift: groups shut down the day they stop earning their power (least efficient,
most expensive power first) and are sold at the salvage curve; sites left idle
with an ai: option are marked for conversion; any cash shortfall is covered by
selling treasury BTC on an Almgren–Chriss schedule. The default salvage curve
and market-impact parameters are ILLUSTRATIVE, not market data.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, n, err := in.load(cmd, args[0])
			if err != nil {
				return err
			}
			var priceNotes []string
			if o.PriceSchedule, priceNotes, err = sf.optional(cmd); err != nil {
				return err
			}
			if o.Start, err = time.Parse(time.DateOnly, start); err != nil {
				return usageErrorf("--start %q: want YYYY-MM-DD", start)
			}
			if o.Salvage.USDPerTH, err = parseSalvage(salvage); err != nil {
				return usageErrorf("--salvage-usd-per-th: %v", err)
			}
			p := n.PriceUSD
			o.Liquidation.SigmaUSDPerSqrtDay = p * volPctPerDay / 100
			o.Liquidation.EtaUSDDayPerUnit2 = p * etaFrac
			o.Liquidation.GammaUSDPerUnit2 = p * gammaFrac
			o.Liquidation.EpsilonUSDPerUnit = p * epsilonBps / 1e4
			r, err := f.Rundown(n, o)
			if err != nil {
				return usageErrorf("%v", err)
			}
			if htmlPath != "" {
				page, err := plan.RundownHTML(r, "Run-down plan: "+args[0])
				if err != nil {
					return err
				}
				if err := output.WriteFileAtomic(htmlPath, page); err != nil {
					return err
				}
			}
			return emit(cmd, output.Document{
				Title: "Run-down plan",
				Notes: append([]string{snapshotNote(cmd, n),
					fmt.Sprintf("price %+g%%/month, difficulty %+g%%/month, deterministic; salvage curve and impact parameters are inputs (defaults illustrative)", o.PriceDriftPctPerMonth, o.DifficultyPctPerMonth)},
					rundownPriceNotes(o.Prices, priceNotes)...),
				Sections: []output.Section{{Name: "summary", Data: r.Summary}, {Name: "schedule", Data: r.Events}},
			})
		},
	}
	in.add(cmd)
	sf.add(cmd)
	cmd.Flags().Lookup("prices").Usage = "price file: each group earns its optimal curtailment schedule against it instead of the flat mean tariff"
	fl := cmd.Flags()
	intVar(fl, &o.HorizonDays, "horizon-days", 365, 1, maxHorizonDays, "days to plan")
	fl.StringVar(&start, "start", economics.Snapshot2026Feb.AsOf.Format(time.DateOnly), "first day of the plan, YYYY-MM-DD")
	floatVar(fl, &o.PriceDriftPctPerMonth, "price-drift-pct", 0, rangeDriftPct, "BTC price change per month, percent (compounding)")
	floatVar(fl, &o.DifficultyPctPerMonth, "difficulty-drift-pct", 0, rangeDriftPct, "difficulty change per month, percent (compounding)")
	fl.StringVar(&salvage, "salvage-usd-per-th", "12,4,1.5,0.3", "resale USD per TH/s for <25, 25–38, 38–68, >68 J/TH (illustrative default)")
	floatVar(fl, &o.Salvage.DeclinePctPerMonth, "salvage-decline-pct", 3, rangePct, "salvage value decline per month, percent")
	floatVar(fl, &volPctPerDay, "btc-vol-pct", 3, rangePct, "BTC daily volatility, percent of price (σ for Almgren–Chriss)")
	floatVar(fl, &etaFrac, "eta-frac", 1e-5, rangeFraction, "temporary impact η as a fraction of price per BTC/day sold")
	floatVar(fl, &gammaFrac, "gamma-frac", 1e-6, rangeFraction, "permanent impact γ as a fraction of price per BTC sold")
	floatVar(fl, &epsilonBps, "epsilon-bps", 5, rangeBps, "fixed cost per BTC sold (half spread + fees), basis points of price")
	floatVar(fl, &o.Liquidation.LambdaPerUSD, "lambda", 1e-9, rangeLambda, "risk aversion λ, 1/USD (1e-9 with the defaults: half-life of about two weeks)")
	outputFileVar(fl, &htmlPath, "html", "also write an HTML timeline chart to this file")
	return cmd
}

// parseSalvage reads four comma-separated USD/TH values.
func parseSalvage(s string) ([4]float64, error) {
	var out [4]float64
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return out, fmt.Errorf("want 4 comma-separated values, got %d", len(parts))
	}
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(v >= 0) || math.IsInf(v, 0) {
			return out, fmt.Errorf("value %d (%q) must be a number ≥ 0", i+1, p)
		}
		out[i] = v
	}
	return out, nil
}

func rundownPriceNotes(m *power.Market, priceNotes []string) []string {
	if m == nil {
		return nil
	}
	return append([]string{fmt.Sprintf("each group earns its optimal curtailment schedule against %d price intervals from %s (repeated, at every site), and shuts down when that schedule runs it in no interval", len(m.Prices.USDPerMWh), m.Prices.Start.Format(time.RFC3339))}, priceNotes...)
}
