package sim

import (
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// ksOneSample is the p-value of the one-sample Kolmogorov–Smirnov test of
// xs (sorted here) against the continuous CDF cdf:
// D = max_i max(i/n − F(x_(i)), F(x_(i)) − (i−1)/n).
func ksOneSample(xs []float64, cdf func(float64) float64) float64 {
	sort.Float64s(xs)
	n := float64(len(xs))
	d := 0.0
	for i, x := range xs {
		f := cdf(x)
		d = max(d, float64(i+1)/n-f, f-float64(i)/n)
	}
	return ksPValue(d, len(xs), 1<<50) // m → ∞: the one-sample limit
}

// ulpsApart is how many float64 steps separate a and b.
func ulpsApart(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(math.Nextafter(b, math.Inf(1))-b), math.Abs(math.Nextafter(a, math.Inf(1))-a))
}

// nodaStreams4's xoshiro256++ step must give gonum's sequence, lane by
// lane, from the state gonum seeded.
func TestNodaStreams4(t *testing.T) {
	var st nodaStreams4
	for j := range 4 {
		st.load(j, nodaStream(11, uint64(j)))
	}
	for j := range 4 {
		ref := nodaStream(11, uint64(j))
		for i := range 1000 {
			if got, want := st.next(j), ref.Uint64(); got != want {
				t.Fatalf("lane %d word %d: %#x, gonum %#x", j, i, got, want)
			}
		}
	}
	if a, b := nodaStream(1, 2).Uint64(), nodaStream(1, 3).Uint64(); a == b {
		t.Errorf("streams 2 and 3 of seed 1 start alike: %#x", a)
	}
	if a, b := nodaStream(1, 2).Uint64(), nodaStream(2, 2).Uint64(); a == b {
		t.Errorf("stream 2 of seeds 1 and 2 start alike: %#x", a)
	}
}

// U must stay strictly inside (0, 1), at its extremes too.
func TestNodaUnit(t *testing.T) {
	for _, c := range []struct {
		w    uint64
		want float64
	}{{0, 0x1p-53}, {math.MaxUint64, 1 - 0x1p-53}, {1 << 63, 0.5 + 0x1p-53}, {1<<12 - 1, 0x1p-53}} {
		if got := nodaUnit(c.w); got != c.want {
			t.Errorf("nodaUnit(%#x) = %v, want %v", c.w, got, c.want)
		}
	}
}

// nodaLog must agree with math.Log to within 1 ulp over the whole range U
// takes, [2^−53, 1), and beyond it.
func TestNodaLogAccuracy(t *testing.T) {
	src := nodaStream(5, 0)
	worst := 0.0
	check := func(x float64) {
		if d := ulpsApart(nodaLog(x), math.Log(x)); d > worst {
			worst = d
			if d > 1 {
				t.Errorf("nodaLog(%v) = %v, math.Log %v: %.1f ulp apart", x, nodaLog(x), math.Log(x), d)
			}
		}
	}
	for range 1000000 {
		check(nodaUnit(src.Uint64()))
	}
	for _, x := range []float64{0x1p-53, 0.5, math.Sqrt2 / 2, math.Nextafter(math.Sqrt2/2, 0), 1 - 0x1p-53, 1e-300, 2, 10, 1e300} {
		check(x)
	}
	for e := -60; e <= 0; e++ { // each binade U can take
		check(math.Ldexp(1.2345, e))
		check(math.Ldexp(1.9999, e))
	}
	t.Logf("largest difference from math.Log: %.2f ulp", worst)
}

// nodaSinCos must agree with math.Sincos to within 1 ulp on [0, π/4].
func TestNodaSinCosAccuracy(t *testing.T) {
	src := nodaStream(6, 0)
	worst := 0.0
	for i := range 1000002 {
		x := nodaUnit(src.Uint64()) * (math.Pi / 4)
		switch i {
		case 0:
			x = 0x1p-53
		case 1:
			x = math.Pi / 4
		}
		s, c := nodaSinCos(x)
		ws, wc := math.Sincos(x)
		d := max(ulpsApart(s, ws), ulpsApart(c, wc))
		if d > 1 {
			t.Fatalf("nodaSinCos(%v) = %v, %v; math.Sincos %v, %v", x, s, c, ws, wc)
		}
		worst = max(worst, d)
	}
	t.Logf("largest difference from math.Sincos: %.2f ulp", worst)
}

// nodaExp must be Exp(1) and nodaNormals two independent N(0, 1): moments,
// one-sample KS against the exact CDFs (gonum's distuv), the tails, and no
// correlation between the two normals of a pair. The same KS test must
// reject the variates scaled by 1%, which shows it can fail.
func TestNodaDrawDistributions(t *testing.T) {
	const n = 1 << 20
	src := nodaStream(7, 0)
	exps := make([]float64, n)
	z0s, z1s := make([]float64, n), make([]float64, n)
	for i := range n {
		exps[i] = nodaExp(src.Uint64())
		w1 := src.Uint64()
		z0s[i], z1s[i] = nodaNormals(w1, src.Uint64())
	}
	if m, v := stat.MeanVariance(exps, nil); math.Abs(m-1) > 5/math.Sqrt(n) || math.Abs(v-1) > 5*math.Sqrt(8.0/n) {
		t.Errorf("Exp(1): mean %.5f, variance %.5f", m, v)
	}
	if c := stat.Correlation(z0s, z1s, nil); math.Abs(c) > 5/math.Sqrt(n) {
		t.Errorf("the two normals of a pair correlate: %.5f", c)
	}
	expCDF := distuv.Exponential{Rate: 1}.CDF
	for _, c := range []struct {
		name string
		xs   []float64
		cdf  func(float64) float64
	}{{"Exp(1)", exps, expCDF}, {"N(0,1) first of pair", z0s, distuv.UnitNormal.CDF}, {"N(0,1) second of pair", z1s, distuv.UnitNormal.CDF}} {
		m, v := stat.MeanVariance(c.xs, nil)
		if c.name != "Exp(1)" && (math.Abs(m) > 5/math.Sqrt(n) || math.Abs(v-1) > 5*math.Sqrt(2.0/n)) {
			t.Errorf("%s: mean %.5f, variance %.5f", c.name, m, v)
		}
		if p := ksOneSample(c.xs, c.cdf); p < 0.001 {
			t.Errorf("%s: KS p = %.3g", c.name, p)
		}
		scaled := make([]float64, n)
		for i, x := range c.xs {
			scaled[i] = 1.01 * x
		}
		if p := ksOneSample(scaled, c.cdf); p > 1e-6 {
			t.Errorf("%s scaled by 1.01: KS p = %.3g; the test cannot tell", c.name, p)
		}
	}
	// Tails: P(X > 10) = e^−10 for Exp(1), P(|Z| > 4) for N(0,1).
	sort.Float64s(exps)
	if got, want := float64(n-sort.SearchFloat64s(exps, 10))/n, math.Exp(-10); math.Abs(got-want) > 5*math.Sqrt(want/n) {
		t.Errorf("Exp(1): P(X > 10) = %.3g, want %.3g", got, want)
	}
	sort.Float64s(z0s)
	want := 2 * distuv.UnitNormal.Survival(4)
	if got := float64(sort.SearchFloat64s(z0s, -4)+n-sort.SearchFloat64s(z0s, 4)) / n; math.Abs(got-want) > 5*math.Sqrt(want/n) {
		t.Errorf("N(0,1): P(|Z| > 4) = %.3g, want %.3g", got, want)
	}
}
