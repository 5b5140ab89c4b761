package metrics

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// PoissonCountInterval is the exact (Garwood) confidence interval of a
// Poisson mean λ from one observed count n:
//
//	[ Q_Gamma(n, 1)((1−c)/2) ,  Q_Gamma(n+1, 1)((1+c)/2) ]     (lower 0 when n = 0)
//
// In a fixed window of T seconds the number of blocks is Poisson with
// mean λ = h·T/w̄ (h the hashrate in H/s, w̄ the work per block), so the
// daily fixed-window hashrate n·w̄/T has the interval w̄/T times this one:
// DayInterval.
func PoissonCountInterval(n int64, confidence float64) (lo, hi float64, err error) {
	if n < 0 {
		return 0, 0, fmt.Errorf("count %d < 0", n)
	}
	if !(confidence > 0 && confidence < 1) {
		return 0, 0, fmt.Errorf("confidence %g not in (0, 1)", confidence)
	}
	if n > 0 {
		lo = distuv.Gamma{Alpha: float64(n), Beta: 1}.Quantile((1 - confidence) / 2)
	}
	hi = distuv.Gamma{Alpha: float64(n + 1), Beta: 1}.Quantile((1 + confidence) / 2)
	return lo, hi, nil
}

// DayInterval is the confidence interval of a Day's fixed-window hashrate
// d.HashrateHs = Σ work / 86400 s, in H/s: the day's mean work per block
// times PoissonCountInterval(d.Blocks) / 86400 s, that is
// d.HashrateHs · [lo, hi] / d.Blocks. A day with no block has no mean
// work per block, hence no interval (ok false).
func DayInterval(d Day, confidence float64) (lowHs, highHs float64, ok bool) {
	if d.Blocks <= 0 || !(d.HashrateHs > 0) {
		return 0, 0, false
	}
	lo, hi, err := PoissonCountInterval(d.Blocks, confidence)
	if err != nil {
		return 0, 0, false
	}
	perBlock := d.HashrateHs / float64(d.Blocks)
	return perBlock * lo, perBlock * hi, true
}
