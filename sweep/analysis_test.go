package sweep

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func gridSpec(t *testing.T) *Spec {
	t.Helper()
	s, err := ParseSpec([]byte(`base: default
security_threshold_usd_per_day: 1
axes:
  - {key: ai.revenue_usd_per_kwh, unit: USD/kWh, values: [0.1, 0.2, 0.4]}
  - {key: start.fees_per_block_btc, unit: BTC/block, range: {from: 0, to: 1, steps: 5}}
  - {key: price.drift_per_year, values: [-0.2, 0.2]}
`), nil, "t", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// On a full factorial grid the axes are uncorrelated, so each SRC equals
// the Pearson correlation of the axis with the metric (Saltelli et al.
// 2008, §1.2.5), computed here by gonum's stat.Correlation.
func TestSensitivityEqualsCorrelationOnAGrid(t *testing.T) {
	s := gridSpec(t)
	stats := make([]CellStats, s.Cells())
	for c := range stats {
		v := s.CellValues(c)
		stats[c].PSecurityBudgetBelow = math.Exp(-3*v[1]) + 0.5*v[0]*v[0] - 0.1*v[2]
	}
	sens, err := Sensitivities(s, stats)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(stats))
	for c := range stats {
		y[c] = stats[c].PSecurityBudgetBelow
	}
	n := 0
	for _, se := range sens {
		if se.Metric != "p_security_budget_below" {
			t.Fatalf("metric %s is constant over the cells but reported", se.Metric)
		}
		a := n
		n++
		x := make([]float64, len(stats))
		for c := range stats {
			x[c] = s.CellValues(c)[a]
		}
		if want := stat.Correlation(x, y, nil); math.Abs(se.SRC-want) > 1e-9 {
			t.Errorf("%s: SRC %g, correlation %g", se.Axis, se.SRC, want)
		}
	}
	if n != 3 {
		t.Fatalf("%d coefficients, want 3", n)
	}
}

func TestFrontierInterpolatesTheCrossing(t *testing.T) {
	s := gridSpec(t)
	stats := make([]CellStats, s.Cells())
	// p falls linearly with fees y from 1 to 0 at y = r·2.5 (r the AI
	// revenue): p = 0.05 at y = 0.95·2.5·r.
	for c := range stats {
		v := s.CellValues(c)
		stats[c].PSecurityBudgetBelow = math.Max(0, 1-v[1]/(2.5*v[0]))
	}
	f, err := FrontierOf(s, stats, FrontierQuery{X: "ai.revenue_usd_per_kwh", Y: "start.fees_per_block_btc", Metric: "p_security_budget_below", Level: 0.05, Fixed: map[string]float64{"price.drift_per_year": 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []float64{0.1, 0.2, 0.4} {
		want := 0.95 * 2.5 * r
		if want > 1 {
			if !math.IsNaN(f.YAtLevel[i]) {
				t.Errorf("r=%g: crossing %g outside the grid", r, f.YAtLevel[i])
			}
			continue
		}
		if math.Abs(f.YAtLevel[i]-want) > 1e-12 {
			t.Errorf("r=%g: fees at level %g, want %g", r, f.YAtLevel[i], want)
		}
	}
	chart := filepath.Join(t.TempDir(), "f.svg")
	if err := f.WriteChart(chart, s); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "ASSUMED", "USD/kWh", "BTC/block"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if _, err := FrontierOf(s, stats, FrontierQuery{X: "ai.revenue_usd_per_kwh", Y: "start.fees_per_block_btc", Metric: "p_security_budget_below", Level: 0.05, Fixed: map[string]float64{"price.drift_per_year": 0.3}}); err == nil {
		t.Error("a fixed value off the grid was accepted")
	}
}

// Range grid values hit both ends and the decimals in between, and --fix
// accepts the decimal a user types.
func TestGridValuesAreTheDecimalsUsersType(t *testing.T) {
	a := Axis{Key: "price.drift_per_year", Range: &Range{From: -0.45, To: 0.45, Steps: 10}}
	for k, want := range []float64{-0.45, -0.35, -0.25, -0.15, -0.05, 0.05, 0.15, 0.25, 0.35, 0.45} {
		if got := a.gridValue(k); got != want {
			t.Errorf("value %d = %.17g, want %g", k, got, want)
		}
	}
}

// For an additive y = f(x_1) + g(x_2) + h(x_3) on a full grid the
// first-order Sobol indices are Var f / Var y, Var g / Var y, Var h / Var y
// (population variances over the grid values) and sum to 1 (Sobol 1993).
func TestSobolFirstOrderOfAnAdditiveFunction(t *testing.T) {
	s := gridSpec(t)
	f := func(x float64) float64 { return 10 * x * x }
	g := func(x float64) float64 { return math.Exp(-3 * x) }
	h := func(x float64) float64 { return 2 * x }
	stats := make([]CellStats, s.Cells())
	for c := range stats {
		v := s.CellValues(c)
		stats[c].HashrateP50Hs = f(v[0]) + g(v[1]) + h(v[2])
	}
	popVar := func(fn func(float64) float64, xs []float64) float64 {
		ys := make([]float64, len(xs))
		for i, x := range xs {
			ys[i] = fn(x)
		}
		m := stat.Mean(ys, nil)
		v := 0.0
		for _, y := range ys {
			v += (y - m) * (y - m)
		}
		return v / float64(len(ys))
	}
	vf := popVar(f, []float64{0.1, 0.2, 0.4})
	vg := popVar(g, []float64{0, 0.25, 0.5, 0.75, 1})
	vh := popVar(h, []float64{-0.2, 0.2})
	want := []float64{vf / (vf + vg + vh), vg / (vf + vg + vh), vh / (vf + vg + vh)}
	sens, err := Sensitivities(s, stats)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, se := range sens {
		if se.SobolFirstOrder == nil || math.Abs(*se.SobolFirstOrder-want[i]) > 1e-12 {
			t.Fatalf("%s: S1 %v, want %g", se.Axis, se.SobolFirstOrder, want[i])
		}
		sum += *se.SobolFirstOrder
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Fatalf("first-order indices of an additive function sum to %g", sum)
	}
}
