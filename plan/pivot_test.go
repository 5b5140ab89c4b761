package plan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hashfall/hashfall/sim"
)

// pivotFleet: one 1 MW site with 100 S21 (200 TH/s, 3,500 W) at
// $0.05/kWh, and an AI option of $1M capex, 1,000 kW of IT load leased at
// $100/kW-month for one year, no lead time, default risk or opex.
const pivotFleet = `
sites:
  - name: s
    capacity_mw: 1
    tariff: {flat_usd_per_kwh: 0.05}
    ai: {capex_usd_per_mw: 1000000, lead_time_months: 0, lease_usd_per_kw_month: 100, lease_term_years: 1, it_load_fraction: 1}
machines:
  - {model: S21, count: 100, site: s}
`

// flatPaths builds n identical paths whose hashprice is hiUSD until day
// cut and 0 after.
func flatPaths(n, days, cut int, hiUSD float64) [][]sim.PathDay {
	out := make([][]sim.PathDay, n)
	for i := range out {
		p := make([]sim.PathDay, days)
		for d := range p {
			if d < cut {
				p[d].HashpriceUSDPerPHDay = hiUSD
			}
		}
		out[i] = p
	}
	return out
}

// Mining pays $58/day per S21 at $50/PH/day (0.2 PH/s · 50 − 3.5 kW · 24 h ·
// $0.05 = $5.80) while hashprice holds, then nothing; the lease pays
// $100,000 a month for 12 months against $1M capex. At 10%/year the best
// plan is to mine while it pays and convert the month it stops, and
// Longstaff–Schwartz must find exactly that value.
func TestPivotValueOfWaitingDeterministic(t *testing.T) {
	f := mustFleet(t, pivotFleet)
	const days, cutMonth = 1096, 12
	cut := int(math.Ceil(cutMonth * daysPerMonth))
	v, err := f.Pivot("s", flatPaths(4, days, cut, 50), PivotOptions{DiscountPctPerYear: 10})
	if err != nil {
		t.Fatal(err)
	}
	r := v.Result
	D := math.Pow(1.10, -1.0/12)
	var G float64
	for k := 1; k <= 12; k++ {
		G += 100000 * math.Pow(D, float64(k))
	}
	G -= 1e6
	near(t, "convert-now NPV", r.ConvertNowNPVUSD, G, 1e-9)
	// Day d belongs to month ⌊d/30.4375⌋; each pays 100 × $5.80.
	var mine, withOption float64
	for d := 0; d < cut; d++ {
		mo := int(float64(d) / daysPerMonth)
		mine += 580 * math.Pow(D, float64(mo+1))
	}
	withOption = mine + math.Pow(D, cutMonth)*G
	near(t, "mine NPV", r.MineNPVMeanUSD, mine, 1e-9)
	near(t, "value with option", r.ValueWithOptionUSD, withOption, 1e-9)
	near(t, "value of waiting", r.ValueOfWaitingUSD, withOption-math.Max(G, mine), 1e-9)
	if r.ConvertNow || r.BestMonthMedian == nil || *r.BestMonthMedian != cutMonth || r.PConvertWithinHorizon != 1 {
		t.Errorf("convert now %v, best month %v, P(convert) %g; want wait, month %d, 1", r.ConvertNow, r.BestMonthMedian, r.PConvertWithinHorizon, cutMonth)
	}
	wins := 0.0
	if G > mine {
		wins = 1
	}
	if r.PConversionWins != wins {
		t.Errorf("P(conversion wins) = %g, want %g", r.PConversionWins, wins)
	}
}

// IRR and payback on flows with known answers.
func TestIRRAndPayback(t *testing.T) {
	near(t, "IRR one period", irrAnnualPct([]float64{-100, 110}), (math.Pow(1.1, 12)-1)*100, 1e-8)
	// A 12-month annuity of 10 for 100 has a monthly IRR of about 2.923%.
	flows := append([]float64{-100}, make([]float64, 12)...)
	for k := 1; k <= 12; k++ {
		flows[k] = 10
	}
	rm := math.Pow(1+irrAnnualPct(flows)/100, 1.0/12) - 1
	near(t, "annuity NPV at IRR", npvMonthly(flows, rm)+1, 1, 1e-9)
	if !math.IsNaN(irrAnnualPct([]float64{10, 10})) {
		t.Error("IRR of all-positive flows should be NaN")
	}
	if got := paybackMonths(flows); got != 10 {
		t.Errorf("payback = %d months, want 10", got)
	}
	if got := paybackMonths([]float64{-100, 10}); got != -1 {
		t.Errorf("payback = %d, want -1", got)
	}
}

// randomPaths is a geometric random walk of hashprice, for the benchmark
// and the sanity test.
func randomPaths(n, days int, seed uint64) [][]sim.PathDay {
	rng := rand.New(rand.NewPCG(seed, 9))
	out := make([][]sim.PathDay, n)
	for i := range out {
		p := make([]sim.PathDay, days)
		h := 40.0
		for d := range p {
			h *= math.Exp(0.03*rng.NormFloat64() - 0.0005)
			p[d].HashpriceUSDPerPHDay = h
		}
		out[i] = p
	}
	return out
}

// With uncertainty the option to wait is worth at least both fixed
// choices (up to Monte Carlo error), and the NPV-difference histogram
// sums to one.
func TestPivotRandomPathsSanity(t *testing.T) {
	f := mustFleet(t, pivotFleet)
	v, err := f.Pivot("s", randomPaths(2000, 730, 5), PivotOptions{DiscountPctPerYear: 10, Salvage: IllustrativeSalvage})
	if err != nil {
		t.Fatal(err)
	}
	r := v.Result
	if r.ValueOfWaitingUSD < -3*r.ValueWithOptionSEUSD {
		t.Errorf("value of waiting %.0f < 0 beyond MC error %.0f", r.ValueOfWaitingUSD, r.ValueWithOptionSEUSD)
	}
	var sum float64
	for _, b := range v.Histogram {
		sum += b.Share
	}
	near(t, "histogram mass", sum, 1, 1e-9)
	if r.NPVDiffP05USD > r.NPVDiffP50USD || r.NPVDiffP50USD > r.NPVDiffP95USD {
		t.Errorf("quantiles out of order: %v %v %v", r.NPVDiffP05USD, r.NPVDiffP50USD, r.NPVDiffP95USD)
	}
	if _, err := f.Pivot("nope", randomPaths(2, 60, 1), PivotOptions{DiscountPctPerYear: 10}); err == nil {
		t.Error("unknown site accepted")
	}
}

// BenchmarkPivot10kPaths: 10,000 two-year daily paths with
// Longstaff–Schwartz over 24 monthly exercise dates.
func BenchmarkPivot10kPaths(b *testing.B) {
	f := mustFleet(b, pivotFleet)
	paths := randomPaths(10000, 730, 1)
	for b.Loop() {
		if _, err := f.Pivot("s", paths, PivotOptions{DiscountPctPerYear: 10, Salvage: IllustrativeSalvage}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLongstaffSchwartzPut(b *testing.B) {
	p := americanPut(10000, 1)
	for b.Loop() {
		if _, err := LongstaffSchwartz(p); err != nil {
			b.Fatal(err)
		}
	}
}

// Selling the machines on conversion adds their salvage at the conversion
// month: 100 S21 × 200 TH/s × $10/TH today, decaying 10% a month, so
// converting at month 12 adds $200,000 · 0.9^12, discounted 12 months.
func TestPivotSalvageOnConversion(t *testing.T) {
	f := mustFleet(t, pivotFleet)
	const days, cutMonth = 1096, 12
	cut := int(math.Ceil(cutMonth * daysPerMonth))
	paths := flatPaths(4, days, cut, 50)
	base, err := f.Pivot("s", paths, PivotOptions{DiscountPctPerYear: 10})
	if err != nil {
		t.Fatal(err)
	}
	curve := SalvageCurve{USDPerTH: [4]float64{10, 0, 0, 0}, DeclinePctPerMonth: 10}
	with, err := f.Pivot("s", paths, PivotOptions{DiscountPctPerYear: 10, Salvage: curve})
	if err != nil {
		t.Fatal(err)
	}
	D := math.Pow(1.10, -1.0/12)
	near(t, "salvage now", with.Result.SalvageNowUSD, 200000, 1e-12)
	near(t, "convert-now NPV", with.Result.ConvertNowNPVUSD, base.Result.ConvertNowNPVUSD+200000, 1e-9)
	near(t, "value with option", with.Result.ValueWithOptionUSD,
		base.Result.ValueWithOptionUSD+math.Pow(D, cutMonth)*200000*math.Pow(0.9, cutMonth), 1e-9)
}
