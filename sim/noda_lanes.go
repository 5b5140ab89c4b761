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

	var (
		grids                    [nodaLanes][]float64
		w, s, aw, invUW, elapsed [nodaLanes]float64
		acc, sum, sumSq, maxB    [nodaLanes]float64
		lastS, lastW             [nodaLanes]float64
		done                     [nodaLanes]bool
		simulated                [nodaLanes]int
	)
	setW := func(l int, nw float64) {
		w[l] = nw
		aw[l] = m.HashSlope * nw * m.BlockReward
		invUW[l] = 1 / (m.HashUbd * nw * 60)
	}
	active := 0
	for l := range runs {
		if l >= n {
			done[l] = true
			continue
		}
		runs[l].reset(seed, idx[l])
		grids[l] = runs[l].grid
		setW(l, m.PrevWinningRate)
		s[l], lastS[l], lastW[l] = m.PrevPrice, m.PrevPrice, m.PrevWinningRate
		acc[l] = m.PrevBlockTime * float64(t0-(nextRetarget-tbtc+1))
		active++
	}
	drift, vol := m.Mu*m.BTarget, m.Sigma*math.Sqrt(m.BTarget)
	for i := 0; i < maxBlocks && active > 0; i++ {
		t := t0 + i
		for l := range runs {
			if done[l] {
				continue
			}
			run := runs[l]
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
				grids[l][f] = grids[l][f-1] * (1 + drift + vol*z)
				run.filled = f + 1
			}
			y := c - aw[l]*s[l]
			var b float64
			if y > -sigmoidRange && y < sigmoidRange {
				// nodaBlockTime(y, e·invUW), written out: the call would
				// spill the lane's registers on the hottest line of the
				// package.
				eI := e * invUW[l]
				tt := y*expInvStep + expShifter
				n := int64(math.Float64bits(tt))
				kf := tt - expShifter
				r := (y - kf*expStepHi) - kf*expStepLo
				r2 := r * r
				q := r + r2*((1.0/2+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
				eIts := eI * (expTable[n&63] * math.Float64frombits(uint64(1023+(n<<12>>12)>>6)<<52))
				b = eI + (eIts + eIts*q)
			} else {
				b = e / (m.HashUbd * nodaSigmoid(-y) * w[l] * 60)
			}
			elapsed[l] += b
			if i > 0 {
				sum[l] += b
				sumSq[l] += b * b
				if b > maxB[l] {
					maxB[l] = b
				}
			}
			if i > 0 && (!(elapsed[l] < timeUbd) || i == maxBlocks-1) {
				lastS[l], lastW[l] = s[l], w[l] // the last reported block's
			}
			if !(elapsed[l] < timeUbd) {
				done[l] = true
				simulated[l] = i + 1
				active--
				continue
			}
			g := elapsed[l] * invBT
			left := min(int(g), lastLeft)
			for left+1 >= run.filled {
				run.extendGrid()
			}
			grid := grids[l]
			pl := grid[left]
			s[l] = pl + (grid[left+1]-pl)*(g-float64(left))
			acc[l] += b
		}
		if t == nextRetarget {
			for l := range runs {
				if !done[l] {
					setW(l, w[l]*(acc[l]/(float64(tbtc)*m.BTarget)))
					acc[l] = 0
				}
			}
			nextRetarget += tbtc
		}
	}
	var out [nodaLanes]NodaPathStats
	for l := 0; l < n; l++ {
		if !done[l] {
			simulated[l] = maxBlocks
		}
		st := &out[l]
		st.Simulated = simulated[l]
		st.Blocks = max(0, simulated[l]-1)
		if nb := float64(st.Blocks); nb > 0 {
			st.MeanBlockTimeMin = sum[l] / nb
			st.MaxBlockTimeMin = maxB[l]
			st.FinalWinningRate, st.FinalHashRateEHs = lastW[l], m.nodaHash(lastS[l], lastW[l])
			if nb > 1 {
				st.StdBlockTimeMin = math.Sqrt(max(0, (sumSq[l]-sum[l]*sum[l]/nb)/(nb-1)))
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
