package metrics

import (
	"math"
	"testing"
)

// The exact Poisson 95% limits against printed chi-square quantiles
// (Garwood: lo = χ²_{0.025}(2n)/2, hi = χ²_{0.975}(2n+2)/2; the χ² table
// values to three decimals, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
func TestPoissonCountIntervalAgainstTable(t *testing.T) {
	for _, c := range []struct {
		n      int64
		lo, hi float64
	}{{0, 0, 7.378 / 2}, {1, 0.051 / 2, 11.143 / 2}, {5, 3.247 / 2, 23.337 / 2}, {10, 9.591 / 2, 36.781 / 2}, {20, 24.433 / 2, 61.777 / 2}} {
		lo, hi, err := PoissonCountInterval(c.n, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(lo-c.lo) > 3e-4 || math.Abs(hi-c.hi) > 3e-4 {
			t.Errorf("n=%d: [%.4f, %.4f], table [%.4f, %.4f]", c.n, lo, hi, c.lo, c.hi)
		}
	}
	if _, _, err := PoissonCountInterval(3, 1); err == nil {
		t.Error("confidence 1 accepted")
	}
}

// A day of 144 blocks: its interval scales the count interval by the
// mean work per block over 86400 s, and holds the point estimate.
func TestDayInterval(t *testing.T) {
	d := Day{Blocks: 144, HashrateHs: 144 * 3e21 / 86400}
	lo, hi, ok := DayInterval(d, 0.95)
	clo, chi, _ := PoissonCountInterval(144, 0.95)
	if !ok || math.Abs(lo-clo*3e21/86400) > 1e-9*lo || math.Abs(hi-chi*3e21/86400) > 1e-9*hi || !(lo < d.HashrateHs && d.HashrateHs < hi) {
		t.Errorf("[%g, %g] around %g", lo, hi, d.HashrateHs)
	}
	if _, _, ok := DayInterval(Day{}, 0.95); ok {
		t.Error("a day without blocks has an interval")
	}
}
