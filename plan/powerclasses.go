package plan

import (
	"math"
	"sort"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/power"
)

// PowerClasses turns the fleet's groups into classes for power.Optimise
// at network n: each group's operating points (the catalog's nameplate
// when it lists none), hashprice in USD/PH/day from n, and the site's
// pool fee, PUE, hosting fee (USD/kWh × 1000 → USD/MWh) and standing
// credits. The flat-out point is the one whose power is closest to the
// catalog nameplate.
func (f *Fleet) PowerClasses(n economics.Network, minOn, minOff int) []power.Class {
	hp := n.HashpriceUSDPerPHDay()
	out := make([]power.Class, len(f.Machines))
	for i, g := range f.Machines {
		site := f.Sites[g.site]
		pts := g.OperatingPoints
		if len(pts) == 0 {
			pts = []power.OperatingPoint{{Name: "nameplate", PowerW: g.model.PowerW, HashrateTHs: g.model.HashrateTHs, Source: "catalog: " + g.model.Source}}
		}
		flat := 0
		for j, p := range pts {
			if math.Abs(p.PowerW-g.model.PowerW) < math.Abs(pts[flat].PowerW-g.model.PowerW) {
				flat = j
			}
		}
		out[i] = power.Class{
			Name: site.Name + "/" + g.model.Name, Count: g.Count, Points: pts, FlatOut: flat,
			PUE: site.PUEOrOne(), MinOnIntervals: minOn, MinOffIntervals: minOff,
			HashpriceUSDPerPHDay: hp, PoolFeePct: site.PoolFeePct,
			HostingUSDPerMWh: site.HostingUSDPerKWh * 1000, CreditUSDPerMWh: site.CreditsUSDPerMWh(),
		}
	}
	return out
}

// curtailedGridPoints is how many hashprice levels the curtailed mining
// curve is solved at.
const curtailedGridPoints = 257

// curtailedCurve is a site's mining cash per day (USD, credits earned
// while curtailed included) as a function of hashprice (USD/PH/day), when
// its classes run the optimal power.Optimise schedule against a price
// year. For a fixed schedule, profit is linear in hashprice; the optimum
// is the maximum over schedules, so the curve is convex and linear
// interpolation between the solved levels bounds it from above by at
// most the chord gap of one grid step.
type curtailedCurve struct {
	hashprice, usdPerDay []float64
	// sellBackUSDPerDay is the site's income with every class off: the
	// credits per MWh not drawn (curtailment contract, demand response),
	// i.e. selling the power back instead of mining.
	sellBackUSDPerDay float64
}

func (f *Fleet) siteCurtailedCurve(si int, m *power.Market, minOn, minOff int, maxHashprice float64) (curtailedCurve, error) {
	return f.curtailedCurve(func(i int) bool { return f.Machines[i].site == si }, m, minOn, minOff, maxHashprice)
}

// curtailedCurve solves the curve for the groups (by index) keep selects.
func (f *Fleet) curtailedCurve(keep func(int) bool, m *power.Market, minOn, minOff int, maxHashprice float64) (curtailedCurve, error) {
	var classes []power.Class
	for i, c := range f.PowerClasses(economics.Network{}, minOn, minOff) {
		if keep(i) {
			classes = append(classes, c)
		}
	}
	days := float64(len(m.Prices.USDPerMWh)) * m.Prices.Hours() / 24
	cv := curtailedCurve{}
	if len(classes) == 0 {
		cv.hashprice, cv.usdPerDay = []float64{0, maxHashprice}, []float64{0, 0}
		return cv, nil
	}
	off := make([][]int, len(classes))
	for k := range off {
		off[k] = make([]int, len(m.Prices.USDPerMWh))
		for i := range off[k] {
			off[k][i] = -1
		}
	}
	cv.sellBackUSDPerDay = power.Profit(classes, m, off) / days
	for g := 0; g < curtailedGridPoints; g++ {
		h := maxHashprice * float64(g) / (curtailedGridPoints - 1)
		for k := range classes {
			classes[k].HashpriceUSDPerPHDay = h
		}
		sch, err := power.Optimise(classes, m)
		if err != nil {
			return cv, err
		}
		cv.hashprice = append(cv.hashprice, h)
		cv.usdPerDay = append(cv.usdPerDay, sch.ProfitUSD/days)
	}
	return cv, nil
}

// at interpolates the curve linearly, extrapolating along the last chord
// above the grid.
func (cv curtailedCurve) at(h float64) float64 {
	n := len(cv.hashprice)
	i := sort.SearchFloat64s(cv.hashprice, h)
	switch {
	case i <= 0:
		return cv.usdPerDay[0]
	case i >= n:
		i = n - 1
	}
	x0, x1 := cv.hashprice[i-1], cv.hashprice[i]
	if x1 == x0 {
		return cv.usdPerDay[i]
	}
	return cv.usdPerDay[i-1] + (h-x0)/(x1-x0)*(cv.usdPerDay[i]-cv.usdPerDay[i-1])
}
