package sim

import "math"

// nodaLanes is how many DAA-1 runs nodaBTCLanes advances together. One run
// is a single chain of dependent floating-point latency (elapsed time →
// price → sigmoid → block time → elapsed time, about 100 cycles a block),
// so one run leaves most of a core idle; interleaving independent runs
// block by block lets the CPU overlap their chains.
const nodaLanes = 4

// nodaBTCLanes runs up to nodaLanes DAA-1 runs (rule btc), run l on the
// stream PCG(seed, idx[l]), and returns what simulate would return for
// each: the operations of each lane are simulate's, in the same order, so
// the results are identical bit for bit (TestNodaLanesMatchSingle). n is
// the number of lanes in use.
func (m *NodaModel) nodaBTCLanes(runs *[nodaLanes]*nodaRun, seed uint64, idx [nodaLanes]int, n int) [nodaLanes]NodaPathStats {
	timeUbd := float64(m.Length) * m.BTarget
	maxBlocks := m.Length * m.UbdParam
	t0 := nodaPresim - 1
	tbtc := m.TBTC
	nextRetarget := t0 + (tbtc-(m.InitHeight+t0)%tbtc)%tbtc
	invBT := 1 / m.BTarget
	lastLeft := m.Length - 1
	c := m.HashSlope * m.HashCenter
	drift, vol := m.Mu*m.BTarget, m.Sigma*math.Sqrt(m.BTarget)

	// One lane's state, contiguous so that a lane-block touches one or two
	// cache lines.
	type lane struct {
		s, w, aw, invUW, elapsed float64
		acc, sum, sumSq, maxB    float64
		lastS, lastW             float64
		run                      *nodaRun
		grid                     []float64
		simulated                int
		done                     bool
	}
	var lanes [nodaLanes]lane
	setW := func(ln *lane, nw float64) {
		ln.w = nw
		ln.aw = m.HashSlope * nw * m.BlockReward
		ln.invUW = 1 / (m.HashUbd * nw * 60)
	}
	active := 0
	for l := range lanes {
		ln := &lanes[l]
		if l >= n {
			ln.done = true
			continue
		}
		ln.run = runs[l]
		ln.run.reset(seed, idx[l])
		ln.grid = ln.run.grid
		setW(ln, m.PrevWinningRate)
		ln.s, ln.lastS, ln.lastW = m.PrevPrice, m.PrevPrice, m.PrevWinningRate
		ln.acc = m.PrevBlockTime * float64(t0-(nextRetarget-tbtc+1))
		active++
	}
	for i := 0; i < maxBlocks && active > 0; i++ {
		t := t0 + i
		if i == maxBlocks-1 { // the last period: its block is the last reported
			for l := range lanes {
				if ln := &lanes[l]; !ln.done {
					ln.lastS, ln.lastW = ln.s, ln.w
				}
			}
		}
		for l := range lanes {
			ln := &lanes[l]
			if ln.done {
				continue
			}
			run := ln.run
			// The draws are made here, one per block, rather than in
			// chunks: they do not depend on the lane's chain, so the CPU
			// runs them while the chain waits.
			u := run.srcExp.Uint64()
			var e float64
			if zj, zi := uint32(u), uint8(u>>32); zj < zigK[zi] {
				e = float64(zj) * zigW[zi]
			} else {
				e = expFrom(run.srcExp, u)
			}
			if f := run.filled; f <= m.Length {
				u := run.srcPrice.Uint64()
				zj := int32(u)
				zi := (u >> 32) & 0x7f
				aj := uint32(zj)
				if zj < 0 {
					aj = uint32(-zj)
				}
				z := float64(zj) * zigNormW[zi]
				if aj >= zigNormK[zi] {
					z = normFrom(run.srcPrice, u)
				}
				ln.grid[f] = ln.grid[f-1] * (1 + drift + vol*z)
				run.filled = f + 1
			}
			y := c - ln.aw*ln.s
			var b float64
			if y > -sigmoidRange && y < sigmoidRange {
				// nodaBlockTime(y, e·invUW), written out: the call would
				// spill the lane's registers on the hottest line of the
				// package.
				eI := e * ln.invUW
				tt := y*expInvStep + expShifter
				n := int64(math.Float64bits(tt))
				kf := tt - expShifter
				r := (y - kf*expStepHi) - kf*expStepLo
				r2 := r * r
				q := r + r2*((1.0/2+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
				eIts := eI * (expTable[n&63] * math.Float64frombits(uint64(1023+(n<<12>>12)>>6)<<52))
				b = eI + (eIts + eIts*q)
			} else {
				b = e / (m.HashUbd * nodaSigmoid(-y) * ln.w * 60)
			}
			elapsed := ln.elapsed + b
			ln.elapsed = elapsed
			if i > 0 {
				ln.sum += b
				ln.sumSq += b * b
				if b > ln.maxB {
					ln.maxB = b
				}
			}
			if !(elapsed < timeUbd) {
				if i > 0 {
					ln.lastS, ln.lastW = ln.s, ln.w // the last reported block's
				}
				ln.done = true
				ln.simulated = i + 1
				active--
				continue
			}
			g := elapsed * invBT
			left := min(int(g), lastLeft)
			for left+1 >= run.filled {
				run.extendGrid()
			}
			grid := ln.grid
			pl := grid[left]
			ln.s = pl + (grid[left+1]-pl)*(g-float64(left))
			ln.acc += b
		}
		if t == nextRetarget {
			for l := range lanes {
				if ln := &lanes[l]; !ln.done {
					setW(ln, ln.w*(ln.acc/(float64(tbtc)*m.BTarget)))
					ln.acc = 0
				}
			}
			nextRetarget += tbtc
		}
	}
	var out [nodaLanes]NodaPathStats
	for l := 0; l < n; l++ {
		ln := &lanes[l]
		if !ln.done {
			ln.simulated = maxBlocks
		}
		st := &out[l]
		st.Simulated = ln.simulated
		st.Blocks = max(0, ln.simulated-1)
		if nb := float64(st.Blocks); nb > 0 {
			st.MeanBlockTimeMin = ln.sum / nb
			st.MaxBlockTimeMin = ln.maxB
			st.FinalWinningRate, st.FinalHashRateEHs = ln.lastW, m.nodaHash(ln.lastS, ln.lastW)
			if nb > 1 {
				st.StdBlockTimeMin = math.Sqrt(max(0, (ln.sumSq-ln.sum*ln.sum/nb)/(nb-1)))
			}
		}
	}
	return out
}

// newNodaLaneRuns allocates the buffers of nodaLanes runs of m.
func newNodaLaneRuns(m *NodaModel) *[nodaLanes]*nodaRun {
	var runs [nodaLanes]*nodaRun
	for l := range runs {
		runs[l] = m.newRun(nil, 0, 0)
	}
	return &runs
}

// nodaPaths fills out[i−from] with the statistics of path i in [from, to)
// on the calling goroutine: DAA-1 runs in lanes, the other rules one by
// one. runs, if not nil, are reused buffers from newNodaLaneRuns(m).
func nodaPaths(m *NodaModel, seed uint64, from, to int, out []NodaPathStats, runs *[nodaLanes]*nodaRun) {
	if m.Rule != NodaRuleBTC {
		for i := from; i < to; i++ {
			out[i-from] = NodaPath(m, seed, i)
		}
		return
	}
	if runs == nil {
		runs = newNodaLaneRuns(m)
	}
	for i := from; i < to; i += nodaLanes {
		var idx [nodaLanes]int
		n := min(nodaLanes, to-i)
		for l := 0; l < n; l++ {
			idx[l] = i + l
		}
		res := m.nodaBTCLanes(runs, seed, idx, n)
		copy(out[i-from:], res[:n])
	}
}
