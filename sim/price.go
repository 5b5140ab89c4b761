package sim

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

const daysPerYear = 365.0

// priceProcess produces one path's daily prices. Day 0 is the start price.
type priceProcess struct {
	m       *PriceModel
	returns []float64
	rng     *rand.Rand
	logRel  float64 // ln(P/P0) of the random part; 0 keeps day 0 exactly at P0
	start   float64
	day     int
}

func newPriceProcess(s *Scenario, rng *rand.Rand) *priceProcess {
	return &priceProcess{m: &s.Price, returns: s.bootstrapLogReturns, rng: rng, start: s.Start.PriceUSD}
}

// price returns the current day's price in USD.
func (p *priceProcess) price() float64 {
	if p.m.Model == "scripted" {
		return scriptedPrice(p.m.Points, p.start, p.day) * math.Exp(p.logRel)
	}
	return p.start * math.Exp(p.logRel)
}

// shock adds an exogenous log-price change (miner-sales feedback).
func (p *priceProcess) shock(dLog float64) { p.logRel += dLog }

// step moves to the next day. With Δt = 1/365 year:
//
//	gbm:       Δln P = (μ − σ²/2)Δt + σ√Δt·Z
//	merton:    Δln P = (μ − σ²/2 − λk)Δt + σ√Δt·Z + Σ_{i≤N} J_i,
//	           N ~ Poisson(λΔt), J_i ~ N(μ_J, σ_J²), k = e^{μ_J+σ_J²/2} − 1,
//	           so that E[P_t] = P_0·e^{μt} as in GBM (Merton 1976);
//	bootstrap: Δln P = r_U, U uniform over the historical daily log returns;
//	scripted:  no randomness; the path is the knots' linear interpolation.
func (p *priceProcess) step() {
	p.day++
	m := p.m
	const dt = 1 / daysPerYear
	switch m.Model {
	case "gbm":
		p.logRel += (m.DriftPerYear-m.VolatilityPerYear*m.VolatilityPerYear/2)*dt + m.VolatilityPerYear*math.Sqrt(dt)*p.rng.NormFloat64()
	case "merton":
		k := math.Exp(m.JumpMeanLog+m.JumpStdLog*m.JumpStdLog/2) - 1
		p.logRel += (m.DriftPerYear-m.VolatilityPerYear*m.VolatilityPerYear/2-m.JumpsPerYear*k)*dt + m.VolatilityPerYear*math.Sqrt(dt)*p.rng.NormFloat64()
		for n := poissonSmall(p.rng, m.JumpsPerYear*dt); n > 0; n-- {
			p.logRel += m.JumpMeanLog + m.JumpStdLog*p.rng.NormFloat64()
		}
	case "bootstrap":
		p.logRel += p.returns[p.rng.IntN(len(p.returns))]
	}
}

// poissonSmall draws Poisson(λ) for small λ by counting unit-rate
// exponential arrivals before λ (exact for any λ; O(λ) draws).
func poissonSmall(rng *rand.Rand, lambda float64) int {
	n := 0
	for t := rng.ExpFloat64(); t < lambda; t += rng.ExpFloat64() {
		n++
	}
	return n
}

// scriptedPrice interpolates the knots linearly in days; before the first
// knot it runs from the start price at day 0, after the last it is flat.
func scriptedPrice(pts []PricePoint, startUSD float64, day int) float64 {
	prevDay, prevUSD := 0, startUSD
	for _, pt := range pts {
		if day <= pt.Day {
			if pt.Day == prevDay {
				return pt.PriceUSD
			}
			f := float64(day-prevDay) / float64(pt.Day-prevDay)
			return prevUSD + f*(pt.PriceUSD-prevUSD)
		}
		prevDay, prevUSD = pt.Day, pt.PriceUSD
	}
	return prevUSD
}

// readPriceLogReturns reads a daily price CSV with columns date, close
// (header optional, dates as YYYY-MM-DD, any order) and returns the log
// returns ln(close_t/close_{t−1}) of consecutive rows after sorting by
// date. Gaps of more than one day are skipped, so every return is daily.
func readPriceLogReturns(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parsePriceLogReturns(f)
}

func parsePriceLogReturns(r io.Reader) ([]float64, error) {
	type row struct {
		day   time.Time
		close float64
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows []row
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("line %d: want date,close, got %d fields", line, len(rec))
		}
		d, derr := time.Parse("2006-01-02", strings.TrimSpace(rec[0]))
		c, cerr := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if derr != nil || cerr != nil {
			if line == 1 {
				continue // header
			}
			return nil, fmt.Errorf("line %d: want YYYY-MM-DD,close, got %q,%q", line, rec[0], rec[1])
		}
		if !(c > 0) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("line %d: close must be > 0, got %g", line, c)
		}
		rows = append(rows, row{d, c})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].day.Before(rows[j].day) })
	var out []float64
	for i := 1; i < len(rows); i++ {
		if rows[i].day.Sub(rows[i-1].day) == 24*time.Hour {
			r := math.Log(rows[i].close / rows[i-1].close)
			if math.IsInf(r, 0) {
				return nil, fmt.Errorf("the return from %s to %s overflows", rows[i-1].day.Format(time.DateOnly), rows[i].day.Format(time.DateOnly))
			}
			out = append(out, r)
		}
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("need at least 3 consecutive daily closes, found %d returns", len(out))
	}
	return out, nil
}

// feesPerBlockBTC returns the mean fees per block on a day, BTC:
//
//	constant:     F = F0
//	lognormal:    F = F0·exp(σZ − σ²/2), Z ~ N(0,1) each day, so E[F] = F0
//	price_scaled: F = F0·(P/P0)^ε
func feesPerBlockBTC(m *FeeModel, f0, p0, p float64, rng *rand.Rand) float64 {
	switch m.Model {
	case "lognormal":
		return f0 * math.Exp(m.SigmaLog*rng.NormFloat64()-m.SigmaLog*m.SigmaLog/2)
	case "price_scaled":
		return f0 * math.Pow(p/p0, m.PriceElasticity)
	}
	return f0
}
