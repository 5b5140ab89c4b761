package plan

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hashfall/hashfall/economics"
)

// A hand-checked day: a 1 MW class earning $60/h, $5/MWh hosting and
// $10/MWh of credits breaks even at 60 − 5 − 10 = $45/MWh. Of the prices
// 20, 44.99, 45, 100, -10 it runs in the three below 45.
func TestCurtailHandExample(t *testing.T) {
	c := CurtailClass{Name: "x", RevenueUSDPerHour: 60, FacilityMW: 1, HostingUSDPerMWh: 5, CreditsUSDPerMWh: 10}
	prices := []float64{20, 44.99, 45, 100, -10}
	res, err := Curtail([]CurtailClass{c}, [][]float64{prices})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	near(t, "breakeven", r.BreakevenUSDPerMWh, 45, 1e-12)
	if r.HoursOn != 3 {
		t.Errorf("hours on = %d, want 3", r.HoursOn)
	}
	near(t, "energy", r.EnergyMWh, 3, 1e-12)
	near(t, "revenue", r.RevenueUSD, 180, 1e-12)
	near(t, "energy cost", r.EnergyCostUSD, 20+44.99-10, 1e-12)
	near(t, "hosting", r.HostingUSD, 15, 1e-12)
	near(t, "credits", r.CreditsUSD, 20, 1e-12)
	near(t, "profit", r.ProfitUSD, 180-54.99-15+20, 1e-12)
	// Flat out: 5 h × 60 − (20+44.99+45+100−10) − 5 × 5.
	near(t, "flat out", r.FlatOutProfitUSD, 300-199.99-25, 1e-12)
	near(t, "savings", r.SavingsUSD, r.ProfitUSD-r.FlatOutProfitUSD, 1e-12)
}

// The rule is optimal hour by hour: no other on/off choice in any single
// hour does better, so curtailing never loses against running flat out.
func TestCurtailNeverLosesToFlatOut(t *testing.T) {
	h := SyntheticHourlyPrices(DefaultSyntheticPriceModel, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 24*60, 3)
	for _, rev := range []float64{10, 40, 45, 60, 500} {
		c := CurtailClass{RevenueUSDPerHour: rev, FacilityMW: 1, CreditsUSDPerMWh: 2}
		res, _ := Curtail([]CurtailClass{c}, [][]float64{h.USDPerMWh})
		if res[0].SavingsUSD < -1e-9 {
			t.Errorf("revenue $%g/h: savings %.2f < 0", rev, res[0].SavingsUSD)
		}
		// Brute force: the best of on/off for each hour, summed.
		var best float64
		for _, p := range h.USDPerMWh {
			best += math.Max(rev-p, 2)
		}
		near(t, "profit vs hourly brute force", res[0].ProfitUSD, best, 1e-9)
	}
}

// A fleet's classes carry the site's PUE, hosting and credits, and
// revenue per hour from economics.Machine.
func TestCurtailClassesFromFleet(t *testing.T) {
	f := mustFleet(t, goodFleet)
	n := economics.Snapshot2026Feb.Network
	grid := SyntheticHourlyPrices(DefaultSyntheticPriceModel, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 48, 1)
	classes, prices := f.CurtailClasses(n, grid, false)
	c := classes[0] // 1000 × S21 at west: PUE 1.1, $5/MWh hosting, $2/MWh credits
	near(t, "MW", c.FacilityMW, 1000*3500*1.1/1e6, 1e-12)
	unit, _ := f.GroupEconomics(f.Machines[0], n)
	near(t, "revenue/h", c.RevenueUSDPerHour, 1000*unit.RevenueUSDDay/24, 1e-12)
	near(t, "hosting", c.HostingUSDPerMWh, 5, 1e-12)
	near(t, "credits", c.CreditsUSDPerMWh, 2, 1e-12)
	if prices[0][0] != 50 || prices[1][15] != 100 || prices[1][3] != 40 {
		t.Errorf("tariffs on the grid: west %g, east 15:00 %g, east 03:00 %g", prices[0][0], prices[1][15], prices[1][3])
	}
	_, over := f.CurtailClasses(n, grid, true)
	if over[1][5] != grid.USDPerMWh[5] {
		t.Error("--prices override not applied")
	}
}

// BenchmarkCurtailYear50Classes: one year of hourly prices × 50 classes.
func BenchmarkCurtailYear50Classes(b *testing.B) {
	h := SyntheticHourlyPrices(DefaultSyntheticPriceModel, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 8760, 1)
	classes := make([]CurtailClass, 50)
	prices := make([][]float64, 50)
	for i := range classes {
		classes[i] = CurtailClass{RevenueUSDPerHour: 20 + float64(i), FacilityMW: 1, CreditsUSDPerMWh: 1}
		prices[i] = h.USDPerMWh
	}
	for b.Loop() {
		if _, err := Curtail(classes, prices); err != nil {
			b.Fatal(err)
		}
	}
}

// The written schedule agrees with the backtest's hour counts.
func TestWriteCurtailSchedule(t *testing.T) {
	grid := HourlyPrices{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), USDPerMWh: []float64{20, 44.99, 45, 100, -10}}
	c := CurtailClass{Name: "x", RevenueUSDPerHour: 60, FacilityMW: 1, HostingUSDPerMWh: 5, CreditsUSDPerMWh: 10}
	var b strings.Builder
	if err := WriteCurtailSchedule(&b, grid, []CurtailClass{c}, [][]float64{grid.USDPerMWh}); err != nil {
		t.Fatal(err)
	}
	want := "timestamp,x\n2026-01-01T00:00:00Z,1\n2026-01-01T01:00:00Z,1\n2026-01-01T02:00:00Z,0\n2026-01-01T03:00:00Z,0\n2026-01-01T04:00:00Z,1\n"
	if b.String() != want {
		t.Errorf("schedule:\n%s\nwant:\n%s", b.String(), want)
	}
}
