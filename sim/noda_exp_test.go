package sim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// expBig is e^x to 200 bits by the Taylor series of e^{x/2^m} squared m
// times: an independent reference for nodaBlockTime's exponential.
func expBig(x float64) float64 {
	const prec = 200
	m := 10
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	y.Quo(y, new(big.Float).SetPrec(prec).SetFloat64(math.Ldexp(1, m)))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n < 60; n++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	for i := 0; i < m; i++ {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// nodaBlockTime(y, eI) = eI·(1 + e^y) must be within 2.5 ulp of the same
// with e^y computed to 200 bits (the exponential's 1.5 ulp and the two
// roundings after it), over the sigmoid's whole clipped range.
func TestNodaBlockTimeAgainstBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	ys := []float64{0, 1, -1, math.Ln2, -sigmoidRange, sigmoidRange, 1e-300, -1e-12}
	for i := 0; i < 3000; i++ {
		ys = append(ys, (rng.Float64()*2-1)*sigmoidRange, (rng.Float64()*2-1)*1e-3)
	}
	worst := 0.0
	for i, y := range ys {
		eI := 0.5 + float64(i%7)
		want := eI * (1 + expBig(y))
		got := nodaBlockTime(y, eI)
		ulp := math.Nextafter(want, math.Inf(1)) - want
		d := math.Abs(got-want) / ulp
		worst = max(worst, d)
		if d > 2.5 {
			t.Fatalf("nodaBlockTime(%g, %g) = %.17g, want %.17g (%.1f ulp)", y, eI, got, want, d)
		}
	}
	t.Logf("worst error %.2f ulp over %d arguments", worst, len(ys))
}
