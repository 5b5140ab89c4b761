package plan

import (
	"fmt"
	"math"
	"testing"

	"github.com/hashfall/hashfall/economics"
)

func mustFleet(t testing.TB, doc string) *Fleet {
	t.Helper()
	f, err := ParseFleet([]byte(doc), testCatalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Seed 001 (001_5a78b7d26449070f.txt): "Popular Antminer S21 models face a
// shutdown price range of $46,000 to $67,000", at difficulty 141.7T with
// 0.025 BTC of fees per block. The S21 at sites paying $0.05 and
// $0.07/kWh must span that band in fleet status.
func TestStatusS21ShutdownBandSeed001(t *testing.T) {
	doc := "sites:\n"
	for _, p := range []float64{0.05, 0.07} {
		doc += fmt.Sprintf("  - {name: p%.2f, capacity_mw: 10, tariff: {flat_usd_per_kwh: %g}}\n", p, p)
	}
	doc += "machines:\n  - {model: S21, count: 100, site: p0.05}\n  - {model: S21, count: 100, site: p0.07}\n"
	f := mustFleet(t, doc)
	n := economics.Snapshot2026Feb.Network
	if n.Difficulty != 141.7e12 || n.FeesPerBlockSat != 2_500_000 {
		t.Fatalf("snapshot is not the seed's state: %+v", n)
	}
	st := f.Status(n)
	band := map[string]float64{}
	for _, g := range st.Groups {
		band[g.Site] = g.ShutdownPriceUSD
	}
	if low := band["p0.05"]; math.Abs(low-46000) > 1500 {
		t.Errorf("S21 shutdown price at $0.05/kWh = $%.0f, want ≈ $46,000", low)
	}
	if high := band["p0.07"]; math.Abs(high-67000) > 2000 {
		t.Errorf("S21 shutdown price at $0.07/kWh = $%.0f, want ≈ $67,000", high)
	}
	// At the snapshot's $76,176 both still earn more than power.
	for _, g := range st.Groups {
		if g.SwitchOff {
			t.Errorf("%s: switch off at $76,176, but shutdown price is $%.0f", g.Site, g.ShutdownPriceUSD)
		}
	}
}

// Closed-form check of the P&L and of the fleet breakeven price against
// hand arithmetic: one site, PUE 1.25, $0.04/kWh + $0.01/kWh hosting,
// S19 Pro (110 TH/s, 3,250 W) and S21.
func TestStatusArithmetic(t *testing.T) {
	f := mustFleet(t, `
sites:
  - {name: a, capacity_mw: 5, pue: 1.25, hosting_usd_per_kwh: 0.01, tariff: {flat_usd_per_kwh: 0.04}}
machines:
  - {model: S19 Pro, count: 10, site: a}
  - {model: S21, count: 10, site: a}
treasury: {debt_service_usd_per_month: 30437.5}
`)
	n := economics.Network{PriceUSD: 60000, Difficulty: 141.7e12, SubsidySat: 312_500_000, FeesPerBlockSat: 2_500_000}
	st := f.Status(n)
	btcPerTHDay := 86400 * 1e12 / (141.7e12 * 4294967296) * 3.15
	var revBTC, cost float64
	for _, m := range []struct {
		name   string
		ths, w float64
	}{{"S19 Pro", 110, 3250}, {"S21", 200, 3500}} {
		var g GroupStatus
		for _, x := range st.Groups {
			if x.Model == m.name {
				g = x
			}
		}
		kWhDay := 10 * m.w / 1000 * 24 * 1.25
		near(t, m.name+" revenue", g.RevenueUSDDay, 10*m.ths*btcPerTHDay*60000, 1e-9)
		near(t, m.name+" power", g.PowerUSDDay, kWhDay*0.04, 1e-9)
		near(t, m.name+" hosting", g.HostingUSDDay, kWhDay*0.01, 1e-9)
		near(t, m.name+" shutdown", g.ShutdownPriceUSD, kWhDay*0.05/(10*m.ths*btcPerTHDay), 1e-9)
		revBTC += 10 * m.ths * btcPerTHDay
		cost += kWhDay * 0.05
	}
	near(t, "breakeven", st.Totals.BreakevenPriceUSD, cost/revBTC, 1e-9)
	near(t, "cash breakeven", st.Totals.CashBreakevenPriceUSD, (cost+1000)/revBTC, 1e-9)
	if st.Groups[0].Model != "S19 Pro" {
		t.Errorf("worst group first: got %s", st.Groups[0].Model)
	}
	// At $60,000 the S19 Pro (shutdown ≈ $99k at $0.05/kWh all-in with PUE
	// 1.25) loses money and the S21 (≈ $58.7k) does not.
	if !st.Groups[0].SwitchOff || st.Groups[1].SwitchOff {
		t.Errorf("switch off: S19 Pro %v (shutdown $%.0f), S21 %v (shutdown $%.0f)",
			st.Groups[0].SwitchOff, st.Groups[0].ShutdownPriceUSD, st.Groups[1].SwitchOff, st.Groups[1].ShutdownPriceUSD)
	}
	near(t, "curtailed profit", st.Totals.ProfitIfCurtailedUSDDay, st.Groups[1].ProfitUSDDay, 1e-12)
}
