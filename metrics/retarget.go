package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// Forecast is the next difficulty adjustment, as a point estimate and as
// a distribution.
type Forecast struct {
	TipHeight        int64   `json:"tip_height"`
	EpochStartHeight int64   `json:"epoch_start_height"`
	RetargetHeight   int64   `json:"retarget_height"` // first block at the new difficulty
	BlocksLeft       int64   `json:"blocks_left"`     // until the epoch's last block
	Difficulty       float64 `json:"difficulty"`
	RateBlocks       int64   `json:"rate_blocks"` // intervals the block-rate estimate uses
	PointChangePct   float64 `json:"point_change_pct"`
	PointDifficulty  float64 `json:"point_difficulty"`
	PointTimeS       int64   `json:"point_time_s"`
	ChangeP5Pct      float64 `json:"change_p5_pct"`
	ChangeP50Pct     float64 `json:"change_p50_pct"`
	ChangeP95Pct     float64 `json:"change_p95_pct"`
	TimeP5S          int64   `json:"time_p5_s"`
	TimeP50S         int64   `json:"time_p50_s"`
	TimeP95S         int64   `json:"time_p95_s"`
	ProbDecrease     float64 `json:"prob_decrease"`
	// Quantiles are the change's and the date's at RetargetQuantileLevels,
	// for drawing the distribution (serve's change_quantiles_pct); the
	// CLI prints the three above, so they stay out of its JSON and CSV.
	Quantiles []RetargetQuantile `json:"-"`
}

// RetargetQuantileLevels are the probability levels of Forecast.Quantiles.
var RetargetQuantileLevels = []float64{0.01, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50,
	0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 0.99}

// RetargetQuantile is the q-quantile of the difficulty change (percent)
// and, separately, of the time of the retarget (Unix seconds). A late
// date gives a low change, so the change's q-quantile comes with the
// date's (1−q)-quantile: both are exact maps of the remaining time's
// Beta quantiles.
type RetargetQuantile struct {
	Q         float64 `json:"q"`
	ChangePct float64 `json:"change_pct"`
	TimeS     int64   `json:"time_s"`
}

// NextRetarget forecasts the adjustment that takes effect at the first
// block of the next period. epoch holds the current period's blocks so far
// (its first block through the tip); window, ending at the tip too, is the
// run the block rate is estimated from (at least the epoch; callers extend
// it to ≥144 blocks early in a period). nowS is the current Unix time, or 0
// to forecast from the tip's timestamp.
//
// The retarget uses the span t(S+2015) − t(S) of the period starting at S,
// of which t(S) is known. With r blocks left, the remaining time R is the
// sum of r exponential intervals at the current difficulty's block rate λ.
// λ is uncertain: the window shows n intervals of mean work W/n in time T,
// plus e = now − t_tip seconds with no block; under the scale-invariant
// prior 1/λ the posterior is λ = (W/n)/w·G/(T+e), G ~ Gamma(n, 1), with w
// the work of one block at the current bits. Then
//
//	R = K · X/G,  X ~ Gamma(r, 1),  K = n·w·(T+e)/W        seconds
//
// and X/(X+G) ~ Beta(r, n), so R's quantiles are K·b/(1−b) for b the
// Beta(r, n) quantiles: exact, no sampling. The new difficulty is a
// decreasing function of the span (consensus.NextWorkRequired: clamp to
// [¼, 4]× two weeks, compact rounding), so the quantiles of the change map
// from those of R, low change ↔ late date. The point estimate uses the
// posterior's most likely rate, R = r·K/n: the period's blocks so far
// extrapolated at their own pace.
func NextRetarget(p *chaincfg.Params, epoch, window []chain.Block, nowS int64) (Forecast, error) {
	interval := consensus.RetargetIntervalBlocks(p)
	if len(epoch) == 0 || len(window) < 2 {
		return Forecast{}, errors.New("need the period's blocks and at least 2 blocks of history")
	}
	start, tip := epoch[0], epoch[len(epoch)-1]
	if start.Height%interval != 0 || tip.Height-start.Height+1 != int64(len(epoch)) {
		return Forecast{}, fmt.Errorf("blocks %d..%d are not a period's first blocks", start.Height, tip.Height)
	}
	if window[len(window)-1].Height != tip.Height {
		return Forecast{}, errors.New("rate window must end at the tip")
	}
	lastHeight := start.Height + interval - 1
	r := lastHeight - tip.Height
	f := Forecast{
		TipHeight:        tip.Height,
		EpochStartHeight: start.Height,
		RetargetHeight:   lastHeight + 1,
		BlocksLeft:       r,
		Difficulty:       consensus.DifficultyFromBits(tip.Bits),
	}
	first := window[0]
	n := float64(tip.Height - first.Height)
	f.RateBlocks = int64(n)
	fromS := max(nowS, tip.TimeS)
	exposure := float64(fromS - first.TimeS)
	if exposure <= 0 {
		return f, fmt.Errorf("blocks %d..%d span %d s; use a longer window", first.Height, tip.Height, int64(exposure))
	}
	w, _ := new(big.Float).SetInt(consensus.BlockWork(tip.Bits)).Float64()
	k := n * w * exposure / workBetween(first, tip)

	outcome := func(remainingS float64) (changePct float64, endS int64, diff float64) {
		endS = fromS + int64(math.Round(remainingS))
		if r == 0 {
			endS = tip.TimeS
		}
		rt := consensus.NextWorkRequired(p, tip.Bits, start.TimeS, endS)
		diff = consensus.DifficultyFromBits(rt.Bits)
		return 100 * (diff/f.Difficulty - 1), endS, diff
	}
	f.PointChangePct, f.PointTimeS, f.PointDifficulty = outcome(float64(r) * k / n)
	if r == 0 {
		f.ChangeP5Pct, f.ChangeP50Pct, f.ChangeP95Pct = f.PointChangePct, f.PointChangePct, f.PointChangePct
		f.TimeP5S, f.TimeP50S, f.TimeP95S = f.PointTimeS, f.PointTimeS, f.PointTimeS
		for _, q := range RetargetQuantileLevels {
			f.Quantiles = append(f.Quantiles, RetargetQuantile{Q: q, ChangePct: f.PointChangePct, TimeS: f.PointTimeS})
		}
		if f.PointChangePct < 0 {
			f.ProbDecrease = 1
		}
		return f, nil
	}
	beta := distuv.Beta{Alpha: float64(r), Beta: n}
	remaining := func(q float64) float64 {
		b := beta.Quantile(q)
		return k * b / (1 - b)
	}
	f.ChangeP95Pct, f.TimeP5S, _ = outcome(remaining(0.05))
	f.ChangeP50Pct, f.TimeP50S, _ = outcome(remaining(0.50))
	f.ChangeP5Pct, f.TimeP95S, _ = outcome(remaining(0.95))
	f.Quantiles = make([]RetargetQuantile, len(RetargetQuantileLevels))
	for i, q := range RetargetQuantileLevels {
		f.Quantiles[i].Q = q
		_, f.Quantiles[i].TimeS, _ = outcome(remaining(q))
		f.Quantiles[i].ChangePct, _, _ = outcome(remaining(1 - q))
	}
	// The difficulty falls when the span exceeds the target timespan:
	// P(R > T* − elapsed) = 1 − BetaCDF(b*), b* = x/(K + x).
	// At the proof-of-work limit even the slowest span cannot lower it.
	slowest := consensus.NextWorkRequired(p, tip.Bits, start.TimeS, start.TimeS+4*consensus.TargetTimespanS(p))
	if x := float64(consensus.TargetTimespanS(p) - (fromS - start.TimeS)); consensus.DifficultyFromBits(slowest.Bits) >= f.Difficulty {
		f.ProbDecrease = 0
	} else if x <= 0 {
		f.ProbDecrease = 1
	} else {
		f.ProbDecrease = 1 - beta.CDF(x/(k+x))
	}
	return f, nil
}
