package sim

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// DAA-1 runs are advanced nodaBatch at a time, in nodaBatchGroups groups of
// four lanes. One run is a serial chain of floating-point latency (price →
// sigmoid → block time → elapsed time → grid position → price, about 100
// cycles a block), so a core is kept busy by many independent runs: on
// amd64 with AVX2 a group is one 256-bit vector and the groups are
// interleaved block by block (nodaChainAVX2), elsewhere nodaChainGo runs
// the same arithmetic lane by lane. The random draws do not depend on the
// chain: the price walks are drawn whole before the runs start and the
// Exp(1) draws a chunk at a time, four streams to a vector
// (nodaFillGridAVX2, nodaFillExpAVX2), on each run's own streams and in the
// order simulate draws them, so every run returns exactly what NodaPath
// returns for it (TestNodaLanesMatchSingle).
const (
	nodaGroupLanes  = 4
	nodaBatchGroups = 4
	nodaBatch       = nodaGroupLanes * nodaBatchGroups
	// nodaExpChunk is how many blocks' Exp(1) draws are made before the
	// chain runs over them: nodaBatch × 256 × 8 bytes stays in L1.
	nodaExpChunk = 256
)

// nodaGroup is four lanes' state, one field per vector; the AVX2 kernel
// reads it through go_asm.h offsets, so the field order is free but every
// field is 32 bytes. Masks hold all-ones (true) or zero bits.
type nodaGroup struct {
	s         [4]float64 // S, the price the next block sees, USD
	aw        [4]float64 // hash_slope·W·block_reward
	invUW     [4]float64 // 1/(hash_ubd·W·60)
	w         [4]float64 // W, blocks per EH
	elapsed   [4]float64 // minutes since the first simulated block began
	acc       [4]float64 // block times summed since the DAA-1 window began, min
	sum       [4]float64 // Σ B over the reported blocks, min
	sumSq     [4]float64 // Σ B², min²
	maxB      [4]float64 // the longest reported B, min
	lastS     [4]float64 // S of the last reported block
	lastW     [4]float64 // W of the last reported block
	simulated [4]float64 // blocks simulated when the run crossed the horizon
	active    [4]uint64  // mask: the run has not crossed the horizon
	gridBase  [4]int32   // index of the lane's P_0 in the batch's grid; P_k is 4k further
	_         [4]int32
}

// nodaChainConsts are the kernel's parameters, each broadcast to a vector.
type nodaChainConsts struct {
	c          [4]float64 // hash_slope·hash_center: y = c − aw·S
	timeUbd    [4]float64 // the horizon, length·b_target minutes
	invBT      [4]float64 // 1/b_target
	lastLeft   [4]float64 // length − 1, the last left grid index
	hashUbd    [4]float64
	sixty      [4]float64
	sigLo      [4]float64 // the peer's clip values of the sigmoid
	sigHi      [4]float64
	sigRange   [4]float64 // sigmoidRange
	absMask    [4]uint64
	expInvStep [4]float64 // the exponential's constants (noda_exp.go)
	expShifter [4]float64
	expStepHi  [4]float64
	expStepLo  [4]float64
	poly2      [4]float64 // 1/2, 1/6, 1/24, 1/120
	poly3      [4]float64
	poly4      [4]float64
	poly5      [4]float64
	low6       [4]uint64 // 63: the table index mask
	bias       [4]uint64 // 1023, the exponent bias
	one        [4]float64
	statsOn    [4]uint64  // mask: the blocks of this call are reported (i > 0)
	firstBlock [4]float64 // i + 1 of this call's first block
	table      *float64   // &expTable[0]
}

func newNodaChainConsts(m *NodaModel) *nodaChainConsts {
	k := &nodaChainConsts{table: &expTable[0]}
	for l := range 4 {
		k.c[l] = m.HashSlope * m.HashCenter
		k.timeUbd[l] = float64(m.Length) * m.BTarget
		k.invBT[l] = 1 / m.BTarget
		k.lastLeft[l] = float64(m.Length - 1)
		k.hashUbd[l] = m.HashUbd
		k.sixty[l] = 60
		k.sigLo[l], k.sigHi[l] = 1e-15, 1.0-1e-15
		k.sigRange[l] = sigmoidRange
		k.absMask[l] = math.MaxInt64
		k.expInvStep[l], k.expShifter[l] = expInvStep, expShifter
		k.expStepHi[l], k.expStepLo[l] = expStepHi, expStepLo
		k.poly2[l], k.poly3[l], k.poly4[l], k.poly5[l] = 1.0/2, 1.0/6, 1.0/24, 1.0/120
		k.low6[l], k.bias[l] = 63, 1023
		k.one[l] = 1
	}
	return k
}

// nodaChainGo advances the active lanes of groups by nblocks blocks, block
// i of group g reading its draw from exps[(i·len(groups) + g)·4 + lane] and
// its prices P_k from grid[gridBase + 4k]: per block, what simulate does for
// rule btc between two retargets. A lane that crosses the horizon records
// its count and its last reported block and stops. nodaChainAVX2 is the
// same arithmetic on four lanes at once and must return the same bits.
func nodaChainGo(groups []nodaGroup, k *nodaChainConsts, exps, grid []float64, nblocks int) {
	blockPlus1 := k.firstBlock[0]
	statsOn := k.statsOn[0] != 0
	for i := range nblocks {
		for g := range groups {
			gr := &groups[g]
			for l := range 4 {
				if gr.active[l] == 0 {
					continue
				}
				e := exps[(i*len(groups)+g)*4+l]
				s, w := gr.s[l], gr.w[l]
				y := k.c[l] - float64(gr.aw[l]*s)
				b := nodaBlock(y, e, w, gr.invUW[l], k.hashUbd[l])
				elapsed := gr.elapsed[l] + b
				gr.elapsed[l] = elapsed
				if statsOn {
					gr.sum[l] += b
					gr.sumSq[l] += float64(b * b)
					if b > gr.maxB[l] {
						gr.maxB[l] = b
					}
				}
				if !(elapsed < k.timeUbd[l]) {
					if statsOn {
						gr.lastS[l], gr.lastW[l] = s, w
					}
					gr.simulated[l] = blockPlus1
					gr.active[l] = 0
					continue
				}
				pos := float64(elapsed * k.invBT[l])
				left := math.Trunc(min(pos, k.lastLeft[l]))
				at := int(gr.gridBase[l]) + 4*int(left)
				pl := grid[at]
				gr.s[l] = pl + float64((grid[at+4]-pl)*(pos-left))
				gr.acc[l] += b
			}
		}
		blockPlus1++
	}
}

// nodaStreams4 is four xoshiro256++ states, word-major (s[w][lane]) so
// that each word of the four lanes is one vector.
type nodaStreams4 [4][4]uint64

// load sets lane j to src's state.
func (st *nodaStreams4) load(j int, src interface{ MarshalBinary() ([]byte, error) }) {
	b, _ := src.MarshalBinary() // cannot fail
	for w := range 4 {
		st[w][j] = binary.BigEndian.Uint64(b[8*w:])
	}
}

// next returns lane j's next word: one step of xoshiro256++, as gonum's
// prng.Xoshiro256plusplus.Uint64 takes it (TestNodaStreams4).
func (st *nodaStreams4) next(j int) uint64 {
	s0, s1, s2, s3 := st[0][j], st[1][j], st[2][j], st[3][j]
	out := bits.RotateLeft64(s0+s3, 23) + s0
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	st[0][j], st[1][j], st[2][j], st[3][j] = s0, s1, s2, bits.RotateLeft64(s3, 45)
	return out
}

// nodaFillExpGo writes n blocks' Exp(1) draws of the four lanes of st to
// out[i·stride + lane].
func nodaFillExpGo(st *nodaStreams4, out []float64, stride, n int) {
	for i := range n {
		for j := range 4 {
			out[i*stride+j] = nodaExp(st.next(j))
		}
	}
}

// nodaFillGridGo draws the four lanes' price walks P_1 … P_{points−1} into
// grid[4k + lane], from P_0 in grid[0:4], as extendGrid draws one.
func nodaFillGridGo(st *nodaStreams4, grid []float64, points int, growth, vol float64) {
	for k := 1; k < points; k += 2 {
		for j := range 4 {
			w1 := st.next(j)
			w2 := st.next(j)
			z0, z1 := nodaNormals(w1, w2)
			p := grid[4*(k-1)+j] * (growth + float64(vol*z0))
			grid[4*k+j] = p
			if k+1 < points {
				grid[4*(k+1)+j] = p * (growth + float64(vol*z1))
			}
		}
	}
}

// nodaChain, nodaFillExp and nodaFillGrid are the kernels nodaBatchBuf
// uses: the AVX2 ones where the CPU has AVX2, else the Go ones.
var (
	nodaChain    = nodaChainGo
	nodaFillExp  = nodaFillExpGo
	nodaFillGrid = nodaFillGridGo
)

// nodaFloor is issue 16's floor for this model: per block only what no
// run can skip, one Exp(1) draw and one sigmoid, with the kernels the
// batches use (nodaFillExp; the chain's exponential in nodaSigmoidSum),
// for blocks × nodaBatch draws from the streams st. It returns the sum of
// e·(1 + e^{1−e}) so that nothing is optimised away; its order of
// summation is the kernel's own. BenchmarkNodaSideBySide reports
// hashfall's speed as a fraction of it.
func nodaFloor(st *[nodaBatchGroups]nodaStreams4, exps []float64, k *nodaChainConsts, blocks int) float64 {
	sum := 0.0
	for i := 0; i < blocks; i += nodaExpChunk {
		n := min(nodaExpChunk, blocks-i)
		for g := range st {
			nodaFillExp(&st[g], exps[4*g:], nodaBatch, n)
		}
		sum += nodaSigmoidSum(exps[:n*nodaBatch], k)
	}
	return sum
}

// nodaSigmoidSum is nodaFloor's sigmoid half: nodaSigmoidSumAVX2 where the
// CPU has AVX2, else nodaSigmoidSumGo.
var nodaSigmoidSum = func(exps []float64, _ *nodaChainConsts) float64 { return nodaSigmoidSumGo(exps) }

// nodaSigmoidSumGo is Σ e·(1 + e^{1−e}) by nodaBlockTime.
func nodaSigmoidSumGo(exps []float64) float64 {
	sum := 0.0
	for _, e := range exps {
		sum += nodaBlockTime(1-e, e)
	}
	return sum
}

// nodaBatchBuf is the reusable state of one batch of DAA-1 runs.
type nodaBatchBuf struct {
	m      *NodaModel
	grid   []float64 // group g's walks from 4·g·(length+1), lanes interleaved
	exps   []float64 // nodaExpChunk blocks × nodaBatch lanes
	groups [nodaBatchGroups]nodaGroup
	prices [nodaBatchGroups]nodaStreams4
	draws  [nodaBatchGroups]nodaStreams4
	k      *nodaChainConsts
}

func newNodaBatchBuf(m *NodaModel) *nodaBatchBuf {
	return &nodaBatchBuf{
		m:    m,
		grid: make([]float64, nodaBatch*(m.Length+1)),
		exps: make([]float64, nodaExpChunk*nodaBatch),
		k:    newNodaChainConsts(m),
	}
}

// run runs paths idx (at most nodaBatch) of rule btc on seed's streams
// and returns their statistics in out.
func (bb *nodaBatchBuf) run(seed uint64, idx []int, out []NodaPathStats) {
	m, k := bb.m, bb.k
	maxBlocks := m.Length * m.UbdParam
	t0 := nodaPresim - 1
	nextRetarget, acc0 := m.nodaDAA1Start()
	setW := func(gr *nodaGroup, l int, nw float64) {
		gr.w[l] = nw
		gr.aw[l], gr.invUW[l] = m.nodaRates(nw)
	}
	points := m.Length + 1
	for g := range bb.groups {
		bb.groups[g] = nodaGroup{}
		bb.prices[g], bb.draws[g] = nodaStreams4{}, nodaStreams4{}
	}
	for l := range nodaBatch {
		gr, j := bb.lane(l)
		g := l / nodaGroupLanes
		gr.gridBase[j] = int32(4*g*points + j)
		bb.grid[gr.gridBase[j]] = m.InitPrice - m.PriceShock
		if l >= len(idx) {
			continue
		}
		bb.prices[g].load(j, nodaStream(seed, 2*uint64(idx[l])))
		bb.draws[g].load(j, nodaStream(seed, 2*uint64(idx[l])+1))
		setW(gr, j, m.PrevWinningRate)
		gr.s[j], gr.lastS[j], gr.lastW[j] = m.PrevPrice, m.PrevPrice, m.PrevWinningRate
		gr.acc[j] = acc0
		gr.active[j] = ^uint64(0)
	}
	growth, vol := nodaWalk(m)
	for g := range bb.groups {
		if 4*g < len(idx) {
			nodaFillGrid(&bb.prices[g], bb.grid[4*g*points:4*(g+1)*points], points, growth, vol)
		}
	}
	for i := 0; i < maxBlocks; {
		if i == maxBlocks-1 { // the last period: its block is the last reported
			bb.eachActive(func(gr *nodaGroup, j int) { gr.lastS[j], gr.lastW[j] = gr.s[j], gr.w[j] })
		}
		end := min(i+nodaExpChunk, nextRetarget-t0+1, maxBlocks)
		switch {
		case i == 0:
			end = 1 // the unreported first block
		case i < maxBlocks-1:
			end = min(end, maxBlocks-1)
		}
		running := false
		for g := range bb.groups {
			if a := &bb.groups[g].active; a[0]|a[1]|a[2]|a[3] != 0 {
				running = true
				nodaFillExp(&bb.draws[g], bb.exps[4*g:], nodaBatch, end-i)
			}
		}
		if !running {
			break
		}
		stats := uint64(0)
		if i > 0 {
			stats = ^uint64(0)
		}
		for l := range 4 {
			k.statsOn[l], k.firstBlock[l] = stats, float64(i+1)
		}
		nodaChain(bb.groups[:], k, bb.exps, bb.grid, end-i)
		i = end
		if t0+i-1 == nextRetarget {
			bb.eachActive(func(gr *nodaGroup, j int) {
				setW(gr, j, m.nodaRetarget(gr.w[j], gr.acc[j]))
				gr.acc[j] = 0
			})
			nextRetarget += m.TBTC
		}
	}
	for l := range idx {
		gr, j := bb.lane(l)
		simulated := int(gr.simulated[j])
		if gr.active[j] != 0 {
			simulated = maxBlocks
		}
		out[l] = m.nodaStats(simulated, gr.sum[j], gr.sumSq[j], gr.maxB[j], gr.lastS[j], gr.lastW[j])
	}
}

// lane returns lane l's group and its place in it.
func (bb *nodaBatchBuf) lane(l int) (*nodaGroup, int) {
	return &bb.groups[l/nodaGroupLanes], l % nodaGroupLanes
}

// eachActive calls f for every lane of the batch that is still running.
func (bb *nodaBatchBuf) eachActive(f func(gr *nodaGroup, j int)) {
	for l := range nodaBatch {
		if gr, j := bb.lane(l); gr.active[j] != 0 {
			f(gr, j)
		}
	}
}

// nodaPaths fills out[i−from] with the statistics of path i in [from, to)
// on the calling goroutine: DAA-1 runs in batches, the other rules one by
// one. bb, if not nil, is a reused newNodaBatchBuf(m).
func nodaPaths(m *NodaModel, seed uint64, from, to int, out []NodaPathStats, bb *nodaBatchBuf) {
	if m.Rule != NodaRuleBTC {
		for i := from; i < to; i++ {
			out[i-from] = NodaPath(m, seed, i)
		}
		return
	}
	if bb == nil {
		bb = newNodaBatchBuf(m)
	}
	var idx [nodaBatch]int
	for i := from; i < to; i += nodaBatch {
		n := min(nodaBatch, to-i)
		for l := range n {
			idx[l] = i + l
		}
		bb.run(seed, idx[:n], out[i-from:i-from+n])
	}
}
