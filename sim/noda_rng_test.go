package sim

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The normal ziggurat must produce N(0, 1): mean 0, variance 1, a two-sample
// KS test against gonum's normal sampler, and the right mass beyond the
// ziggurat's base r = 3.4426 (the tail branch).
func TestNormPCGDistribution(t *testing.T) {
	src := rand.NewPCG(7, 8)
	const n = 200000
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = normPCG(src)
	}
	m, v := stat.MeanVariance(xs, nil)
	if math.Abs(m) > 5/math.Sqrt(n) {
		t.Errorf("mean = %.5f, want 0", m)
	}
	if math.Abs(v-1) > 5*math.Sqrt(2.0/n) { // Var of the sample variance of N(0,1) is 2/n
		t.Errorf("variance = %.5f, want 1", v)
	}
	ref := make([]float64, n)
	g := distuv.Normal{Mu: 0, Sigma: 1, Src: rand.NewPCG(9, 10)}
	for i := range ref {
		ref[i] = g.Rand()
	}
	if p := ksP(xs, ref); p < 0.001 {
		t.Errorf("KS p = %.2g against gonum's N(0,1)", p)
	}
	sort.Float64s(xs)
	tail := float64(sort.SearchFloat64s(xs, -zigNormR)+n-sort.SearchFloat64s(xs, zigNormR)) / n
	want := 2 * distuv.UnitNormal.Survival(zigNormR)
	if math.Abs(tail-want) > 5*math.Sqrt(want/n) {
		t.Errorf("P(|X| > %.4f) = %.2e, want %.2e", zigNormR, tail, want)
	}
}

// fillExp and the grid's written-out normal must draw exactly expPCG's and
// normPCG's sequences from the same stream.
func TestFillExpAndNormMatchCalls(t *testing.T) {
	a, b := rand.NewPCG(11, 12), rand.NewPCG(11, 12)
	buf := make([]float64, 100000)
	fillExp(a, buf)
	for k, got := range buf {
		if want := expPCG(b); got != want {
			t.Fatalf("draw %d: fillExp %v, expPCG %v", k, got, want)
		}
	}
	m := nodaScenario(t, "noda-btc").Noda
	m.Sigma = 0.01
	r := m.newRun(nil, 13, 7)
	for r.filled < m.Length+1 {
		r.extendGrid()
	}
	ref := rand.NewPCG(13, 14) // path 7's price stream is PCG(seed, 2·7)
	p := m.InitPrice - m.PriceShock
	drift, vol := m.Mu*m.BTarget, m.Sigma*math.Sqrt(m.BTarget)
	for k := 1; k <= m.Length; k++ {
		p *= 1 + drift + vol*normPCG(ref)
		if r.grid[k] != p {
			t.Fatalf("grid point %d: %v, by normPCG calls %v", k, r.grid[k], p)
		}
	}
}
