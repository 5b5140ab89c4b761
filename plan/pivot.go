package plan

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"

	"github.com/hashfall/hashfall/power"
	"github.com/hashfall/hashfall/sim"
)

// PivotResult compares converting a site to AI/HPC hosting with mining on,
// over simulated paths.
type PivotResult struct {
	Site               string  `json:"site"`
	CapacityMW         float64 `json:"capacity_mw"`
	Paths              int     `json:"paths"`
	HorizonMonths      int     `json:"horizon_months"`
	DiscountPctPerYear float64 `json:"discount_pct_per_year"`
	CapexUSD           float64 `json:"capex_usd" table:"%.0f"`
	SalvageNowUSD      float64 `json:"salvage_now_usd" table:"%.0f"` // the site's machines sold today
	// ConvertNowNPVUSD is the NPV of converting today: salvage − capex
	// plus the lease's net cash flows over its whole term (contracted, so
	// counted beyond the simulated horizon), weighted by tenant survival.
	ConvertNowNPVUSD float64 `json:"convert_now_npv_usd" table:"%.0f"`
	// MineNPV* summarise the NPV of mining on over the horizon and selling
	// the machines at its end, per path.
	MineNPVMeanUSD float64 `json:"mine_npv_mean_usd" table:"%.0f"`
	MineNPVP05USD  float64 `json:"mine_npv_p05_usd" table:"%.0f"`
	MineNPVP95USD  float64 `json:"mine_npv_p95_usd" table:"%.0f"`
	// NPVDiff* summarise convert-now NPV − mine NPV, per path.
	NPVDiffMeanUSD  float64 `json:"npv_diff_mean_usd" table:"%.0f"`
	NPVDiffP05USD   float64 `json:"npv_diff_p05_usd" table:"%.0f"`
	NPVDiffP50USD   float64 `json:"npv_diff_p50_usd" table:"%.0f"`
	NPVDiffP95USD   float64 `json:"npv_diff_p95_usd" table:"%.0f"`
	PConversionWins float64 `json:"p_conversion_wins" table:"%.3f"`
	// IRRMedianPct is the median over paths of the annual IRR of the
	// incremental cash flows (convert − mine); NaN paths (no sign change)
	// are left out.
	IRRMedianPct *float64 `json:"irr_median_pct,omitempty" table:"%.1f"`
	// PaybackMedianMonths is the median month in which cumulative
	// incremental cash turns positive (−1: not within the lease term).
	PaybackMedianMonths float64 `json:"payback_median_months" table:"%.0f"`
	// Longstaff–Schwartz: the value of the site when conversion may happen
	// at any month-end of the horizon, and what waiting adds over the
	// better of converting now and never converting.
	ValueWithOptionUSD    float64  `json:"value_with_option_usd" table:"%.0f"`
	ValueWithOptionSEUSD  float64  `json:"value_with_option_se_usd" table:"%.0f"`
	ValueOfWaitingUSD     float64  `json:"value_of_waiting_usd" table:"%.0f"`
	ConvertNow            bool     `json:"convert_now"`
	PConvertWithinHorizon float64  `json:"p_convert_within_horizon" table:"%.3f"`
	BestMonthMedian       *float64 `json:"best_month_median,omitempty" table:"%.0f"` // among paths that convert
	// CurtailedAgainstPrices is true when mining was valued with the
	// optimal schedule against a price file (PivotOptions.Prices).
	CurtailedAgainstPrices bool `json:"curtailed_against_prices"`
	// SellPowerNPVUSD is the third option with a price file: sell the
	// machines now and take the site's credits for every MWh not drawn
	// over the horizon (selling the power back / being paid to curtail).
	SellPowerNPVUSD *float64 `json:"sell_power_npv_usd,omitempty" table:"%.0f"`
}

// NPVBin is one bar of the NPV-difference histogram.
type NPVBin struct {
	FromUSD float64 `json:"from_usd" table:"%.0f"`
	ToUSD   float64 `json:"to_usd" table:"%.0f"`
	Share   float64 `json:"share" table:"%.3f"`
}

// PivotValuation is the result plus the NPV-difference distribution.
type PivotValuation struct {
	Result    PivotResult
	Histogram []NPVBin
}

// pivotModel holds the monthly cash flows of the two choices.
type pivotModel struct {
	mineUSD      [][]float64 // [path][month] mining cash over month m, end-of-month money
	aiUSD        []float64   // net lease cash in month k after conversion (k = 0 is the first month)
	capexUSD     float64
	salvageUSD   []float64 // resale of the site's machines if converting at month j
	monthlyDisc  float64
	convertValue float64 // G: value at the conversion date, in that date's money
}

// siteMiningUSDPerDay returns the site's mining cash on a day with the
// given hashprice (USD/PH/day, subsidy and fees included as the simulator
// reports it), each group running only if it covers energy and hosting:
//
//	Σ_groups count · max(0, TH/1000 · hashprice · (1 − pool fee) − W/1000 · 24 · PUE · (energy + hosting))
func (f *Fleet) siteMiningUSDPerDay(si int, hashpriceUSDPerPHDay float64) float64 {
	site := f.Sites[si]
	kWhPerW := 24 * site.PUEOrOne() / 1000
	usdPerKWh := site.Tariff.MeanUSDPerKWh() + site.HostingUSDPerKWh
	var sum float64
	for _, g := range f.Machines {
		if g.site != si {
			continue
		}
		rev := g.model.HashrateTHs / 1000 * hashpriceUSDPerPHDay * (1 - site.PoolFeePct/100)
		cost := g.model.PowerW * kWhPerW * usdPerKWh
		sum += float64(g.Count) * math.Max(0, rev-cost)
	}
	return sum
}

// aiLeaseMonths returns the converted site's net cash per month over the
// lease, after the lead time (zeros first):
//
//	lease/month = IT kW · (lease USD/kW-month, or lease USD/kWh · 730.5 h) · SLA · e^{−h·t_years}
//	opex/month  = site MW · 730.5 h · opex USD/MWh
//
// where IT kW = site MW · 1000 · it_load_fraction (default 1/PUE) and h
// is the tenant's annual default hazard: a defaulted tenant pays nothing
// more.
func aiLeaseMonths(s Site) []float64 {
	a := s.AI
	lead := int(math.Round(a.LeadTimeMonths))
	term := int(math.Round(a.LeaseTermYears * 12))
	itFrac := a.ITLoadFraction
	if itFrac == 0 {
		itFrac = 1 / s.PUEOrOne()
	}
	sla := a.UptimeSLA
	if sla == 0 {
		sla = 1
	}
	itKW := s.CapacityMW * 1000 * itFrac
	hoursPerMonth := daysPerMonth * 24
	perMonth := a.LeaseUSDPerKWMonth
	if a.LeaseUSDPerKWh > 0 {
		perMonth = a.LeaseUSDPerKWh * hoursPerMonth
	}
	opex := s.CapacityMW * hoursPerMonth * a.OpexUSDPerMWh
	out := make([]float64, lead+term)
	for k := 0; k < term; k++ {
		survival := math.Exp(-a.TenantDefaultPerYr * float64(k+1) / 12)
		out[lead+k] = itKW*perMonth*sla*survival - opex
	}
	return out
}

// PivotOptions are the valuation's inputs beside the fleet and paths.
type PivotOptions struct {
	DiscountPctPerYear float64
	// Salvage prices the site's machines, sold when it converts.
	Salvage SalvageCurve
	// PriceSchedule's Prices, when set, replaces the site's flat mean
	// power cost: each day's mining cash is what the optimal curtailment
	// schedule against this price year earns at that day's hashprice, per
	// day, with the classes' minimum on/off times in intervals.
	PriceSchedule
}

// PriceSchedule is a price file to mine against with the optimal
// curtailment schedule, and each class's minimum run and rest in the
// file's intervals; a nil Prices means the flat mean tariff.
type PriceSchedule struct {
	Prices                          *power.Market
	MinOnIntervals, MinOffIntervals int
}

// Pivot values converting site siteName against mining on, over daily
// paths [path][day] from the simulator (or built by hand). Months are
// 30.4375-day blocks of the path; conversion may happen at month 0 (now)
// or any later month-end within the horizon, stops mining at once and
// sells the site's machines at the salvage curve.
// Mining is valued over the horizon only, its machines sold at its end,
// while the lease is a contract and counts in full.
func (f *Fleet) Pivot(siteName string, paths [][]sim.PathDay, o PivotOptions) (PivotValuation, error) {
	discountPctPerYear := o.DiscountPctPerYear
	si := -1
	for i, s := range f.Sites {
		if s.Name == siteName {
			si = i
		}
	}
	if si < 0 {
		return PivotValuation{}, fmt.Errorf("no site named %q", siteName)
	}
	site := f.Sites[si]
	if site.AI == nil {
		return PivotValuation{}, fmt.Errorf("site %q has no ai: conversion option", siteName)
	}
	if len(paths) < 2 {
		return PivotValuation{}, fmt.Errorf("need at least 2 paths, got %d", len(paths))
	}
	if !(discountPctPerYear > -100) || discountPctPerYear > 1000 {
		return PivotValuation{}, fmt.Errorf("discount rate must be in (−100, 1000] %%/year, got %g", discountPctPerYear)
	}
	days := len(paths[0])
	for i, p := range paths {
		if len(p) != days {
			return PivotValuation{}, fmt.Errorf("path %d has %d days, path 0 has %d", i, len(p), days)
		}
	}
	months := int(float64(days) / daysPerMonth)
	if months < 1 {
		return PivotValuation{}, fmt.Errorf("paths of %d days are shorter than one month", days)
	}
	m := pivotModel{
		mineUSD:     make([][]float64, len(paths)),
		aiUSD:       aiLeaseMonths(site),
		capexUSD:    site.AI.CapexUSDPerMW * site.CapacityMW,
		monthlyDisc: math.Pow(1+discountPctPerYear/100, -1.0/12),
	}
	for k, c := range m.aiUSD {
		m.convertValue += c * math.Pow(m.monthlyDisc, float64(k+1))
	}
	m.convertValue -= m.capexUSD
	m.salvageUSD = make([]float64, months+1)
	for j := range m.salvageUSD {
		for _, g := range f.Machines {
			if g.site == si {
				m.salvageUSD[j] += float64(g.Count) * o.Salvage.UnitUSD(g.model.HashrateTHs, g.model.JoulesPerTH(), float64(j))
			}
		}
	}
	miningUSDPerDay := func(h float64) float64 { return f.siteMiningUSDPerDay(si, h) }
	var curve curtailedCurve
	if o.Prices != nil {
		var maxH float64
		for _, p := range paths {
			for _, d := range p {
				maxH = math.Max(maxH, d.HashpriceUSDPerPHDay)
			}
		}
		var err error
		if curve, err = f.siteCurtailedCurve(si, o.Prices, o.MinOnIntervals, o.MinOffIntervals, maxH); err != nil {
			return PivotValuation{}, err
		}
		miningUSDPerDay = curve.at
	}
	for i, p := range paths {
		row := make([]float64, months)
		for d := 0; d < days; d++ {
			mo := int(float64(d) / daysPerMonth)
			if mo >= months {
				break
			}
			row[mo] += miningUSDPerDay(p[d].HashpriceUSDPerPHDay)
		}
		m.mineUSD[i] = row
	}

	n := len(paths)
	res := PivotResult{Site: site.Name, CapacityMW: site.CapacityMW, Paths: n, HorizonMonths: months,
		DiscountPctPerYear: discountPctPerYear, CapexUSD: m.capexUSD, SalvageNowUSD: m.salvageUSD[0], ConvertNowNPVUSD: m.convertValue + m.salvageUSD[0]}
	if o.Prices != nil {
		res.CurtailedAgainstPrices = true
		sell := m.salvageUSD[0]
		for mo := 0; mo < months; mo++ {
			sell += curve.sellBackUSDPerDay * daysPerMonth * math.Pow(m.monthlyDisc, float64(mo+1))
		}
		res.SellPowerNPVUSD = &sell
	}
	mine := make([]float64, n)
	diff := make([]float64, n)
	var irrs, paybacks []float64
	for i := range paths {
		for mo, c := range m.mineUSD[i] {
			mine[i] += c * math.Pow(m.monthlyDisc, float64(mo+1))
		}
		mine[i] += m.salvageUSD[months] * math.Pow(m.monthlyDisc, float64(months))
		diff[i] = res.ConvertNowNPVUSD - mine[i]
		if diff[i] > 0 {
			res.PConversionWins++
		}
		inc := m.incremental(i)
		if r := irrAnnualPct(inc); !math.IsNaN(r) {
			irrs = append(irrs, r)
		}
		paybacks = append(paybacks, float64(paybackMonths(inc)))
	}
	res.PConversionWins /= float64(n)
	res.MineNPVMeanUSD = stat.Mean(mine, nil)
	res.NPVDiffMeanUSD = stat.Mean(diff, nil)
	sorted := func(xs []float64) []float64 {
		c := append([]float64(nil), xs...)
		sort.Float64s(c)
		return c
	}
	sm, sd := sorted(mine), sorted(diff)
	res.MineNPVP05USD = stat.Quantile(0.05, stat.Empirical, sm, nil)
	res.MineNPVP95USD = stat.Quantile(0.95, stat.Empirical, sm, nil)
	res.NPVDiffP05USD = stat.Quantile(0.05, stat.Empirical, sd, nil)
	res.NPVDiffP50USD = stat.Quantile(0.5, stat.Empirical, sd, nil)
	res.NPVDiffP95USD = stat.Quantile(0.95, stat.Empirical, sd, nil)
	if len(irrs) > 0 {
		v := stat.Quantile(0.5, stat.Empirical, sorted(irrs), nil)
		res.IRRMedianPct = &v
	}
	res.PaybackMedianMonths = stat.Quantile(0.5, stat.Empirical, sorted(paybacks), nil)

	// The value of waiting: stop (convert) at a month-end to receive G,
	// collecting mining cash until then.
	h0 := paths[0][0].HashpriceUSDPerPHDay
	if !(h0 > 0) {
		h0 = 1
	}
	state := func(i, mo int) float64 {
		d := min(int(float64(mo)*daysPerMonth), days-1)
		return paths[i][d].HashpriceUSDPerPHDay / h0
	}
	lsm, err := LongstaffSchwartz(StoppingProblem{
		Paths: n, Dates: months, Discount: m.monthlyDisc,
		Exercise: func(i, j int) float64 { return m.convertValue + m.salvageUSD[j] },
		Flow:     func(i, j int) float64 { return m.mineUSD[i][j] },
		Basis: func(i, j int, dst []float64) {
			x := state(i, j)
			dst[0], dst[1], dst[2] = 1, x, x*x
		},
		NBasis: 3,
	})
	if err != nil {
		return PivotValuation{}, err
	}
	res.ValueWithOptionUSD, res.ValueWithOptionSEUSD = lsm.Value, lsm.StdErr
	res.ValueOfWaitingUSD = lsm.Value - math.Max(res.ConvertNowNPVUSD, res.MineNPVMeanUSD)
	res.ConvertNow = lsm.StopNow
	var stopMonths []float64
	for _, d := range lsm.StopDate {
		if d <= months {
			stopMonths = append(stopMonths, float64(d))
		}
	}
	res.PConvertWithinHorizon = float64(len(stopMonths)) / float64(n)
	if len(stopMonths) > 0 {
		v := stat.Quantile(0.5, stat.Empirical, sorted(stopMonths), nil)
		res.BestMonthMedian = &v
	}
	return PivotValuation{Result: res, Histogram: histogram(sd, 20)}, nil
}

// incremental returns path i's monthly cash of converting now minus mining
// on: salvage − capex at month 0, then lease cash minus forgone mining cash in
// months 1… (end-of-month).
func (m pivotModel) incremental(i int) []float64 {
	n := max(len(m.aiUSD), len(m.mineUSD[i])) + 1
	out := make([]float64, n)
	out[0] = m.salvageUSD[0] - m.capexUSD
	for k, c := range m.aiUSD {
		out[k+1] += c
	}
	for k, c := range m.mineUSD[i] {
		out[k+1] -= c
	}
	out[len(m.mineUSD[i])] -= m.salvageUSD[len(m.mineUSD[i])]
	return out
}

func npvMonthly(cash []float64, monthlyRate float64) float64 {
	var v, disc float64 = 0, 1
	for _, c := range cash {
		v += c * disc
		disc /= 1 + monthlyRate
	}
	return v
}

// irrAnnualPct returns the annual internal rate of return, in percent, of
// monthly cash flows: the r with Σ c_k/(1+r_m)^k = 0, r = (1+r_m)^12 − 1.
// It bisects on a monthly rate in (−99%, 100%): the NPV is monotone there
// for the one-sign-change flows of an investment, and gonum has no scalar
// root finder. NaN when the bracket holds no sign change.
func irrAnnualPct(cash []float64) float64 {
	lo, hi := -0.99, 1.0
	flo, fhi := npvMonthly(cash, lo), npvMonthly(cash, hi)
	if math.IsNaN(flo) || math.IsNaN(fhi) || flo*fhi > 0 {
		return math.NaN()
	}
	for range 200 {
		mid := (lo + hi) / 2
		fm := npvMonthly(cash, mid)
		if (fm > 0) == (flo > 0) {
			lo, flo = mid, fm
		} else {
			hi = mid
		}
		if hi-lo < 1e-12 {
			break
		}
	}
	return (math.Pow(1+(lo+hi)/2, 12) - 1) * 100
}

// paybackMonths returns the first month k at which Σ_{0..k} cash ≥ 0, or
// −1 if it never is.
func paybackMonths(cash []float64) int {
	var s float64
	for k, c := range cash {
		s += c
		if s >= 0 && k > 0 {
			return k
		}
	}
	return -1
}

// histogram bins sorted values into n equal-width bars.
func histogram(sorted []float64, n int) []NPVBin {
	if len(sorted) == 0 {
		return nil
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	if hi == lo {
		return []NPVBin{{FromUSD: lo, ToUSD: hi, Share: 1}}
	}
	w := (hi - lo) / float64(n)
	bins := make([]NPVBin, n)
	for k := range bins {
		bins[k] = NPVBin{FromUSD: lo + float64(k)*w, ToUSD: lo + float64(k+1)*w}
	}
	for _, x := range sorted {
		k := min(int((x-lo)/w), n-1)
		bins[k].Share += 1 / float64(len(sorted))
	}
	return bins
}
