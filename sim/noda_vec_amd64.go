package sim

import (
	"math"

	"golang.org/x/sys/cpu"
)

// nodaChainAVX2 is nodaChainGo on four lanes at once: each nodaGroup is
// one 256-bit vector per field, and the groups are interleaved block by
// block so that their dependency chains overlap. Lanes that have crossed
// the horizon are masked; rare cases branch out of the vector path (a
// sigmoid beyond the peer's clip, a lane finishing). It needs AVX2.
//
//go:noescape
func nodaChainAVX2(groups *nodaGroup, ngroups int, k *nodaChainConsts, exps *float64, grid *float64, nblocks int)

// nodaFillExpAVX2 is nodaFillExpGo with the four streams in one vector;
// stride is in elements.
//
//go:noescape
func nodaFillExpAVX2(st *nodaStreams4, out *float64, stride, n int, k *nodaDrawConsts)

// nodaFillGridAVX2 is nodaFillGridGo with the four walks in one vector.
//
//go:noescape
func nodaFillGridAVX2(st *nodaStreams4, grid *float64, points int, growth, vol float64, k *nodaDrawConsts)

// nodaSigmoidSumAVX2 is nodaSigmoidSumGo over n vectors of draws, up to
// the order of summation (four running sums, added at the end).
//
//go:noescape
func nodaSigmoidSumAVX2(exps *float64, n int, k *nodaChainConsts) float64

// nodaDrawConsts are the draw kernels' constants, each broadcast to a
// vector; noda_draw.go gives their meaning.
type nodaDrawConsts struct {
	one, halfUlp, two, half, minusTwo   [4]float64
	expBits, mantMask, halfExp, signBit [4]uint64
	kShift                              [4]uint64  // 2^52 as bits: 2^52 + e for a small integer e
	kBias                               [4]float64 // 2^52 + 1022
	sqrtHalf, ln2Hi, ln2Lo              [4]float64
	l1, l2, l3, l4, l5, l6, l7          [4]float64
	piOver4                             [4]float64
	sin0, sin1, sin2, sin3, sin4, sin5  [4]float64
	cos0, cos1, cos2, cos3, cos4, cos5  [4]float64
}

var nodaDraw = func() *nodaDrawConsts {
	k := new(nodaDrawConsts)
	for j := range 4 {
		k.one[j], k.halfUlp[j], k.two[j], k.half[j], k.minusTwo[j] = 1, 0x1p-53, 2, 0.5, -2
		k.expBits[j], k.mantMask[j], k.halfExp[j], k.signBit[j] = 0x3ff<<52, 1<<52-1, 0x3fe<<52, 1<<63
		k.kShift[j], k.kBias[j] = 0x433<<52, 0x1p52+1022
		k.sqrtHalf[j], k.ln2Hi[j], k.ln2Lo[j] = math.Sqrt2/2, logLn2Hi, logLn2Lo
		k.l1[j], k.l2[j], k.l3[j], k.l4[j], k.l5[j], k.l6[j], k.l7[j] = logL1, logL2, logL3, logL4, logL5, logL6, logL7
		k.piOver4[j] = math.Pi / 4
		k.sin0[j], k.sin1[j], k.sin2[j], k.sin3[j], k.sin4[j], k.sin5[j] = sinP0, sinP1, sinP2, sinP3, sinP4, sinP5
		k.cos0[j], k.cos1[j], k.cos2[j], k.cos3[j], k.cos4[j], k.cos5[j] = cosQ0, cosQ1, cosQ2, cosQ3, cosQ4, cosQ5
	}
	return k
}()

// nodaChainVec calls nodaChainAVX2 with nodaChainGo's arguments, after
// the bounds checks the assembly cannot make.
func nodaChainVec(groups []nodaGroup, k *nodaChainConsts, exps, grid []float64, nblocks int) {
	if nblocks <= 0 || len(groups) == 0 {
		return
	}
	if len(exps) < nblocks*len(groups)*nodaGroupLanes {
		panic("sim: nodaChainVec: too few draws")
	}
	last := 4 * (int(k.lastLeft[0]) + 1) // P_{length} of a lane, from its base
	for g := range groups {
		for _, base := range groups[g].gridBase {
			if base < 0 || int(base)+last >= len(grid) {
				panic("sim: nodaChainVec: a lane's walk is outside the grid")
			}
		}
	}
	nodaChainAVX2(&groups[0], len(groups), k, &exps[0], &grid[0], nblocks)
}

func nodaFillExpVec(st *nodaStreams4, out []float64, stride, n int) {
	if n <= 0 {
		return
	}
	if stride < 4 || len(out) < (n-1)*stride+4 {
		panic("sim: nodaFillExpVec: out too short")
	}
	nodaFillExpAVX2(st, &out[0], stride, n, nodaDraw)
}

func nodaFillGridVec(st *nodaStreams4, grid []float64, points int, growth, vol float64) {
	if points < 2 {
		return
	}
	if len(grid) < 4*points {
		panic("sim: nodaFillGridVec: grid too short")
	}
	nodaFillGridAVX2(st, &grid[0], points, growth, vol, nodaDraw)
}

func nodaSigmoidSumVec(exps []float64, k *nodaChainConsts) float64 {
	if len(exps) < 4 {
		return nodaSigmoidSumGo(exps)
	}
	return nodaSigmoidSumAVX2(&exps[0], len(exps)/4, k) + nodaSigmoidSumGo(exps[len(exps)/4*4:])
}

func init() {
	if cpu.X86.HasAVX2 {
		nodaChain, nodaFillExp, nodaFillGrid = nodaChainVec, nodaFillExpVec, nodaFillGridVec
		nodaSigmoidSum = nodaSigmoidSumVec
	}
}
