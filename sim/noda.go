package sim

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"gonum.org/v1/gonum/mathext/prng"

	"github.com/hashfall/hashfall/consensus"
)

// KindNoda is the model of Noda, Okumura and Hashimoto, "An Economic
// Analysis of Difficulty Adjustment Algorithms in Proof-of-Work Blockchain
// Systems" (SSRN 3410460), run exactly as their simulator
// (okuchap/DAA_Lucas, code/simulation_fixed_path.py) runs it.
const KindNoda = "noda"

// Rules of the Noda model: DAA-1 (Bitcoin) and DAA-2 (Bitcoin Cash).
const (
	NodaRuleBTC = "btc"
	NodaRuleBCH = "bch"
	// NodaRuleBTCCore is DAA-1 with Bitcoin Core's exact arithmetic
	// (consensus.NextWorkRequired on whole-second timestamps: the 2015
	// intervals, the ×4 clamp, compact bits); not in the paper, it measures
	// what the exact rule changes.
	NodaRuleBTCCore = "btc-core"
)

// nodaPresim is the number of pre-simulation periods the peer always uses
// (its _initialization's presim_length): the history from which the first
// windows are summed.
const nodaPresim = 2016

// sigmoidRange is the peer's clip: beyond ±34.538776394910684 the sigmoid
// is 1e-15 or 1 − 1e-15.
const sigmoidRange = 34.538776394910684

// NodaModel holds every parameter of the Noda–Okumura–Hashimoto model under
// the paper's names and units (the peer's keyword arguments). Time is in
// minutes, hash rates in EH/s, the winning rate W in blocks per EH (the
// chance that 10^18 hashes find a block), the price S in USD per coin.
//
// Per block t, given S(t) and W(t):
//
//	H(t) = hash_ubd · σ(hash_slope · (S(t)·W(t)·block_reward − hash_center))   EH/s
//	B(t) = e(t) / (H(t)·W(t)·60)                                             min, e(t) ~ Exp(1)
//	σ(x) = 1/(1 + e^{−x}), clipped to 1e-15 and 1 − 1e-15 beyond |x| ≥ 34.5388
//
// S·W·M is the expected reward of one EH in USD, so hash_center is in USD
// per EH. The price is observed on a grid of b_target minutes,
//
//	P_{k+1} = P_k + mu·P_k·b_target + sigma·√b_target·Z_k·P_k,  P_0 = init_price − price_shock,
//
// (the peer's code: an Euler step whose disturbance is proportional to the
// price, although its README calls the walk arithmetic), and S(t+1) is P
// interpolated linearly at the time at which block t was found. After block
// t (if the horizon length·b_target minutes is not yet reached):
//
//	btc (DAA-1): if (init_height + t) mod t_btc = 0,
//	             W ← W · Σ_{s=t−t_btc+1..t} B(s) / (t_btc·b_target)   for the next t_btc blocks
//	bch (DAA-2): W(t+1) = (Σ_{s=t−t_bch+1..t} B(s)/b_target) / Σ_{s=t−t_bch+1..t} 1/W(s)
//
// Where DAA-1 differs from Bitcoin Core's rule (consensus.NextWorkRequired,
// which the default, bear, ai-pivot and exogenous scenarios keep exactly):
// it sums all t_btc block times (Core measures the 2015 intervals between
// an epoch's first and last timestamps); it has no ×4 / ÷4 clamp; W is a
// real number, not a target rounded to compact bits; and time is
// continuous minutes, not whole-second timestamps. Retargets fall where
// (init_height + t) mod t_btc = 0, i.e. with the peer's default height 551443
// the first one comes 942 blocks into the run.
//
// History: periods 0..2015 are the pre-simulation, flat at prev_price_usd,
// prev_block_time_min and prev_winning_rate. As in the peer, the first
// simulated block is period 2015 (it overwrites the last historical block
// time and counts towards the horizon) and is not reported; the reported
// blocks are 2016, 2017, … up to and including the block that crosses the
// horizon, at most length·ubd_param − 1 of them.
type NodaModel struct {
	Rule            string  `yaml:"rule"`                   // btc (DAA-1), bch (DAA-2) or btc-core (DAA-1 with Core's arithmetic)
	Length          int     `yaml:"length"`                 // blocks expected in the horizon; horizon = length·b_target min
	BTarget         float64 `yaml:"b_target_min"`           // target block time and price grid, min
	BlockReward     float64 `yaml:"block_reward"`           // M, coins per block
	HashUbd         float64 `yaml:"hash_ubd_ehs"`           // upper bound of the hash supply, EH/s
	HashSlope       float64 `yaml:"hash_slope"`             // slope of the sigmoid, per USD/EH
	HashCenter      float64 `yaml:"hash_center_usd_per_eh"` // centre of the sigmoid, USD/EH
	Mu              float64 `yaml:"mu_per_min"`             // drift of the price walk, per minute
	Sigma           float64 `yaml:"sigma_per_sqrt_min"`     // volatility of the price walk, per √minute
	InitPrice       float64 `yaml:"init_price_usd"`         // P_0 before the shock, USD
	PriceShock      float64 `yaml:"price_shock_usd"`        // subtracted from P_0, not from the history, USD
	TBTC            int     `yaml:"t_btc"`                  // DAA-1 window and period, blocks
	TBCH            int     `yaml:"t_bch"`                  // DAA-2 window, blocks
	InitHeight      int     `yaml:"init_height"`            // height of period 0, sets DAA-1's phase
	PrevPrice       float64 `yaml:"prev_price_usd"`         // flat pre-simulation price, USD
	PrevBlockTime   float64 `yaml:"prev_block_time_min"`    // flat pre-simulation block time, min
	PrevWinningRate float64 `yaml:"prev_winning_rate"`      // flat pre-simulation W, blocks per EH
	UbdParam        int     `yaml:"ubd_param"`              // at most length·ubd_param periods; price grid length
}

func (m *NodaModel) validate() error {
	if m.Rule != NodaRuleBTC && m.Rule != NodaRuleBCH && m.Rule != NodaRuleBTCCore {
		return bad("noda.rule", "unknown rule %q (want btc, bch or btc-core)", m.Rule)
	}
	if m.Rule == NodaRuleBTCCore && (m.TBTC != 2016 || m.BTarget != 10) {
		return bad("noda.rule", "btc-core is Bitcoin Core's rule: it needs t_btc 2016 and b_target_min 10, got %d and %g", m.TBTC, m.BTarget)
	}
	checks := []error{
		checkRange("noda.length", float64(m.Length), 1, 1e7),
		checkRange("noda.b_target_min", m.BTarget, 1e-3, 1e4),
		checkRange("noda.block_reward", m.BlockReward, 1e-9, 1e9),
		checkRange("noda.hash_ubd_ehs", m.HashUbd, 1e-9, 1e9),
		checkRange("noda.hash_slope", m.HashSlope, 0, 1e6),
		checkRange("noda.hash_center_usd_per_eh", m.HashCenter, -1e9, 1e9),
		checkRange("noda.mu_per_min", m.Mu, -0.01, 0.01),
		checkRange("noda.sigma_per_sqrt_min", m.Sigma, 0, 0.1),
		checkRange("noda.init_price_usd", m.InitPrice, 1e-9, 1e12),
		checkRange("noda.price_shock_usd", m.PriceShock, -1e12, 1e12),
		checkRange("noda.t_btc", float64(m.TBTC), 1, nodaPresim),
		checkRange("noda.t_bch", float64(m.TBCH), 1, nodaPresim),
		checkRange("noda.init_height", float64(m.InitHeight), 0, 1e9),
		checkRange("noda.prev_price_usd", m.PrevPrice, 1e-9, 1e12),
		checkRange("noda.prev_block_time_min", m.PrevBlockTime, 1e-9, 1e6),
		checkRange("noda.prev_winning_rate", m.PrevWinningRate, 1e-300, 1e300),
		checkRange("noda.ubd_param", float64(m.UbdParam), 2, 100),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if m.InitPrice-m.PriceShock <= 0 {
		return bad("noda.price_shock_usd", "leaves a start price of %g USD; it must stay positive", m.InitPrice-m.PriceShock)
	}
	return nil
}

// NodaBlock is one reported block of a Noda run.
type NodaBlock struct {
	BlockTimeMin float64 `json:"block_time_min"`
	WinningRate  float64 `json:"winning_rate_per_eh"`
	HashRateEHs  float64 `json:"hash_rate_ehs"`
	PriceUSD     float64 `json:"price_usd"`
}

// NodaPathStats are one run's totals over its reported blocks.
type NodaPathStats struct {
	Blocks           int     // reported blocks
	Simulated        int     // all simulated blocks, the unreported first one included
	MeanBlockTimeMin float64 // mean of B over the reported blocks
	StdBlockTimeMin  float64 // sample standard deviation (n − 1), as pandas' std
	MaxBlockTimeMin  float64 // the longest block interval
	FinalWinningRate float64 // W of the last reported block
	FinalHashRateEHs float64 // H of the last reported block
}

// NodaInputs are exogenous draws for one run, to replay another
// simulator's path: PriceGrid[k] is the price at k·b_target minutes and
// Exp[i] the Exp(1) draw of simulated block i (i = 0 is the unreported
// first block, the peer's period 2015).
type NodaInputs struct {
	PriceGrid []float64
	Exp       []float64
}

// nodaRun is one run's state. The hot loop reads the Exp(1) draws from a
// slice and the prices from a grid, so a replay and a run on hashfall's own
// random numbers execute the same code. On its own numbers, path i draws
// its price walk from stream 2i of the seed and its block draws from
// stream 2i+1 (nodaStream), as the peer seeds generate_prices and
// generate_exprvs separately; both are drawn in chunks as the run reaches
// them, so that what the loop reads was just written and is still in L1.
type nodaRun struct {
	m        *NodaModel
	grid     []float64 // P_k; grid[:filled] is drawn
	filled   int
	exps     []float64                // replay: every draw; own streams: the current chunk
	srcPrice *prng.Xoshiro256plusplus // nil when replaying
	srcExp   *prng.Xoshiro256plusplus
	trace    []NodaBlock
	record   bool
	err      error
}

// nodaChunk is how many Exp(1) draws or grid points a run on its own
// streams draws at a time: small enough to stay in L1, large enough that
// the refill's loop overhead vanishes. It is even, so that the normals,
// which come in pairs, never straddle two chunks.
const nodaChunk = 512

// nodaWalk returns the price walk's step factor P_{k+1}/P_k = growth +
// vol·Z_k: growth = 1 + mu·b_target, vol = sigma·√b_target.
func nodaWalk(m *NodaModel) (growth, vol float64) {
	return 1 + float64(m.Mu*m.BTarget), m.Sigma * math.Sqrt(m.BTarget)
}

// extendGrid draws the next chunk of the price walk (at most up to
// P_length): P_{k+1} = P_k·(1 + mu·b_target + sigma·√b_target·Z_k), the
// peer's P_k + mu·P_k·b_target + sigma·√b_target·Z_k·P_k factored (the same
// in exact arithmetic; replays use the peer's own grid). Z_k, Z_{k+1} are
// one Box–Muller pair for odd k; the second normal of the last pair of an
// even-length walk is dropped, as nodaFillGrid drops it. It is called only
// when the loop needs a point beyond grid[:filled], which a replay's full
// grid never does.
func (r *nodaRun) extendGrid() {
	growth, vol := nodaWalk(r.m)
	end := min(r.filled+nodaChunk, r.m.Length+1)
	grid := r.grid[:end]
	for k := r.filled; k < end; k += 2 {
		w1 := r.srcPrice.Uint64()
		w2 := r.srcPrice.Uint64()
		z0, z1 := nodaNormals(w1, w2)
		// The factor does not wait for P_k, so the walk's dependency chain
		// is one multiply a step.
		grid[k] = grid[k-1] * (growth + float64(vol*z0))
		if k+1 < end {
			grid[k+1] = grid[k] * (growth + float64(vol*z1))
		}
	}
	r.filled = end
}

// chunk returns the draws of blocks from, from+1, … (at most until limit).
func (r *nodaRun) chunk(from, limit int) []float64 {
	if r.srcExp == nil {
		if from >= len(r.exps) {
			r.err = fmt.Errorf("%d Exp(1) draws given; the run needs draw %d", len(r.exps), from)
			return nil
		}
		return r.exps[from:min(limit, len(r.exps))]
	}
	buf := r.exps[:min(nodaChunk, limit-from)]
	for k := range buf {
		buf[k] = nodaExp(r.srcExp.Uint64())
	}
	return buf
}

// nodaSigmoid is the peer's clipped logistic function.
func nodaSigmoid(x float64) float64 {
	if x <= -sigmoidRange {
		return 1e-15
	}
	if x >= sigmoidRange {
		return 1.0 - 1e-15
	}
	return 1.0 / (1.0 + math.Exp(-x))
}

// nodaHash is the hash supply H = hash_ubd·σ(hash_slope·(S·W·M − hash_center)), EH/s.
func (m *NodaModel) nodaHash(s, w float64) float64 {
	return m.HashUbd * nodaSigmoid(m.HashSlope*(float64(s*w*m.BlockReward)-m.HashCenter))
}

// nodaRates returns what the block time needs of the winning rate w:
// aw = hash_slope·W·block_reward (so that −y = aw·S − c) and
// invUW = 1/(hash_ubd·W·60).
func (m *NodaModel) nodaRates(w float64) (aw, invUW float64) {
	return m.HashSlope * w * m.BlockReward, 1 / (m.HashUbd * w * 60)
}

// nodaDAA1Start returns the period after which DAA-1 first retargets,
// where (init_height + t) mod t_btc = 0, and the block times its window
// already holds from the flat history before period t0 = 2015, min.
func (m *NodaModel) nodaDAA1Start() (nextRetarget int, acc float64) {
	t0, tbtc := nodaPresim-1, m.TBTC
	nextRetarget = t0 + (tbtc-(m.InitHeight+t0)%tbtc)%tbtc
	return nextRetarget, float64(m.PrevBlockTime * float64(t0-(nextRetarget-tbtc+1)))
}

// nodaRetarget is DAA-1: W ← W·ΣB/(t_btc·b_target), acc = ΣB in minutes.
func (m *NodaModel) nodaRetarget(w, acc float64) float64 {
	return w * (acc / (float64(m.TBTC) * m.BTarget))
}

// nodaStats are a run's statistics from its totals: simulated blocks (the
// first is not reported), Σ B, Σ B², the longest B, and S and W of the
// last reported block.
func (m *NodaModel) nodaStats(simulated int, sum, sumSq, maxB, lastS, lastW float64) NodaPathStats {
	st := NodaPathStats{Simulated: simulated, Blocks: max(0, simulated-1)}
	if n := float64(st.Blocks); n > 0 {
		st.MeanBlockTimeMin = sum / n
		st.MaxBlockTimeMin = maxB
		st.FinalWinningRate, st.FinalHashRateEHs = lastW, m.nodaHash(lastS, lastW)
		if n > 1 {
			st.StdBlockTimeMin = math.Sqrt(max(0, (sumSq-sum*sum/n)/(n-1)))
		}
	}
	return st
}

// winningRateFromBits is W = 10^18/(D·2^32) blocks per EH for the compact
// target bits (D the difficulty): one hash wins with probability 1/(D·2^32).
func winningRateFromBits(bits uint32) float64 {
	return 1e18 / (consensus.DifficultyFromBits(bits) * 4294967296)
}

// simulate runs the model once and returns its statistics.
func (r *nodaRun) simulate() NodaPathStats {
	m := r.m
	timeUbd := float64(m.Length) * m.BTarget
	maxBlocks := m.Length * m.UbdParam
	t0 := nodaPresim - 1
	w := m.PrevWinningRate
	s := m.PrevPrice
	elapsed := 0.0
	var sum, sumSq, maxB float64
	lastS, lastW := s, w

	// DAA-1: acc sums the block times since the window began.
	tbtc := m.TBTC
	nextRetarget, acc := m.nodaDAA1Start()
	// btc-core: compact bits and whole-second timestamps (the end of block
	// s is at minute Σ_{≤s} B; history blocks end 10 min apart before 0).
	core := m.Rule == NodaRuleBTCCore
	var bits uint32
	var firstTS int64
	epochFirst := nextRetarget - tbtc + 1
	if core {
		bits, _ = bitsForDifficulty(&chaincfg.MainNetParams, 1e18/(m.PrevWinningRate*4294967296))
		w = winningRateFromBits(bits)
		lastW = w
		if epochFirst < t0 {
			firstTS = int64(math.Floor(-float64(t0-1-epochFirst) * m.PrevBlockTime * 60))
		}
	}
	// DAA-2: ring buffers of the last t_bch block times and 1/W.
	bch := m.Rule == NodaRuleBCH
	var ringB, ringInvW []float64
	if bch {
		ringB = make([]float64, m.TBCH)
		ringInvW = make([]float64, m.TBCH)
		for k := range ringB {
			ringB[k] = m.PrevBlockTime
			ringInvW[k] = 1 / m.PrevWinningRate
		}
	}
	invBT := 1 / m.BTarget
	lastLeft := m.Length - 1
	// −y = hash_slope·(S·W·M − hash_center) = aw·S − c; invUW = 1/(hash_ubd·W·60).
	c := float64(m.HashSlope * m.HashCenter)
	var aw, invUW float64
	setW := func(nw float64) {
		w = nw
		aw, invUW = m.nodaRates(w)
	}
	setW(w)
	i := 0
run:
	for i < maxBlocks {
		draws := r.chunk(i, maxBlocks)
		if r.err != nil {
			break
		}
		for _, e := range draws {
			t := t0 + i
			y := c - float64(aw*s)
			b := nodaBlock(y, e, w, invUW, m.HashUbd)
			elapsed += b
			if i > 0 {
				sum += b
				sumSq += float64(b * b)
				if b > maxB { // a NaN b leaves it, as in the kernels
					maxB = b
				}
				lastS, lastW = s, w
				if r.record {
					r.trace = append(r.trace, NodaBlock{BlockTimeMin: b, WinningRate: w, HashRateEHs: m.nodaHash(s, w), PriceUSD: s})
				}
			}
			i++
			if !(elapsed < timeUbd) {
				break run
			}
			g := float64(elapsed * invBT) // grid position
			left := min(int(g), lastLeft)
			for left+1 >= r.filled {
				r.extendGrid()
			}
			pl := r.grid[left]
			s = pl + float64((r.grid[left+1]-pl)*(g-float64(left)))
			if bch {
				slot := t % m.TBCH
				ringB[slot] = b
				ringInvW[slot] = 1 / w
				var sb, sw float64
				for k := range ringB {
					sb += ringB[k]
					sw += ringInvW[k]
				}
				setW((sb * invBT) * (1 / sw))
				continue
			}
			acc += b
			if t == epochFirst && core {
				firstTS = int64(math.Floor(elapsed * 60))
			}
			if t == nextRetarget {
				if core {
					bits = consensus.NextWorkRequired(&chaincfg.MainNetParams, bits, firstTS, int64(math.Floor(elapsed*60))).Bits
					setW(winningRateFromBits(bits))
				} else {
					setW(m.nodaRetarget(w, acc))
				}
				acc = 0
				nextRetarget += tbtc
				epochFirst = t + 1
			}
		}
	}
	return m.nodaStats(i, sum, sumSq, maxB, lastS, lastW)
}

func (m *NodaModel) newRun(in *NodaInputs, seed uint64, idx int) *nodaRun {
	r := &nodaRun{m: m}
	if in != nil {
		r.grid, r.exps = in.PriceGrid, in.Exp
		r.filled = len(in.PriceGrid)
		return r
	}
	r.srcPrice = nodaStream(seed, 2*uint64(idx))
	r.srcExp = nodaStream(seed, 2*uint64(idx)+1)
	r.grid = make([]float64, m.Length+1)
	r.exps = make([]float64, nodaChunk)
	r.grid[0] = m.InitPrice - m.PriceShock
	r.filled = 1
	return r
}

// ReplayNoda runs the model once on the given price grid and Exp(1) draws
// and returns every reported block, for block-for-block comparison with
// the peer simulator.
func ReplayNoda(m *NodaModel, in NodaInputs) ([]NodaBlock, NodaPathStats, error) {
	if err := m.validate(); err != nil {
		return nil, NodaPathStats{}, err
	}
	if len(in.PriceGrid) < m.Length+1 {
		return nil, NodaPathStats{}, fmt.Errorf("the price grid has %d points; a run of length %d needs %d (0..length·b_target minutes)", len(in.PriceGrid), m.Length, m.Length+1)
	}
	r := m.newRun(&in, 0, 0)
	r.record = true
	st := r.simulate()
	return r.trace, st, r.err
}

// NodaPath runs path idx of a Noda scenario on its own random streams
// nodaStream(seed, 2·idx) (prices) and nodaStream(seed, 2·idx+1) (block
// draws).
func NodaPath(m *NodaModel, seed uint64, idx int) NodaPathStats {
	return m.newRun(nil, seed, idx).simulate()
}

// runNoda runs paths [from, to) of a Noda scenario.
func runNoda(ctx context.Context, s *Scenario, o Options, from, to int, progress func(int)) ([]NodaPathStats, time.Duration, error) {
	if o.Engine != EngineBlock {
		return nil, 0, fmt.Errorf("scenario %s: the %s engine cannot run the Noda model exactly: the hash rate is reset at every block from the price interpolated at that block's time, so there are no constant-rate pieces to draw Poisson counts over; use --engine block", s.Name, o.Engine)
	}
	paths := make([]NodaPathStats, to-from)
	batches := (to - from + nodaBatch - 1) / nodaBatch
	var batchProgress func(int)
	if progress != nil {
		batchProgress = func(done int) { progress(min(done*nodaBatch, to-from)) }
	}
	scratch := sync.Pool{New: func() any { return newNodaBatchBuf(&s.Noda) }}
	began := time.Now()
	err := forPaths(ctx, 0, batches, o.Threads, batchProgress, func(b int) {
		lo := from + b*nodaBatch
		hi := min(lo+nodaBatch, to)
		bb := scratch.Get().(*nodaBatchBuf)
		nodaPaths(&s.Noda, o.Seed, lo, hi, paths[lo-from:hi-from], bb)
		scratch.Put(bb)
	})
	if err != nil {
		return nil, 0, err
	}
	for i, st := range paths {
		if !finite(st.MeanBlockTimeMin) || !finite(st.StdBlockTimeMin) || !finite(st.MaxBlockTimeMin) || !finite(st.FinalWinningRate) || !finite(st.FinalHashRateEHs) {
			_, vol := nodaWalk(&s.Noda)
			return nil, 0, fmt.Errorf("scenario %s: noda.sigma_per_sqrt_min: path %d's price walk left the float64 range (a step multiplies the price by 1 ± %.3g·Z over %d steps); lower sigma_per_sqrt_min or b_target_min", s.Name, from+i, vol, s.Noda.Length)
		}
	}
	return paths, time.Since(began), nil
}

// NodaResult is what `hashfall simulate` prints for a Noda scenario. The
// shares over 60/120/180 minutes are the paper's statistic (the peer's
// stats_fixed_path): the share of runs with at least one block interval
// longer than that.
type NodaResult struct {
	Model                 string  `json:"model"`
	Rule                  string  `json:"rule"`
	Engine                string  `json:"engine"`
	Paths                 int     `json:"paths"`
	Seed                  uint64  `json:"seed"`
	HorizonMin            float64 `json:"horizon_min"`
	PriceShockUSD         float64 `json:"price_shock_usd"`
	MeanBlockTimeMin      float64 `json:"mean_block_time_min" table:"%.4f"`
	MeanStdBlockTimeMin   float64 `json:"mean_std_block_time_min" table:"%.4f"`
	P5MeanBlockTimeMin    float64 `json:"p5_mean_block_time_min" table:"%.4f"`
	P95MeanBlockTimeMin   float64 `json:"p95_mean_block_time_min" table:"%.4f"`
	MedianMaxBlockTimeMin float64 `json:"median_longest_block_time_min" table:"%.2f"`
	ShareOver60Min        float64 `json:"share_paths_block_over_60_min" table:"%.4f"`
	ShareOver120Min       float64 `json:"share_paths_block_over_120_min" table:"%.4f"`
	ShareOver180Min       float64 `json:"share_paths_block_over_180_min" table:"%.4f"`
	MeanFinalWinningRate  float64 `json:"mean_final_winning_rate_per_eh" table:"%.4g"`
	MeanFinalHashRateEHs  float64 `json:"mean_final_hash_rate_ehs" table:"%.4f"`
	SimulatedBlocks       int64   `json:"simulated_blocks"`
	BlocksPerSecond       float64 `json:"blocks_per_second" table:"%.3g"`
}

func nodaResult(s *Scenario, o Options, paths []NodaPathStats, elapsed time.Duration) NodaResult {
	m := s.Noda
	r := NodaResult{
		Model: "Noda-Okumura-Hashimoto (paper's DAA model, not Bitcoin Core's rule)",
		Rule:  m.Rule, Engine: o.Engine, Paths: len(paths), Seed: o.Seed,
		HorizonMin: float64(m.Length) * m.BTarget, PriceShockUSD: m.PriceShock,
	}
	if len(paths) == 0 {
		return r
	}
	means := make([]float64, len(paths))
	longest := make([]float64, len(paths))
	var sumMean, sumStd, sumW, sumH float64
	var blocks int64
	var over [3]int
	for i, p := range paths {
		means[i], longest[i] = p.MeanBlockTimeMin, p.MaxBlockTimeMin
		sumMean += p.MeanBlockTimeMin
		sumStd += p.StdBlockTimeMin
		sumW += p.FinalWinningRate
		sumH += p.FinalHashRateEHs
		blocks += int64(p.Simulated)
		for k, lim := range []float64{60, 120, 180} {
			if p.MaxBlockTimeMin > lim {
				over[k]++
			}
		}
	}
	n := float64(len(paths))
	r.MeanBlockTimeMin, r.MeanStdBlockTimeMin = sumMean/n, sumStd/n
	r.MeanFinalWinningRate, r.MeanFinalHashRateEHs = sumW/n, sumH/n
	sort.Float64s(means)
	sort.Float64s(longest)
	r.P5MeanBlockTimeMin, r.P95MeanBlockTimeMin = quantileSorted(means, 0.05), quantileSorted(means, 0.95)
	r.MedianMaxBlockTimeMin = quantileSorted(longest, 0.5)
	r.ShareOver60Min, r.ShareOver120Min, r.ShareOver180Min = float64(over[0])/n, float64(over[1])/n, float64(over[2])/n
	r.SimulatedBlocks = blocks
	if sec := elapsed.Seconds(); sec > 0 {
		r.BlocksPerSecond = float64(blocks) / sec
	}
	return r
}

// quantileSorted is the empirical quantile of sorted xs by linear
// interpolation between order statistics (numpy's default).
func quantileSorted(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (xs[lo+1]-xs[lo])*(pos-float64(lo))
}

// maxNodaInputRows bounds an inputs file (a run of 10^7 blocks with
// ubd_param 3 needs 3·10^7 rows at most; this is far beyond the default).
const maxNodaInputRows = 1 << 25

// ReadNodaInputs reads a replay file: a CSV with the header
// price_usd,exp1 and one row per grid point k: the price at k·b_target
// minutes (USD, > 0) and the Exp(1) draw of simulated block k (> 0). Errors
// name the line.
func ReadNodaInputs(r io.Reader) (NodaInputs, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return NodaInputs{}, fmt.Errorf("line 1: %v", err)
	}
	if head[0] != "price_usd" || head[1] != "exp1" {
		return NodaInputs{}, fmt.Errorf("line 1: header must be price_usd,exp1, got %s,%s", head[0], head[1])
	}
	var in NodaInputs
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return NodaInputs{}, fmt.Errorf("line %d: %v", line, err)
		}
		if line > maxNodaInputRows {
			return NodaInputs{}, fmt.Errorf("line %d: more than %d rows", line, maxNodaInputRows)
		}
		var v [2]float64
		for k, name := range []string{"price_usd", "exp1"} {
			x, err := strconv.ParseFloat(rec[k], 64)
			if err != nil || !finite(x) || x <= 0 {
				return NodaInputs{}, fmt.Errorf("line %d: %s must be a positive number, got %q", line, name, rec[k])
			}
			v[k] = x
		}
		in.PriceGrid = append(in.PriceGrid, v[0])
		in.Exp = append(in.Exp, v[1])
	}
	if len(in.PriceGrid) == 0 {
		return NodaInputs{}, errors.New("no rows after the header")
	}
	return in, nil
}
