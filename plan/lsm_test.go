package plan

import (
	"math"
	"math/rand/v2"
	"testing"
)

// americanPut sets up Longstaff & Schwartz (2001) Table 1's first row: an
// American put, S0 = 36, K = 40, r = 0.06, σ = 0.2, T = 1 year, exercisable
// 50 times a year, under GBM with antithetic paths. Their finite-difference
// value is 4.478 (LSM 4.472, s.e. 0.010).
func americanPut(paths int, seed uint64) StoppingProblem {
	const s0, k, r, sigma, T, dates = 36.0, 40.0, 0.06, 0.2, 1.0, 50
	dt := T / dates
	rng := rand.New(rand.NewPCG(seed, 1))
	s := make([][]float64, paths)
	for i := 0; i < paths; i += 2 {
		a, b := make([]float64, dates+1), make([]float64, dates+1)
		a[0], b[0] = s0, s0
		for j := 1; j <= dates; j++ {
			z := rng.NormFloat64()
			drift := (r - sigma*sigma/2) * dt
			a[j] = a[j-1] * math.Exp(drift+sigma*math.Sqrt(dt)*z)
			b[j] = b[j-1] * math.Exp(drift-sigma*math.Sqrt(dt)*z)
		}
		s[i] = a
		if i+1 < paths {
			s[i+1] = b
		}
	}
	return StoppingProblem{
		Paths: paths, Dates: dates, Discount: math.Exp(-r * dt),
		Exercise: func(i, j int) float64 { return math.Max(k-s[i][j], 0) },
		Basis: func(i, j int, dst []float64) {
			x := s[i][j] / k
			dst[0], dst[1], dst[2], dst[3] = 1, x, x*x, x*x*x
		},
		NBasis: 4,
	}
}

func TestLongstaffSchwartzTable1(t *testing.T) {
	r, err := LongstaffSchwartz(americanPut(20000, 2001))
	if err != nil {
		t.Fatal(err)
	}
	// Antithetic pairs make the plain s.e. conservative; the regression's
	// low bias is a few cents at this size.
	if tol := 3*r.StdErr + 0.03; math.Abs(r.Value-4.478) > tol {
		t.Errorf("American put = %.4f ± %.4f, want 4.478 (tolerance %.3f)", r.Value, r.StdErr, tol)
	}
	// It must be worth more than the European put (Black–Scholes 3.844
	// for these inputs) and than exercising now (4).
	if r.Value < 3.844+0.3 || r.StopNow {
		t.Errorf("American put %.4f not above European 3.844 and immediate exercise 4", r.Value)
	}
}

// With flows and an exercise value that never pays, the method must value
// the flows alone: a deterministic annuity of 1 per period for 10 periods
// at D = 0.99 is Σ D^k, k = 1..10.
func TestLongstaffSchwartzFlowsOnly(t *testing.T) {
	p := StoppingProblem{
		Paths: 10, Dates: 10, Discount: 0.99,
		Exercise: func(i, j int) float64 { return -1 },
		Flow:     func(i, j int) float64 { return 1 },
		Basis:    func(i, j int, dst []float64) { dst[0] = 1 },
		NBasis:   1,
	}
	r, err := LongstaffSchwartz(p)
	if err != nil {
		t.Fatal(err)
	}
	var want float64
	for k := 1; k <= 10; k++ {
		want += math.Pow(0.99, float64(k))
	}
	near(t, "annuity", r.Value, want, 1e-12)
	for _, d := range r.StopDate {
		if d != 11 {
			t.Fatalf("stopped at %d, want never (11)", d)
		}
	}
}
