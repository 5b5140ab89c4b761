package sweep

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashfall/hashfall/security"
	"github.com/hashfall/hashfall/sim"
)

// The confirmations columns of a small sweep, recomputed here from the
// days sim.VisitPaths shows (the running hashrate only) with security's
// log-space Rosenfeld series rather than sim's inverse-beta table: per path
// the worst day's count for the share the cell's ASSUMED budget buys at
// $20/TH, then the ⌈0.5·n⌉-th and ⌈0.95·n⌉-th smallest over paths.
func TestConfirmationsNeededColumnsRecomputed(t *testing.T) {
	dir := t.TempDir()
	const usdPerTH = 20
	if err := os.WriteFile(filepath.Join(dir, "base.yaml"), []byte("base: bear\nname: conf\nhorizon_days: 45\nsecurity: {hardware_usd_per_th: 20}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(`base: base.yaml
paths: 20
security_threshold_usd_per_day: 1e7
axes:
  - {key: security.attacker_budget_usd, values: [1e9, 5e9]}
  - {key: security.double_spend_risk, values: [0.001, 0.05]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var parts []*Result
	for i := range 3 {
		r, err := s.RunTask(ctx, i, 3, 2)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, r)
	}
	merged, err := Merge(parts)
	if err != nil {
		t.Fatal(err)
	}
	_, stats, err := merged.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 4 {
		t.Fatalf("%d cells, want 4", len(stats))
	}
	distinct := map[[2]int]bool{}
	worstNotLast := 0 // cells where some path's worst day is not its last
	for c, st := range stats {
		sc, err := s.Scenario(c)
		if err != nil {
			t.Fatal(err)
		}
		budget, risk := s.cells[c][0], s.cells[c][1]
		if sc.Security.HardwareUSDPerTH != usdPerTH {
			t.Fatalf("cell %d attacks at %g USD/TH, want the base file's %d", c, sc.Security.HardwareUSDPerTH, usdPerTH)
		}
		if st.AttackerBudgetUSD != budget || st.DoubleSpendRisk != risk {
			t.Errorf("cell %d: columns say budget %g risk %g, the axes %g and %g", c, st.AttackerBudgetUSD, st.DoubleSpendRisk, budget, risk)
		}
		attackerHs := budget / usdPerTH * 1e12
		worst, last := make([]int, s.Paths), make([]int, s.Paths)
		o := sim.Options{Paths: s.Paths, HorizonDays: sc.HorizonDays, Seed: s.CellSeed(c), Engine: s.Engine, Threads: 1}
		if _, err := sim.VisitPaths(ctx, sc, o, 0, s.Paths, func(p, d int, x *sim.DayOutcome) {
			q := attackerHs / (x.HashrateHs + attackerHs)
			z := sim.MaxConfirmationsNeeded + 1
			if q < 0.5 {
				if z, err = security.Rosenfeld.ConfirmationsNeeded(q, risk); err != nil {
					t.Fatal(err)
				}
				if z > sim.MaxConfirmationsNeeded {
					z = sim.MaxConfirmationsNeeded + 1
				}
			}
			worst[p] = max(worst[p], z)
			last[p] = z
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(worst, last) {
			worstNotLast++
		}
		slices.Sort(worst)
		// ⌈0.5·20⌉ = 10th and ⌈0.95·20⌉ = 19th smallest.
		p50, p95 := worst[9], worst[18]
		if st.ConfirmationsNeededWorstDayP50 != p50 || st.ConfirmationsNeededWorstDayP95 != p95 {
			t.Errorf("cell %d (budget %g, risk %g): confirmations p50 %d p95 %d, recomputed %d and %d (worst days %v)",
				c, budget, risk, st.ConfirmationsNeededWorstDayP50, st.ConfirmationsNeededWorstDayP95, p50, p95, worst)
		}
		distinct[[2]int{p50, p95}] = true
		for _, m := range []string{"confirmations_needed_worst_day_p50", "confirmations_needed_worst_day_p95"} {
			if _, ok := st.metric(m); !ok || !slices.Contains(Metrics(), m) {
				t.Errorf("%s is not a metric frontier and sensitivity can select", m)
			}
		}
	}
	if worstNotLast == 0 {
		t.Error("every path's worst day is its last: the test cannot tell the two apart")
	}
	// The check has teeth only if the cells differ: a larger budget needs
	// more confirmations, a larger accepted risk fewer.
	if len(distinct) < 3 || !(stats[0].ConfirmationsNeededWorstDayP50 < stats[2].ConfirmationsNeededWorstDayP50) || !(stats[1].ConfirmationsNeededWorstDayP50 < stats[0].ConfirmationsNeededWorstDayP50) {
		t.Errorf("confirmations by cell do not vary as budget and risk do: %+v", stats)
	}
}
