package plan

import (
	"math"
	"testing"
	"time"

	"github.com/hashfall/hashfall/power"
)

// Against a constant price equal to a flat tariff, the optimal schedule
// runs a class all day or not at all, so the curtailed curve must equal
// siteMiningUSDPerDay (Σ count · max(0, revenue − energy − hosting)) at
// its grid points, and lie on or above it (convexity) in between.
func TestCurtailedCurveMatchesFlatTariff(t *testing.T) {
	doc := `sites:
  - name: s
    capacity_mw: 20
    pue: 1.1
    pool_fee_pct: 2
    hosting_usd_per_kwh: 0.01
    tariff: {flat_usd_per_kwh: 0.05}
machines:
  - {model: S21, count: 1000, site: s}
  - {model: S19 Pro, count: 2000, site: s}
`
	f, err := ParseFleet([]byte(doc), testCatalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	prices := make([]float64, 96)
	for i := range prices {
		prices[i] = 50
	}
	m := &power.Market{Prices: power.Series{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Step: 15 * time.Minute, USDPerMWh: prices}}
	cv, err := f.siteCurtailedCurve(0, m, 1, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	for g, h := range cv.hashprice {
		if want := f.siteMiningUSDPerDay(0, h); math.Abs(cv.usdPerDay[g]-want) > 1e-6*math.Max(1, want) {
			t.Errorf("hashprice %g: curve %g, flat model %g", h, cv.usdPerDay[g], want)
		}
	}
	for h := 0.3; h < 100; h += 1.7 {
		if got, want := cv.at(h), f.siteMiningUSDPerDay(0, h); got < want-1e-6 {
			t.Errorf("hashprice %g: interpolated %g below the exact %g", h, got, want)
		}
	}
	if cv.sellBackUSDPerDay != 0 {
		t.Errorf("no credits, yet selling back earns %g/day", cv.sellBackUSDPerDay)
	}
	// A $7/MWh curtailment credit: all off earns 7 × flat MW × 24 h.
	f.Sites[0].CurtailmentCreditUSDPerMWh = 7
	cv, _ = f.siteCurtailedCurve(0, m, 1, 1, 100)
	mw := (1000*f.Machines[0].model.PowerW + 2000*f.Machines[1].model.PowerW) * 1.1 / 1e6
	if want := 7 * mw * 24; math.Abs(cv.sellBackUSDPerDay-want) > 1e-9*want {
		t.Errorf("sell back %g/day, want %g", cv.sellBackUSDPerDay, want)
	}
}
