package sim

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
)

// Engine names.
const (
	EngineBlock = "block"
	EngineFast  = "fast"
)

const (
	retargetInterval = 2016 // blocks per difficulty epoch
	secondsPerDay    = 86400.0
)

// retargetEvent is one difficulty adjustment: the epoch it closes and the
// difficulty before and after.
type retargetEvent struct {
	epochDurationS int64 // timestamp(last) − timestamp(first) of the closed epoch, s
	lastTS         int64 // timestamp of the epoch's last block, s
	oldDifficulty  float64
	newDifficulty  float64
}

// chain is one path's block chain: height, difficulty and clock. Blocks
// arrive as a Poisson process in hash space: each block needs Exp(1)·D·2^32
// hashes, and within a piece of constant hashrate H the clock advances by
// hashes/H. Timestamps are whole seconds, floor(t), and each retarget is the
// consensus computation on those timestamps.
type chain struct {
	params         *chaincfg.Params
	engine         string
	src            *rand.PCG
	height         int64 // height of the next block to be mined
	next           int64 // next height whose timestamp matters (epoch first or last block)
	bits           uint32
	difficulty     float64
	hashesPerBlock float64 // D·2^32
	timeS          float64 // continuous time since the start of the path, s
	epochFirstTS   int64   // timestamp of the current epoch's first block, s
	events         []retargetEvent
}

// newChain starts a chain whose tip, block height−1, was mined at time 0.
// If height is inside an epoch, the epoch's first block is assumed to have
// come on schedule, (height mod 2016 − 1)·600 s before the tip.
func newChain(p *chaincfg.Params, engine string, src *rand.PCG, height int64, bits uint32) *chain {
	c := &chain{params: p, engine: engine, src: src, height: height}
	c.setBits(bits)
	if r := height % retargetInterval; r > 0 {
		c.epochFirstTS = -(r - 1) * int64(economics.TargetBlockIntervalS)
	}
	c.next = nextMarkedHeight(height)
	return c
}

func (c *chain) setBits(bits uint32) {
	c.bits = bits
	c.difficulty = consensus.DifficultyFromBits(bits)
	c.hashesPerBlock = c.difficulty * economics.HashesPerDifficulty
}

// nextMarkedHeight returns the first height ≥ h that is an epoch's first
// (h mod 2016 = 0) or last (h mod 2016 = 2015) block.
func nextMarkedHeight(h int64) int64 {
	switch r := h % retargetInterval; r {
	case 0, retargetInterval - 1:
		return h
	default:
		return h - r + retargetInterval - 1
	}
}

// mark handles the block at height c.height−1, mined at time t: it records
// the epoch's first timestamp or retargets at the epoch's last block.
func (c *chain) mark(t float64) {
	h := c.height - 1
	ts := int64(math.Floor(t))
	if h%retargetInterval == 0 {
		c.epochFirstTS = ts
	} else {
		r := consensus.NextWorkRequired(c.params, c.bits, c.epochFirstTS, ts)
		old := c.difficulty
		c.setBits(r.Bits)
		c.events = append(c.events, retargetEvent{epochDurationS: ts - c.epochFirstTS, lastTS: ts, oldDifficulty: old, newDifficulty: c.difficulty})
	}
	c.next = nextMarkedHeight(c.height)
}

// advance runs the chain for durationS seconds at a constant hashrate and
// returns the number of blocks mined. Retargets inside the piece change the
// block rate at once; they are appended to c.events.
func (c *chain) advance(durationS, hashrateHs float64) int64 {
	start := c.height
	if hashrateHs > 0 && durationS > 0 {
		if c.engine == EngineFast {
			c.advanceFast(durationS, hashrateHs)
		} else {
			c.advanceBlock(durationS, hashrateHs)
		}
	}
	c.timeS += durationS
	return c.height - start
}

// advanceBlock draws every block: w accumulates the hashes spent since the
// piece began, Exp(1)·D·2^32 per block, until it passes H·duration. The
// exponential in progress at the end of the piece is dropped; by the
// memoryless property the next piece may start a fresh one.
func (c *chain) advanceBlock(durationS, hashrateHs float64) {
	src := c.src
	t0 := c.timeS
	wEnd := hashrateHs * durationS
	w := 0.0
	h, next, hpb := c.height, c.next, c.hashesPerBlock
	for {
		w += expPCG(src) * hpb
		if w >= wEnd {
			break
		}
		h++
		if h > next {
			c.height = h
			c.mark(t0 + w/hashrateHs)
			next, hpb = c.next, c.hashesPerBlock
		}
	}
	c.height = h
}

// advanceFast draws, for what is left of the piece, the Poisson number of
// blocks N ~ Poisson(H·Δt/(D·2^32)). If fewer than R blocks are needed to
// reach the next marked height, the piece ends with N more blocks. Otherwise
// the R-th of the N arrivals, which are uniform on the piece, falls at
// t + Δt·B with B ~ Beta(R, N−R+1) (the R-th order statistic of N uniforms);
// the chain marks that block and, the R-th arrival being a stopping time,
// starts a fresh Poisson process for the rest of the piece at the new
// difficulty. Each piece costs O(1 + retargets in it) draws.
func (c *chain) advanceFast(durationS, hashrateHs float64) {
	t := c.timeS
	end := c.timeS + durationS
	for t < end {
		lambda := hashrateHs * (end - t) / c.hashesPerBlock
		n := int64(distuv.Poisson{Lambda: lambda, Src: c.src}.Rand())
		need := c.next - c.height + 1
		if n < need {
			c.height += n
			return
		}
		b := distuv.Beta{Alpha: float64(need), Beta: float64(n - need + 1), Src: c.src}.Rand()
		t += (end - t) * b
		c.height += need
		c.mark(t)
	}
}

// subsidySat returns the subsidy of the blocks at heights [from, to),
// exact across halvings.
func subsidySat(p *chaincfg.Params, from, to int64) int64 {
	var sum int64
	interval := int64(p.SubsidyReductionInterval)
	for h := from; h < to; {
		eraEnd := (h/interval + 1) * interval
		if eraEnd > to {
			eraEnd = to
		}
		sum += (eraEnd - h) * consensus.BlockSubsidy(p, h)
		h = eraEnd
	}
	return sum
}

// bitsForDifficulty returns the compact bits of the target diff1Target/d.
// The compact form truncates the target, so the bits' difficulty is d
// rounded up by less than 2^−15 relative.
func bitsForDifficulty(p *chaincfg.Params, d float64) (uint32, error) {
	if !(d >= 1) || math.IsInf(d, 0) {
		return 0, fmt.Errorf("difficulty must be ≥ 1, got %g", d)
	}
	diff1, _, _ := consensus.CompactToTarget(p.PowLimitBits)
	t := new(big.Float).SetInt(diff1)
	t.Quo(t, big.NewFloat(d))
	target, _ := t.Int(nil)
	if target.Sign() <= 0 {
		return 0, fmt.Errorf("difficulty %g is beyond the 256-bit target range", d)
	}
	return consensus.TargetToCompact(target), nil
}
