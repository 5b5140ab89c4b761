package metrics

import (
	"math/big"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// EpochStat is one difficulty period reconstructed from Electrum's
// checkpoints.
type EpochStat struct {
	Index       int64   `json:"index"`
	StartHeight int64   `json:"start_height"`
	Difficulty  float64 `json:"difficulty"`
	// SpanDays is the period's implied duration (its 2015 intervals);
	// 0 when the retarget was clamped or capped at the proof-of-work
	// limit, which hides the true span. ImpliedHashrateHs is 0 then too.
	SpanDays          float64 `json:"span_days"`
	ImpliedHashrateHs float64 `json:"implied_hashrate_hs"`
}

// EpochHistory recovers each period's difficulty and duration from the
// targets alone. Period k's target T_k is the genesis target for k = 0 and
// the target Electrum lists with period k−1 otherwise; Core's retarget
// T_{k+1} = T_k · span_k / two weeks inverts to
//
//	span_k = 1,209,600 s · T_{k+1} / T_k
//	hashrate_k = 2015 · work(T_k) / span_k                    H/s
//
// exact up to the compact rounding of T_{k+1} (under 2^−15 relative).
func EpochHistory(p *chaincfg.Params, eps []chain.Epoch) []EpochStat {
	targetSpanS := float64(consensus.TargetTimespanS(p))
	interval := consensus.RetargetIntervalBlocks(p)
	out := make([]EpochStat, len(eps))
	limit, _, _ := consensus.CompactToTarget(p.PowLimitBits)
	prev := limit
	for k, e := range eps {
		bits := consensus.TargetToCompact(prev)
		s := EpochStat{Index: e.Index, StartHeight: e.Index * interval, Difficulty: consensus.DifficultyFromBits(bits)}
		ratio, _ := new(big.Rat).SetFrac(e.NextTarget, prev).Float64()
		if ratio > 0.25 && ratio < 4 && e.NextTarget.Cmp(limit) < 0 {
			spanS := targetSpanS * ratio
			w, _ := new(big.Float).SetInt(consensus.BlockWork(bits)).Float64()
			s.SpanDays = spanS / 86400
			s.ImpliedHashrateHs = float64(interval-1) * w / spanS
		}
		out[k] = s
		prev = e.NextTarget
	}
	return out
}
