package plan

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hashfall/hashfall/economics"
)

const rundownFleet = `
sites:
  - name: s
    capacity_mw: 5
    tariff: {flat_usd_per_kwh: 0.05}
    ai: {capex_usd_per_mw: 1000000, lead_time_months: 6, lease_usd_per_kw_month: 100, lease_term_years: 5}
machines:
  - {model: S21, count: 100, site: s}
  - {model: S19 Pro, count: 100, site: s}
treasury: {btc: 10, cash_usd: 50000, debt_service_usd_per_month: 60000}
`

func rundownOptions() RundownOptions {
	return RundownOptions{
		Start: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), HorizonDays: 365,
		PriceDriftPctPerMonth: -5, Salvage: IllustrativeSalvage,
		Liquidation: Liquidation{SigmaUSDPerSqrtDay: 2000, EtaUSDDayPerUnit2: 50, GammaUSDPerUnit2: 5, EpsilonUSDPerUnit: 20, LambdaPerUSD: 1e-6},
	}
}

// With price falling 5% a month at fixed difficulty, a group shuts down
// on the first day its shutdown price (constant here) exceeds the price:
// d* = ⌈30.4375 · ln(S/P0) / ln(0.95)⌉, and is sold that day at the tier
// price decayed by 3% a month.
func TestRundownShutdownDaysAndSalvage(t *testing.T) {
	f := mustFleet(t, rundownFleet)
	n := economics.Snapshot2026Feb.Network
	r, err := f.Rundown(n, rundownOptions())
	if err != nil {
		t.Fatal(err)
	}
	order := []string{}
	for _, e := range r.Events {
		if e.Action != "shut down" {
			continue
		}
		order = append(order, e.Model)
		var ths, w float64
		switch e.Model {
		case "S21":
			ths, w = 200, 3500
		case "S19 Pro":
			ths, w = 110, 3250
		}
		btcPerDay := ths / 1000 * n.HashpriceBTCPerPHDay()
		shutdown := w / 1000 * 24 * 0.05 / btcPerDay
		want := int(math.Ceil(daysPerMonth * math.Log(shutdown/n.PriceUSD) / math.Log(0.95)))
		if shutdown > n.PriceUSD {
			want = 0
		}
		if e.Day != want {
			t.Errorf("%s shut down on day %d, want %d (shutdown price $%.0f)", e.Model, e.Day, want, shutdown)
		}
		for _, s := range r.Events {
			if s.Action == "sell hardware" && s.Model == e.Model {
				tier := map[string]float64{"S21": 12, "S19 Pro": 4}[e.Model]
				near(t, e.Model+" salvage", s.AmountUSD, 100*ths*tier*math.Pow(0.97, float64(e.Day)/daysPerMonth), 1e-9)
			}
		}
	}
	if strings.Join(order, ",") != "S19 Pro,S21" {
		t.Errorf("shutdown order %v, want least efficient first", order)
	}
	var converted bool
	for _, e := range r.Events {
		if e.Action == "convert site" {
			converted = true
			near(t, "capex", -e.AmountUSD, 5e6, 1e-12)
		}
	}
	if !converted {
		t.Error("site with an AI option and nothing running was not marked for conversion")
	}
}

// BTC sales cover the deepest cash shortfall (no price drift, so the
// shortfall in BTC is exact), the trades follow Almgren–Chriss, and cash
// never goes negative once they are in.
func TestRundownBTCSalesCoverShortfall(t *testing.T) {
	f := mustFleet(t, rundownFleet)
	o := rundownOptions()
	n := economics.Snapshot2026Feb.Network
	// With the price falling, the same sales must still raise the cash.
	falling, err := f.Rundown(n, o)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "USD raised, falling price", falling.Summary.BTCSalesUSD, -falling.Summary.MinCashBeforeSaleUSD, 1e-6)
	for _, d := range falling.Timeline {
		if d.CashUSD < -1e-3 {
			t.Fatalf("falling price, day %d: cash %.2f after BTC sales", d.Day, d.CashUSD)
		}
	}
	o.PriceDriftPctPerMonth = 0
	r, err := f.Rundown(n, o)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Summary
	if s.MinCashBeforeSaleUSD >= 0 {
		t.Fatalf("test fleet should run short of cash, min %.0f", s.MinCashBeforeSaleUSD)
	}
	near(t, "BTC sold", s.BTCSold, -s.MinCashBeforeSaleUSD/n.PriceUSD, 1e-9)
	near(t, "end BTC", s.EndBTC, 10-s.BTCSold, 1e-9)
	for _, d := range r.Timeline {
		if d.CashUSD < -1e-6 {
			t.Fatalf("day %d: cash %.2f after BTC sales", d.Day, d.CashUSD)
		}
	}
	if s.UncoveredUSD != 0 {
		t.Errorf("uncovered %.0f with enough BTC", s.UncoveredUSD)
	}
	page, err := RundownHTML(r, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<svg") || !strings.Contains(string(page), "sell BTC") {
		t.Error("HTML lacks the chart or the schedule")
	}
}

func TestSalvageTiers(t *testing.T) {
	for jth, want := range map[float64]int{12: 0, 24.99: 0, 25: 1, 37.9: 1, 38: 2, 67.9: 2, 68: 3, 98: 3} {
		if got := SalvageTier(jth); got != want {
			t.Errorf("%.2f J/TH: tier %d, want %d", jth, got, want)
		}
	}
}

// Without treasury BTC the shortfall is reported, not papered over.
func TestRundownUncoveredShortfall(t *testing.T) {
	f := mustFleet(t, strings.Replace(rundownFleet, "btc: 10,", "btc: 0,", 1))
	o := rundownOptions()
	o.PriceDriftPctPerMonth = 0
	r, err := f.Rundown(economics.Snapshot2026Feb.Network, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.BTCSold != 0 {
		t.Errorf("sold %g BTC from an empty treasury", r.Summary.BTCSold)
	}
	near(t, "uncovered", r.Summary.UncoveredUSD, -r.Summary.MinCashBeforeSaleUSD, 1e-9)
}

// The Almgren–Chriss tail ends in sales too small to show or place; they
// are folded into the last placeable sale, so that no action rounds to
// "sell 0.0000 BTC, $0" and the total sold is unchanged.
func TestRundownHasNoZeroQuantitySales(t *testing.T) {
	f := mustFleet(t, rundownFleet)
	o := rundownOptions()
	o.PriceDriftPctPerMonth = 0
	r, err := f.Rundown(economics.Snapshot2026Feb.Network, o)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	sales := 0
	for _, e := range r.Events {
		if e.Action != "sell BTC" {
			continue
		}
		sales++
		sum += e.BTC
		if e.BTC < minBTCOrder {
			t.Errorf("day %d: sale of %g BTC, below the %g BTC minimum", e.Day, e.BTC, minBTCOrder)
		}
	}
	if sales == 0 {
		t.Fatal("test fleet sells no BTC")
	}
	near(t, "BTC in events vs sold", sum, r.Summary.BTCSold, 1e-12)
}
