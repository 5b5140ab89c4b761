package consensus

import (
	"math/big"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
)

// Retarget is the outcome of one difficulty adjustment.
type Retarget struct {
	// Bits is the new compact target for the next period.
	Bits uint32
	// Target is the new target decoded from Bits, the value blocks must meet.
	Target *big.Int
	// ActualTimespanS is last − first block time in seconds, across the
	// period's 2015 intervals.
	ActualTimespanS int64
	// ClampedTimespanS is ActualTimespanS clamped to
	// [TargetTimespan/4, TargetTimespan·4] seconds.
	ClampedTimespanS int64
	// Clamped reports whether the clamp changed the timespan.
	Clamped bool
	// PowLimited reports whether the new target was capped at powLimit.
	PowLimited bool
}

// TargetTimespanS is the retarget period's intended duration in seconds,
// 1209600 s (two weeks) on mainnet.
func TargetTimespanS(p *chaincfg.Params) int64 {
	return int64(p.TargetTimespan / time.Second)
}

// RetargetIntervalBlocks is the number of blocks per difficulty period:
// TargetTimespan / TargetTimePerBlock, 2016 on mainnet.
func RetargetIntervalBlocks(p *chaincfg.Params) int64 {
	return int64(p.TargetTimespan / p.TargetTimePerBlock)
}

// timespanBoundsS returns Core's clamp on the measured timespan in seconds,
// [nPowTargetTimespan/4, nPowTargetTimespan·4] = [302400, 4838400] on mainnet.
func timespanBoundsS(p *chaincfg.Params) (minS, maxS int64) {
	t := TargetTimespanS(p)
	return t / p.RetargetAdjustmentFactor, t * p.RetargetAdjustmentFactor
}

// retargetTarget is ⌊old · timespanS / targetTimespanS⌋, capped at powLimit,
// in Core's 256-bit wrapping arithmetic. timespanS must lie within the
// clamp, so it is positive and below 2^32 as Core's uint32 multiply needs.
func retargetTarget(p *chaincfg.Params, oldBits uint32, timespanS int64) (u256, bool) {
	t, _, _ := setCompact(oldBits)
	t = t.mul64(uint64(timespanS)).div64(uint64(TargetTimespanS(p)))
	if limit := u256FromBig(p.PowLimit); t.cmp(limit) > 0 {
		return limit, true
	}
	return t, false
}

// NextWorkRequired is Bitcoin Core's CalculateNextWorkRequired. From the
// last block's compact bits and the times (Unix seconds) of the first and
// last blocks of the period, i.e. across its 2015 intervals:
//
//	timespan = clamp(last − first, 302400 s, 4838400 s)
//	target'  = min(⌊target · timespan / 1209600 s⌋, powLimit)
//	bits'    = GetCompact(target')
//
// (the constants are mainnet's, derived from p). Networks with
// PoWNoRetargeting keep lastBits. Core ignores SetCompact's sign and
// overflow flags here, and so does this function.
func NextWorkRequired(p *chaincfg.Params, lastBits uint32, firstBlockTimeS, lastBlockTimeS int64) Retarget {
	actual := lastBlockTimeS - firstBlockTimeS
	r := Retarget{Bits: lastBits, ActualTimespanS: actual, ClampedTimespanS: actual}
	if p.PoWNoRetargeting {
		t, _, _ := setCompact(lastBits)
		r.Target = t.toBig()
		return r
	}
	minS, maxS := timespanBoundsS(p)
	r.ClampedTimespanS = min(max(actual, minS), maxS)
	r.Clamped = r.ClampedTimespanS != actual
	t, limited := retargetTarget(p, lastBits, r.ClampedTimespanS)
	r.PowLimited = limited
	r.Bits = getCompact(t, false)
	decoded, _, _ := setCompact(r.Bits)
	r.Target = decoded.toBig()
	return r
}

// PermittedDifficultyTransition is Bitcoin Core's check that newBits could
// follow oldBits at the given block height. At a retarget height
// (height mod 2016 = 0) the new target must lie between the extremes the
// retarget can reach, each computed as in NextWorkRequired with the
// timespan at its clamp (302400 s or 4838400 s), capped at powLimit and
// rounded through compact encoding. At any other height the bits must not
// change. Networks with ReduceMinDifficulty (testnet, regtest) allow any
// transition.
func PermittedDifficultyTransition(p *chaincfg.Params, height int64, oldBits, newBits uint32) bool {
	if p.ReduceMinDifficulty {
		return true
	}
	if height%RetargetIntervalBlocks(p) != 0 {
		return oldBits == newBits
	}
	observed, _, _ := setCompact(newBits)
	minS, maxS := timespanBoundsS(p)

	largest, _ := retargetTarget(p, oldBits, maxS)
	maxNew, _, _ := setCompact(getCompact(largest, false))
	if maxNew.cmp(observed) < 0 {
		return false
	}
	smallest, _ := retargetTarget(p, oldBits, minS)
	minNew, _, _ := setCompact(getCompact(smallest, false))
	return minNew.cmp(observed) <= 0
}
