package plan

import (
	"math"
	"testing"
	"time"

	"github.com/hashfall/hashfall/economics"
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

// Against a constant $50/MWh equal to the flat $0.05/kWh tariff, the
// curtailed run-down shuts each group down on the flat run-down's day or
// at most 5 days later (the curve's interpolation bounds profit from
// above, never below), and earns at least as much before. (With 257 hashprice levels the
// chord error is ~0.4% of the top hashprice: a few days at 5%/month.)
func TestRundownWithPricesMatchesFlatTariff(t *testing.T) {
	f := mustFleet(t, rundownFleet)
	n := economics.Snapshot2026Feb.Network
	flat, err := f.Rundown(n, rundownOptions())
	if err != nil {
		t.Fatal(err)
	}
	prices := make([]float64, 96)
	for i := range prices {
		prices[i] = 50
	}
	o := rundownOptions()
	o.Prices = &power.Market{Prices: power.Series{Start: o.Start, Step: 15 * time.Minute, USDPerMWh: prices}}
	curt, err := f.Rundown(n, o)
	if err != nil {
		t.Fatal(err)
	}
	days := func(r Rundown) map[string]int {
		m := map[string]int{}
		for _, e := range r.Events {
			if e.Action == "shut down" {
				m[e.Model] = e.Day
			}
		}
		return m
	}
	fd, cd := days(flat), days(curt)
	if len(fd) != 2 || len(cd) != 2 {
		t.Fatalf("shutdowns flat %v, curtailed %v", fd, cd)
	}
	for model, d := range fd {
		if cd[model] < d || cd[model] > d+5 {
			t.Errorf("%s: flat shutdown day %d, curtailed %d", model, d, cd[model])
		}
	}
	if curt.Summary.MiningProfitUSD < flat.Summary.MiningProfitUSD-1e-6 {
		t.Errorf("curtailed mining profit %g below flat %g", curt.Summary.MiningProfitUSD, flat.Summary.MiningProfitUSD)
	}
}
