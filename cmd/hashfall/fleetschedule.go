package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/power"
)

// scheduleFlags are fleet schedule's inputs beyond the fleet's.
type scheduleFlags struct {
	prices, format, point, tz, step string
	peakFile, drFile, scheduleOut   string
	transmission, ramp              float64
	fourCPRule                      bool
	minOn, minOff                   int
}

func newFleetScheduleCmd() *cobra.Command {
	var in fleetInputs
	var sf scheduleFlags
	var hashpriceGiven float64
	cmd := &cobra.Command{
		Use:   "schedule FLEET.yaml --prices FILE [--price-format ercot-rt|ercot-dam|csv]",
		Short: "Optimal per-interval schedule (off or an operating point per class) against market prices, with 4CP and demand response",
		Long: `schedule picks, for every price interval and machine class, off or one of the
class's operating points (fleet YAML operating_points; the catalog nameplate
otherwise) to maximise profit: revenue at the hashprice of --price/--difficulty
less pool fee, energy, hosting and the expected 4CP transmission charge, plus
curtailment and demand-response credits. Minimum on/off times are per class;
--ramp-mw-per-interval limits the site's change of draw. Prices: ERCOT
real-time settlement-point files (--price-format ercot-rt, 15-minute), ERCOT
day-ahead (ercot-dam, hourly) for one --settlement-point, or a
timestamp,usd_per_mwh CSV at a fixed step in --tz.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sf.check(cmd); err != nil {
				return err
			}
			f, n, err := in.load(cmd, args[0])
			if err != nil {
				return err
			}
			m, notes, err := sf.market()
			if err != nil {
				return err
			}
			classes := f.PowerClasses(n, sf.minOn, sf.minOff)
			hashprice := n.HashpriceUSDPerPHDay()
			if cmd.Flags().Changed("hashprice-usd-per-ph-day") {
				if !(hashpriceGiven >= 0) || hashpriceGiven > 1e6 {
					return usageErrorf("--hashprice-usd-per-ph-day must be between 0 and 1e6, got %g", hashpriceGiven)
				}
				hashprice = hashpriceGiven
				for k := range classes {
					classes[k].HashpriceUSDPerPHDay = hashprice
				}
			}
			sch, err := power.Optimise(classes, m)
			if err != nil {
				return err
			}
			if sf.scheduleOut != "" {
				var b bytes.Buffer
				if err := power.WriteScheduleCSV(&b, classes, m, sch); err != nil {
					return err
				}
				if err := output.WriteFileAtomic(sf.scheduleOut, b.Bytes()); err != nil {
					return err
				}
			}
			cls, pts := power.Report(classes, m, sch)
			notes = append([]string{snapshotNote(cmd, n),
				fmt.Sprintf("hashprice %.2f USD/PH/day (gross, before pool fee); %d intervals of %s from %s", hashprice, len(m.Prices.USDPerMWh), m.Prices.Step, m.Prices.Start.Format(time.RFC3339)),
				fmt.Sprintf("schedule method %s, exact %v; profit %.0f USD, ramp-relaxed bound %.0f USD", sch.Method, sch.Exact, sch.ProfitUSD, sch.UpperBoundUSD),
			}, notes...)
			for _, c := range classes {
				for _, p := range c.Points {
					if p.Source == "" {
						notes = append(notes, fmt.Sprintf("%s operating point %q: ASSUMED (no source given)", c.Name, p.Name))
					}
				}
			}
			return emit(cmd, output.Document{
				Title: "Power-market schedule",
				Notes: notes,
				Sections: []output.Section{
					{Name: "classes", Data: cls},
					{Name: "points", Data: pts},
					{Name: "totals", Data: power.Total(cls)},
				},
			})
		},
	}
	in.add(cmd)
	sf.add(cmd)
	outputFileVar(cmd.Flags(), &sf.scheduleOut, "schedule-out", "write the interval-by-interval schedule to this CSV file")
	floatVar(cmd.Flags(), &hashpriceGiven, "hashprice-usd-per-ph-day", 0, rangeUSDPerUnit, "hashprice to use instead of the one from --price, --difficulty and --fees-btc")
	return cmd
}

// add registers the price-market flags (shared with fleet pivot).
func (sf *scheduleFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&sf.prices, "prices", "", "price file (required)")
	fl.StringVar(&sf.format, "price-format", "csv", "price file format: ercot-rt, ercot-dam or csv")
	fl.StringVar(&sf.point, "settlement-point", "", "ERCOT settlement point or load zone, e.g. HB_WEST (ercot-rt, ercot-dam)")
	fl.StringVar(&sf.tz, "tz", "UTC", "time zone of csv timestamps without an offset, e.g. America/Chicago")
	fl.StringVar(&sf.step, "step", "", "csv interval, e.g. 5m, 15m, 1h (default: from the first two rows)")
	floatVar(fl, &sf.transmission, "transmission-usd-per-kw-year", 0, rangeUSDPerUnit, "4CP transmission rate, USD/kW-year")
	fl.StringVar(&sf.peakFile, "peak-probabilities", "", "timestamp,probability CSV: chance each interval is a 4CP peak (times in --tz)")
	fl.BoolVar(&sf.fourCPRule, "four-cp-rule", false, "ASSUMED 4CP prior: each June–September peak equally likely in weekday 15:00–18:00 Central intervals")
	fl.StringVar(&sf.drFile, "dr-events", "", "start,end,usd_per_mwh CSV of called demand-response events (times in --tz)")
	floatVar(fl, &sf.ramp, "ramp-mw-per-interval", 0, rangeMW, "site ramp limit, MW change per interval (0 = none)")
	intVar(fl, &sf.minOn, "min-on", 1, 1, 35136, "minimum intervals a class stays on once started")
	intVar(fl, &sf.minOff, "min-off", 1, 1, 35136, "minimum intervals a class stays off once stopped")
}

// check validates the flags before any work, the output folder included.
func (sf *scheduleFlags) check(cmd *cobra.Command) error {
	switch {
	case sf.prices == "":
		return usageErrorf("--prices is required")
	case sf.format != "csv" && sf.format != "ercot-rt" && sf.format != "ercot-dam":
		return usageErrorf("--price-format %q: want ercot-rt, ercot-dam or csv", sf.format)
	case sf.format != "csv" && sf.point == "":
		return usageErrorf("--settlement-point is required with --price-format %s", sf.format)
	case sf.format == "csv" && sf.point != "":
		return usageErrorf("--settlement-point applies to ercot-rt and ercot-dam, not csv")
	case sf.format != "csv" && cmd.Flags().Changed("tz"):
		return usageErrorf("--tz applies to --price-format csv; ERCOT files are in Central Prevailing Time")
	case !(sf.transmission >= 0) || sf.transmission > 1e6:
		return usageErrorf("--transmission-usd-per-kw-year must be between 0 and 1e6, got %g", sf.transmission)
	case sf.peakFile != "" && sf.fourCPRule:
		return usageErrorf("--peak-probabilities and --four-cp-rule conflict: give one")
	case (sf.peakFile != "" || sf.fourCPRule) && sf.transmission == 0:
		return usageErrorf("--transmission-usd-per-kw-year is required with 4CP peaks")
	case !(sf.ramp >= 0) || sf.ramp > 1e6:
		return usageErrorf("--ramp-mw-per-interval must be between 0 and 1e6, got %g", sf.ramp)
	case sf.minOn < 1 || sf.minOn > 96:
		return usageErrorf("--min-on must be 1..96 intervals, got %d", sf.minOn)
	case sf.minOff < 1 || sf.minOff > 96:
		return usageErrorf("--min-off must be 1..96 intervals, got %d", sf.minOff)
	}
	if _, err := time.LoadLocation(sf.tz); err != nil || sf.tz == "" || sf.tz == "Local" {
		return usageErrorf("--tz %q: want an IANA zone such as America/Chicago or UTC", sf.tz)
	}
	if sf.step != "" {
		if d, err := time.ParseDuration(sf.step); err != nil || d < time.Minute || d > 24*time.Hour {
			return usageErrorf("--step %q: want a duration from 1m to 24h", sf.step)
		}
	}
	if sf.scheduleOut != "" {
		dir := filepath.Dir(sf.scheduleOut)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageErrorf("--schedule-out: folder %s does not exist", dir)
		}
	}
	return nil
}

func readFile[T any](path, flag string, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	r, err := os.Open(path)
	if err != nil {
		return zero, usageErrorf("%s: %v", flag, err)
	}
	defer r.Close()
	v, err := parse(r)
	if err != nil {
		return zero, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	return v, nil
}

// optional reads --prices when it is given, for the commands where it
// replaces the flat tariff: the market with its notes and the minimum
// on/off intervals, checked as fleet schedule checks them; without
// --prices, the zero PriceSchedule (flat tariff).
func (sf *scheduleFlags) optional(cmd *cobra.Command) (plan.PriceSchedule, []string, error) {
	if sf.prices == "" {
		return plan.PriceSchedule{}, nil, nil
	}
	if err := sf.check(cmd); err != nil {
		return plan.PriceSchedule{}, nil, err
	}
	m, notes, err := sf.market()
	if err != nil {
		return plan.PriceSchedule{}, nil, err
	}
	return plan.PriceSchedule{Prices: m, MinOnIntervals: sf.minOn, MinOffIntervals: sf.minOff}, notes, nil
}

// market reads the price, 4CP and demand-response inputs.
func (sf *scheduleFlags) market() (*power.Market, []string, error) {
	loc, _ := time.LoadLocation(sf.tz)
	var step time.Duration
	if sf.step != "" {
		step, _ = time.ParseDuration(sf.step)
	}
	s, err := readFile(sf.prices, "--prices", func(r io.Reader) (power.Series, error) {
		switch sf.format {
		case "ercot-rt":
			return power.ParseERCOTRealTime(r, sf.point)
		case "ercot-dam":
			return power.ParseERCOTDayAhead(r, sf.point)
		}
		return power.ParseCSV(r, power.CSVOptions{Location: loc, Step: step})
	})
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	for _, c := range s.Comments {
		notes = append(notes, sf.prices+": "+c)
	}
	if sf.point != "" {
		notes = append(notes, "settlement point "+strings.ToUpper(sf.point))
	}
	m := &power.Market{Prices: s, TransmissionUSDPerKWYear: sf.transmission, RampMWPerInterval: sf.ramp}
	switch {
	case sf.fourCPRule:
		m.PeakProbability = power.FourCPRule(s)
		notes = append(notes, "4CP: ASSUMED uniform prior over weekday 15:00–18:00 Central, June–September")
	case sf.peakFile != "":
		probs, err := readFile(sf.peakFile, "--peak-probabilities", func(r io.Reader) (power.Series, error) {
			return power.ParseCSV(r, power.CSVOptions{Location: loc})
		})
		if err != nil {
			return nil, nil, err
		}
		if m.PeakProbability, err = power.AlignProbabilities(s, probs); err != nil {
			return nil, nil, fmt.Errorf("--peak-probabilities %s: %w", sf.peakFile, err)
		}
	}
	if sf.drFile != "" {
		evs, err := readFile(sf.drFile, "--dr-events", func(r io.Reader) ([]power.DREvent, error) {
			return power.ParseDREvents(r, loc)
		})
		if err != nil {
			return nil, nil, err
		}
		m.DemandResponseUSDPerMWh = power.DRCredits(s, evs)
	}
	return m, notes, nil
}
