package plan

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// HourlyPrices is a gap-free series of hourly energy prices starting at
// Start (UTC), in USD/MWh as ISOs such as ERCOT publish them. Prices may be
// negative.
type HourlyPrices struct {
	Start     time.Time
	USDPerMWh []float64
	// Comments are the file's '#' lines, without the '#', so a label such
	// as "SYNTHETIC" travels with the data into reports.
	Comments []string
}

// At returns the hour's timestamp.
func (h HourlyPrices) At(i int) time.Time { return h.Start.Add(time.Duration(i) * time.Hour) }

// MeanUSDPerMWh returns the arithmetic mean price, the flat price that
// costs a constant load the same.
func (h HourlyPrices) MeanUSDPerMWh() float64 {
	if len(h.USDPerMWh) == 0 {
		return 0
	}
	var s float64
	for _, p := range h.USDPerMWh {
		s += p
	}
	return s / float64(len(h.USDPerMWh))
}

// maxHourlyRows bounds a price file at about 114 years of hours, so a
// corrupt file cannot exhaust memory.
const maxHourlyRows = 1_000_000

var timestampLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15",
	"2006-01-02 15",
}

// ParseHourlyPrices reads a CSV of "timestamp,usd_per_mwh" rows. A header
// row, blank lines and lines starting with '#' are skipped. Timestamps are
// RFC 3339 or "YYYY-MM-DD HH[:MM[:SS]]" (taken as UTC) and must fall on the
// hour, one hour apart, with no gaps or duplicates: a curtailment backtest
// over a file with holes would silently misstate energy and savings.
// Errors name the line.
func ParseHourlyPrices(r io.Reader) (HourlyPrices, error) {
	var h HourlyPrices
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	line := 0
	var prev time.Time
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" {
			continue
		}
		if c, ok := strings.CutPrefix(text, "#"); ok {
			if len(h.Comments) < 100 {
				h.Comments = append(h.Comments, strings.TrimSpace(c))
			}
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != 2 {
			return h, fmt.Errorf("line %d: want 2 fields (timestamp,usd_per_mwh), got %d", line, len(fields))
		}
		ts := strings.Trim(strings.TrimSpace(fields[0]), `"`)
		ps := strings.Trim(strings.TrimSpace(fields[1]), `"`)
		t, err := parseTimestamp(ts)
		if err != nil {
			if len(h.USDPerMWh) == 0 && prev.IsZero() {
				if _, perr := strconv.ParseFloat(ps, 64); perr != nil {
					continue // header row
				}
			}
			return h, fmt.Errorf("line %d: timestamp %q: want RFC 3339 or YYYY-MM-DD HH:MM", line, ts)
		}
		p, err := strconv.ParseFloat(ps, 64)
		if err != nil || math.IsNaN(p) || math.IsInf(p, 0) {
			return h, fmt.Errorf("line %d: price %q is not a finite number of USD/MWh", line, ps)
		}
		if t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
			return h, fmt.Errorf("line %d: %s is not on the hour", line, ts)
		}
		if len(h.USDPerMWh) == 0 {
			h.Start = t
		} else {
			switch d := t.Sub(prev); {
			case d == 0:
				return h, fmt.Errorf("line %d: duplicate hour %s", line, t.Format(time.RFC3339))
			case d < 0:
				return h, fmt.Errorf("line %d: %s is before the previous row %s", line, t.Format(time.RFC3339), prev.Format(time.RFC3339))
			case d > time.Hour:
				return h, fmt.Errorf("line %d: gap of %d hours after %s", line, int(d/time.Hour)-1, prev.Format(time.RFC3339))
			}
		}
		if len(h.USDPerMWh) >= maxHourlyRows {
			return h, fmt.Errorf("line %d: more than %d hourly rows", line, maxHourlyRows)
		}
		h.USDPerMWh = append(h.USDPerMWh, p)
		prev = t
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("line %d: %v", line+1, err)
	}
	if len(h.USDPerMWh) == 0 {
		return h, fmt.Errorf("no price rows")
	}
	return h, nil
}

func parseTimestamp(s string) (time.Time, error) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad timestamp")
}

// WriteHourlyPrices writes h in the format ParseHourlyPrices reads, with
// comment lines first (used to label synthetic data).
func WriteHourlyPrices(w io.Writer, h HourlyPrices, comments ...string) error {
	bw := bufio.NewWriter(w)
	for _, c := range comments {
		fmt.Fprintf(bw, "# %s\n", c)
	}
	fmt.Fprintln(bw, "timestamp,usd_per_mwh")
	for i, p := range h.USDPerMWh {
		fmt.Fprintf(bw, "%s,%.2f\n", h.At(i).Format(time.RFC3339), p)
	}
	return bw.Flush()
}

// SyntheticPriceModel parameterises SyntheticHourlyPrices. The defaults
// (DefaultSyntheticPriceModel) give a Texas-like year: a $40/MWh mean, an
// afternoon peak, rare scarcity spikes to several hundred $/MWh and
// occasional negative hours. It is a toy for demos and tests, fitted to
// nothing.
type SyntheticPriceModel struct {
	MeanUSDPerMWh     float64 // long-run level μ
	DailySwingUSD     float64 // amplitude of the daily shape, peaking at 22:00 UTC (16:00 in Texas)
	ReversionPerHour  float64 // θ: fraction of the gap to μ closed each hour
	NoiseUSDPerMWh    float64 // σ of the hourly shock
	SpikeProbPerHour  float64 // chance an hour starts a scarcity spike
	SpikeMeanUSD      float64 // mean height of a spike (exponential)
	SpikeDecayPerHour float64 // fraction of a spike left after each hour
}

// DefaultSyntheticPriceModel is the model the CLI and tests use.
var DefaultSyntheticPriceModel = SyntheticPriceModel{
	MeanUSDPerMWh: 40, DailySwingUSD: 15, ReversionPerHour: 0.2, NoiseUSDPerMWh: 6,
	SpikeProbPerHour: 0.004, SpikeMeanUSD: 400, SpikeDecayPerHour: 0.5,
}

// SyntheticHourlyPrices generates SYNTHETIC hourly prices — not market
// data. It is an Ornstein–Uhlenbeck process around a daily shape plus
// exponentially decaying jumps:
//
//	base_t  = μ + A·cos(2π(h_t − 22)/24)            (USD/MWh; peak 22:00 UTC)
//	x_{t+1} = x_t + θ(base_t − x_t) + σ·ε_t,  ε ~ N(0,1)
//	j_{t+1} = d·j_t + J_t,   J_t ~ Bernoulli(p)·Exp(mean m)
//	price_t = x_t + j_t
//
// seeded with math/rand/v2 PCG so a seed always gives the same file.
func SyntheticHourlyPrices(m SyntheticPriceModel, start time.Time, hours int, seed uint64) HourlyPrices {
	rng := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	start = start.UTC().Truncate(time.Hour)
	out := HourlyPrices{Start: start, USDPerMWh: make([]float64, hours)}
	x, jump := m.MeanUSDPerMWh, 0.0
	for i := range out.USDPerMWh {
		hour := float64(start.Add(time.Duration(i) * time.Hour).Hour())
		base := m.MeanUSDPerMWh + m.DailySwingUSD*math.Cos(2*math.Pi*(hour-22)/24)
		x += m.ReversionPerHour*(base-x) + m.NoiseUSDPerMWh*rng.NormFloat64()
		jump *= m.SpikeDecayPerHour
		if rng.Float64() < m.SpikeProbPerHour {
			jump += m.SpikeMeanUSD * rng.ExpFloat64()
		}
		out.USDPerMWh[i] = x + jump
	}
	return out
}
