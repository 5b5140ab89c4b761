package plan

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hashfall/hashfall/power"
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

// ParseHourlyPrices reads a CSV of "timestamp,usd_per_mwh" rows: the
// generic fixed-step reader power.ParseCSV at a one-hour step in UTC. A
// header row, blank lines and lines starting with '#' are skipped.
// Timestamps are RFC 3339 or "YYYY-MM-DD HH[:MM[:SS]]" (taken as UTC) and
// must fall on the hour, one hour apart, with no gaps or duplicates: a
// curtailment backtest over a file with holes would silently misstate
// energy and savings. Errors name the line.
func ParseHourlyPrices(r io.Reader) (HourlyPrices, error) {
	s, err := power.ParseCSV(r, power.CSVOptions{Location: time.UTC, Step: time.Hour})
	if err != nil {
		return HourlyPrices{}, err
	}
	if !s.Start.Truncate(time.Hour).Equal(s.Start) {
		return HourlyPrices{}, fmt.Errorf("line %d: %s is not on the hour", s.FirstLine, s.Start.Format(time.RFC3339))
	}
	return HourlyPrices{Start: s.Start, USDPerMWh: s.USDPerMWh, Comments: s.Comments}, nil
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
