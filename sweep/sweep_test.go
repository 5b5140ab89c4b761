package sweep

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

const smallSpec = `name: small
base: ai-pivot
paths: 7
horizon_days: 90
security_threshold_usd_per_day: 4.0e7
axes:
  - key: start.fees_per_block_btc
    values: [0.01, 0.5]
  - key: ai.factor
    range: {from: 1.5, to: 6, steps: 3}
`

func writeSpec(t *testing.T, doc string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func encode(t *testing.T, r *Result) []byte {
	t.Helper()
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Any split into tasks, run on any number of workers, merges to the bytes
// of a one-task run: seeds depend on the cell and path only.
func TestTasksMergeToOneTaskBytes(t *testing.T) {
	s, err := LoadSpec(writeSpec(t, smallSpec))
	if err != nil {
		t.Fatal(err)
	}
	if s.Cells() != 6 {
		t.Fatalf("%d cells, want 2×3", s.Cells())
	}
	ctx := context.Background()
	one, err := s.RunTask(ctx, 0, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := encode(t, one)
	for _, n := range []int{2, 5, 13} {
		var parts []*Result
		for i := range n {
			r, err := s.RunTask(ctx, i, n, 3)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, r)
		}
		merged, err := Merge(parts)
		if err != nil {
			t.Fatal(err)
		}
		if got := encode(t, merged); !bytes.Equal(got, want) {
			t.Fatalf("%d tasks merge to %d bytes that differ from the one-task run's %d", n, len(got), len(want))
		}
	}
	_, stats, err := one.Stats()
	if err != nil {
		t.Fatal(err)
	}
	// Fees of 0.5 BTC/block keep the budget higher than 0.01 does.
	if !(stats[0].MinSecurityBudgetP50USDPerDay < stats[3].MinSecurityBudgetP50USDPerDay) {
		t.Errorf("min security budget p50: %g at 0.01 BTC fees, %g at 0.5", stats[0].MinSecurityBudgetP50USDPerDay, stats[3].MinSecurityBudgetP50USDPerDay)
	}
	for c, st := range stats {
		for _, m := range Metrics() {
			v, _ := st.metric(m)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("cell %d %s = %g", c, m, v)
			}
		}
	}
}

// Tasks are balanced by expected blocks: with a 100-day and a 900-day
// cell, two tasks split the long cell, not the cell list.
func TestPlanBalancesBlocksNotCells(t *testing.T) {
	s, err := LoadSpec(writeSpec(t, `base: default
paths: 100
security_threshold_usd_per_day: 1e7
axes:
  - {key: horizon_days, values: [100, 900]}
`))
	if err != nil {
		t.Fatal(err)
	}
	plans, err := s.Plan(2)
	if err != nil {
		t.Fatal(err)
	}
	// W = 100·144·(100+900) blocks, W/2 = 7.2M each. Task 0 takes the
	// 100-day cell (1.44M) and the 900-day paths starting below 7.2M:
	// ⌈(7.2M − 1.44M)/129,600⌉ = 45 of them.
	if plans[0].LastCell != 1 || plans[1].FirstCell != 1 || plans[0].Paths != 100+45 || plans[1].Paths != 55 {
		t.Fatalf("plan %+v: the 900-day cell should be split 45/55", plans)
	}
	if plans[0].ExpectedBlocks != 1_440_000+45*129_600 || plans[1].ExpectedBlocks != 55*129_600 {
		t.Fatalf("expected blocks %d and %d", plans[0].ExpectedBlocks, plans[1].ExpectedBlocks)
	}
	// Balanced within one path's blocks, where by cell count it would be 1.44M against 12.96M.
	for n := 2; n <= 20; n++ {
		plans, _ := s.Plan(n)
		for _, p := range plans {
			if d := p.ExpectedBlocks - 14_400_000/int64(n); d > 129_600 || d < -129_600 {
				t.Fatalf("%d tasks: task %d has %d expected blocks, %d from the mean", n, p.Task, p.ExpectedBlocks, d)
			}
		}
	}
	// Every path in exactly one task, for many splits.
	for _, n := range []int{1, 3, 7, 199, 201, 1000} {
		plans, err := s.Plan(n)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[[2]int]int{}
		for _, p := range plans {
			for _, sl := range p.slices {
				for q := sl.from; q < sl.to; q++ {
					seen[[2]int{sl.cell, q}]++
				}
			}
		}
		if len(seen) != 200 {
			t.Fatalf("%d tasks cover %d of 200 paths", n, len(seen))
		}
		for k, v := range seen {
			if v != 1 {
				t.Fatalf("%d tasks: path %v in %d tasks", n, k, v)
			}
		}
	}
}

func TestSpecErrorsNameTheLine(t *testing.T) {
	cases := []struct{ doc, want string }{
		{"base: default\nsecurity_threshold_usd_per_day: 1\naxes:\n  - {key: ai.factor, values: [2]}\npathz: 3\n", `line 5: unknown key "pathz"`},
		{"base: default\nsecurity_threshold_usd_per_day: 1\naxes:\n  - {key: ai.factor, values: [2]}\n  - key: fleet.pue\n    values: [1.1, 9]\n", "line 5: axes.1 (fleet.pue = 9): fleet.pue: must be between 1 and 5"},
		{"base: default\nsecurity_threshold_usd_per_day: 1\naxes:\n  - key: ai.factr\n    values: [2]\n", `line 4: axes.0 (ai.factr = 2):`},
		{"base: default\nsecurity_threshold_usd_per_day: 1\naxes:\n  - key: ai.factor\n    range: {from: 2, to: 1, steps: 3}\n", "line 5: axes.0.range: needs finite from < to"},
		{"base: default\naxes:\n  - {key: ai.factor, values: [2]}\n", "line 1: security_threshold_usd_per_day:"},
		{"base: nosuch\nsecurity_threshold_usd_per_day: 1\naxes:\n  - {key: ai.factor, values: [2]}\n", "line 1: base:"},
		{"base: default\nsecurity_threshold_usd_per_day: 1\ndesign: lhs\nsamples: 5\naxes:\n  - {key: ai.factor, values: [2]}\n", "line 6: axes.0.range: a Latin hypercube"},
		{"base: default\nsecurity_threshold_usd_per_day: 1\naxes:\n  - {key: fleet.mix.share, values: [2]}\n", "line 4: axes.0"},
	}
	for _, c := range cases {
		_, err := LoadSpec(writeSpec(t, c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.doc, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}

// A Latin hypercube puts exactly one cell in each of the n strata of every
// axis (McKay, Beckman & Conover 1979).
func TestLatinHypercubeStrata(t *testing.T) {
	s, err := ParseSpec([]byte(`base: default
design: lhs
samples: 50
seed: 9
security_threshold_usd_per_day: 1
axes:
  - {key: ai.factor, range: {from: 1, to: 25}}
  - {key: start.fees_per_block_btc, range: {from: 0, to: 1}}
`), nil, "t", "")
	if err != nil {
		t.Fatal(err)
	}
	for a, r := range [][2]float64{{1, 25}, {0, 1}} {
		hit := make([]int, 50)
		for c := range s.Cells() {
			k := int((s.CellValues(c)[a] - r[0]) / (r[1] - r[0]) * 50)
			hit[k]++
		}
		for k, h := range hit {
			if h != 1 {
				t.Fatalf("axis %d stratum %d has %d cells", a, k, h)
			}
		}
	}
}

func TestMergeDirNamesMissingTasks(t *testing.T) {
	s, err := LoadSpec(writeSpec(t, smallSpec))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, i := range []int{0, 2} {
		r, err := s.RunTask(context.Background(), i, 4, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.WriteFile(filepath.Join(dir, FileName(s.Hash(), i, 4))); err != nil {
			t.Fatal(err)
		}
	}
	_, err = MergeDir(dir)
	if err == nil || !strings.Contains(err.Error(), "missing 2 of 4 tasks: 1 ("+FileName(s.Hash(), 1, 4)+"), 3") {
		t.Fatalf("error %v, want it to name tasks 1 and 3", err)
	}
}

// orderStat against gonum's empirical quantile (the same type-1 definition).
func TestOrderStatMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 60; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = rng.NormFloat64()
		}
		sortFloats(xs)
		for _, q := range []float64{0.05, 0.5, 0.95} {
			if got, want := orderStat(xs, q), stat.Quantile(q, stat.Empirical, xs, nil); got != want {
				t.Fatalf("n=%d q=%g: %g, gonum %g", n, q, got, want)
			}
		}
	}
}

func sortFloats(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// A base scenario file is read relative to the spec, its content is part
// of the spec's hash, and its own errors name its line.
func TestBaseScenarioFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, doc string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("mine.yaml", "base: bear\nname: mine\nhorizon_days: 30\n")
	spec := write("spec.yaml", "base: mine.yaml\npaths: 2\nsecurity_threshold_usd_per_day: 1e7\naxes:\n  - {key: ai.factor, values: [2, 3]}\n")
	s, err := LoadSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := s.Scenario(1)
	if err != nil {
		t.Fatal(err)
	}
	if sc.HorizonDays != 30 || sc.AI.Factor != 3 {
		t.Fatalf("cell 1: horizon %d, ai.factor %g; want the file's 30 and the axis's 3", sc.HorizonDays, sc.AI.Factor)
	}
	h1 := s.Hash()
	write("mine.yaml", "base: bear\nname: mine\nhorizon_days: 31\n")
	if s2, err := LoadSpec(spec); err != nil || s2.Hash() == h1 {
		t.Fatalf("editing the base file kept the hash %s (err %v)", h1, err)
	}
	// Comments and blank lines: the line is the file's, not a re-encoding's.
	write("mine.yaml", "# my scenario\n\nbase: bear\nname: mine   # mine\n\nfleet: {pool_fee_pct: 2,\n  pue: 9}\n")
	if _, err := LoadSpec(spec); err == nil || !strings.Contains(err.Error(), "line 1: base:") || !strings.Contains(err.Error(), "mine.yaml: line 7: fleet.pue") {
		t.Fatalf("bad base file: %v", err)
	}
}
