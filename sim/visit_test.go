package sim

import (
	"context"
	"math"
	"testing"
)

// VisitPaths must see the same days as DailyPaths for the same paths, and a
// path's days must not depend on the range it was run in.
func TestVisitPathsMatchesDailyPaths(t *testing.T) {
	s, err := LoadScenario("ai-pivot")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Paths: 6, HorizonDays: 200, Seed: 7, Engine: EngineFast, Threads: 1}
	want, err := DailyPaths(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int]DayOutcome{}
	for _, r := range [][2]int{{0, 2}, {2, 6}} {
		if _, err := VisitPaths(context.Background(), s, o, r[0], r[1], func(p, d int, x *DayOutcome) { got[[2]int{p, d}] = *x }); err != nil {
			t.Fatal(err)
		}
	}
	aiSeen := false
	for p := range want {
		for d, day := range want[p] {
			x := got[[2]int{p, d}]
			if x.PathDay != day {
				t.Fatalf("path %d day %d: VisitPaths %+v, DailyPaths %+v", p, d, x.PathDay, day)
			}
			if !(x.SecurityBudgetUSDPerDay >= 0) || math.IsInf(x.SecurityBudgetUSDPerDay, 0) {
				t.Fatalf("path %d day %d: security budget %g", p, d, x.SecurityBudgetUSDPerDay)
			}
			if x.AIHashrateConvertedHs > 0 {
				aiSeen = true
			}
		}
	}
	if !aiSeen {
		t.Error("ai-pivot converted no hashrate to AI on any path; the AI share would always read 0")
	}
	if _, err := VisitPaths(context.Background(), s, o, 5, 7, func(int, int, *DayOutcome) {}); err == nil {
		t.Error("a range past the last path was accepted")
	}
}

// The fleet breakeven against a hand computation on a one-cohort fleet:
// the catalog S21 at $0.05/kWh, PUE 1.1, 2% pool fee (no stranded floor,
// which would add a second cohort).
func TestFleetBreakevenOneCohort(t *testing.T) {
	s, err := ParseScenario([]byte(`base: default
fleet:
  mix: [{model: S21, share: 1, age_days: 10}]
  power_cost: [{usd_per_kwh: 0.05, share: 1}]
  pue: 1.1
  pool_fee_pct: 2
  ai_eligible_share: 0
  stranded: {share: 0}
`), "t", "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := catalogModel("S21")
	if err != nil {
		t.Fatal(err)
	}
	got, err := FleetBreakevenUSDPerPHDay(s)
	if err != nil {
		t.Fatal(err)
	}
	// USD/day per PH/s: (J/TH · 1000 TH/PH) W · 24 h / 1000 · $/kWh · PUE / (1 − fee)
	want := m.JoulesPerTH() * 1000 * 24 / 1000 * 0.05 * 1.1 / 0.98
	if math.Abs(got-want) > 1e-9*want {
		t.Fatalf("breakeven %g USD/PH/day, want %g", got, want)
	}
}
