package sim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// expBig is e^x to 200 bits by the Taylor series of e^{x/2^m} squared m
// times: an independent reference for expFast.
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

// expFast must be within 1.5 ulp of e^x computed to 200 bits, over the
// sigmoid's whole clipped range and beyond.
func TestExpFastAgainstBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := []float64{0, 1, -1, math.Ln2, -sigmoidRange, sigmoidRange, 1e-300, -1e-12, 100, -100}
	for i := 0; i < 3000; i++ {
		xs = append(xs, (rng.Float64()*2-1)*40, (rng.Float64()*2-1)*1e-3)
	}
	worst := 0.0
	for _, x := range xs {
		want := expBig(x)
		got := expFast(x)
		ulp := math.Nextafter(want, math.Inf(1)) - want
		if d := math.Abs(got-want) / ulp; d > worst {
			worst = d
		}
		if math.Abs(got-want) > 1.5*ulp {
			t.Fatalf("expFast(%g) = %.17g, want %.17g (%.1f ulp)", x, got, want, math.Abs(got-want)/ulp)
		}
	}
	t.Logf("worst error %.2f ulp over %d arguments", worst, len(xs))
}
