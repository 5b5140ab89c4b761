package serve

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// mempool.space-compatible mining endpoints, served from the user's own
// node so that dashboards written against mempool's API work unchanged.
// The shapes are re-derived from mempool's public REST API documentation
// (key names, units, interval words); no mempool code is used. Where this
// node cannot know a mempool field (pool links, template match rates) it
// is empty or null, as mempool itself answers for pools it cannot rate.
//
//	GET /api/v1/difficulty-adjustment
//	    {progressPercent, difficultyChange (percent), estimatedRetargetDate (Unix ms),
//	     remainingBlocks, remainingTime (ms), previousRetarget (percent),
//	     previousTime (Unix s), nextRetargetHeight, timeAvg (ms), adjustedTimeAvg (ms),
//	     timeOffset (ms), expectedBlocks}
//	GET /api/v1/mining/hashrate/{interval}
//	    {hashrates: [{timestamp (Unix s), avgHashrate (H/s)}],
//	     difficulty: [{time, height, difficulty, adjustment (ratio)}],
//	     currentHashrate (H/s), currentDifficulty}
//	GET /api/v1/mining/difficulty-adjustments/{interval}
//	    [[time (Unix s), height, difficulty, adjustment (ratio new/old)], ...] newest first
//	GET /api/v1/mining/pools/{interval}
//	    {pools: [{poolId, name, link, blockCount, rank, emptyBlocks, slug,
//	     avgMatchRate, avgFeeDelta, poolUniqueId}], blockCount, lastEstimatedHashrate}
//	GET /api/v1/mining/reward-stats/{blockCount}
//	    {startBlock, endBlock, totalReward, totalFee, totalTx} (amounts in sat, as strings)
//
// Intervals: 24h 3d 1w 1m 3m 6m 1y 2y 3y all. Histories reach back as far
// as the blocks serve holds in memory (430 days); "all" means all of them.

// mempoolIntervals maps mempool's interval words to their length.
var mempoolIntervals = map[string]time.Duration{
	"24h": 24 * time.Hour, "3d": 3 * 24 * time.Hour, "1w": 7 * 24 * time.Hour,
	"1m": 30 * 24 * time.Hour, "3m": 90 * 24 * time.Hour, "6m": 180 * 24 * time.Hour,
	"1y": 365 * 24 * time.Hour, "2y": 2 * 365 * 24 * time.Hour, "3y": 3 * 365 * 24 * time.Hour, "all": 0,
}

const mempoolIntervalWords = "24h, 3d, 1w, 1m, 3m, 6m, 1y, 2y, 3y, all"

// MempoolDifficultyAdjustment is mempool's /api/v1/difficulty-adjustment.
type MempoolDifficultyAdjustment struct {
	ProgressPercent       float64 `json:"progressPercent"`
	DifficultyChange      float64 `json:"difficultyChange"`
	EstimatedRetargetDate int64   `json:"estimatedRetargetDate"`
	RemainingBlocks       int64   `json:"remainingBlocks"`
	RemainingTime         int64   `json:"remainingTime"`
	PreviousRetarget      float64 `json:"previousRetarget"`
	PreviousTime          int64   `json:"previousTime"`
	NextRetargetHeight    int64   `json:"nextRetargetHeight"`
	TimeAvg               int64   `json:"timeAvg"`
	AdjustedTimeAvg       int64   `json:"adjustedTimeAvg"`
	TimeOffset            int64   `json:"timeOffset"`
	ExpectedBlocks        float64 `json:"expectedBlocks"`
}

// MempoolHashrate is mempool's /api/v1/mining/hashrate/{interval}.
type MempoolHashrate struct {
	Hashrates         []MempoolHashratePoint   `json:"hashrates"`
	Difficulty        []MempoolDifficultyPoint `json:"difficulty"`
	CurrentHashrate   float64                  `json:"currentHashrate"`
	CurrentDifficulty float64                  `json:"currentDifficulty"`
}

// MempoolHashratePoint is one day's mean hashrate.
type MempoolHashratePoint struct {
	Timestamp   int64   `json:"timestamp"`
	AvgHashrate float64 `json:"avgHashrate"`
}

// MempoolDifficultyPoint is one difficulty adjustment.
type MempoolDifficultyPoint struct {
	Time       int64   `json:"time"`
	Height     int64   `json:"height"`
	Difficulty float64 `json:"difficulty"`
	Adjustment float64 `json:"adjustment"`
}

// MempoolPools is mempool's /api/v1/mining/pools/{interval}.
type MempoolPools struct {
	Pools                 []MempoolPool `json:"pools"`
	BlockCount            int64         `json:"blockCount"`
	LastEstimatedHashrate float64       `json:"lastEstimatedHashrate"`
}

// MempoolPool is one pool's row.
type MempoolPool struct {
	PoolID       int64    `json:"poolId"`
	Name         string   `json:"name"`
	Link         string   `json:"link"`
	BlockCount   int64    `json:"blockCount"`
	Rank         int      `json:"rank"`
	EmptyBlocks  int64    `json:"emptyBlocks"`
	Slug         string   `json:"slug"`
	AvgMatchRate *float64 `json:"avgMatchRate"`
	AvgFeeDelta  *string  `json:"avgFeeDelta"`
	PoolUniqueID int64    `json:"poolUniqueId"`
}

// MempoolRewardStats is mempool's /api/v1/mining/reward-stats/{blockCount}.
type MempoolRewardStats struct {
	StartBlock  int64  `json:"startBlock"`
	EndBlock    int64  `json:"endBlock"`
	TotalReward string `json:"totalReward"`
	TotalFee    string `json:"totalFee"`
	TotalTx     string `json:"totalTx"`
}

func (s *Server) mempoolRoutes() {
	m := s.mux
	m.HandleFunc("GET /api/v1/difficulty-adjustment", s.withState(s.handleMempoolDifficultyAdjustment))
	m.HandleFunc("GET /api/v1/mining/hashrate/{interval}", s.withState(s.handleMempoolHashrate))
	m.HandleFunc("GET /api/v1/mining/difficulty-adjustments/{interval}", s.withState(s.handleMempoolDifficultyAdjustments))
	m.HandleFunc("GET /api/v1/mining/pools/{interval}", s.withState(s.handleMempoolPools))
	m.HandleFunc("GET /api/v1/mining/reward-stats/{blockCount}", s.withState(s.handleMempoolRewardStats))
}

// mempoolWindow returns the blocks of the interval ending at the tip, or
// writes a 400.
func mempoolWindow(w http.ResponseWriter, r *http.Request, st *State) ([]chain.Block, bool) {
	word := r.PathValue("interval")
	d, ok := mempoolIntervals[word]
	if !ok {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "interval: want one of " + mempoolIntervalWords + ", got " + strconv.Quote(printable(word)), Parameter: "interval"})
		return nil, false
	}
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return nil, false
	}
	if len(st.Blocks) == 0 {
		unavailable(w, st, "mining statistics")
		return nil, false
	}
	if d == 0 {
		return st.Blocks, true
	}
	since := st.Blocks[len(st.Blocks)-1].TimeS - int64(d.Seconds())
	i := len(st.Blocks)
	for i > 0 && st.Blocks[i-1].TimeS > since {
		i--
	}
	return st.Blocks[i:], true
}

// handleMempoolDifficultyAdjustment maps the next-retarget forecast onto
// mempool's fields: difficultyChange is the point estimate (the period's
// pace extrapolated, as mempool does), times are in milliseconds.
func (s *Server) handleMempoolDifficultyAdjustment(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	f := st.Retarget
	if f == nil {
		unavailable(w, st, "difficulty adjustment")
		return
	}
	interval := consensus.RetargetIntervalBlocks(st.Params)
	spacing := int64(st.Params.TargetTimePerBlock / time.Second)
	done := f.TipHeight - f.EpochStartHeight + 1 // blocks of the period found so far
	epochStart := st.Blocks[f.EpochStartHeight-st.Blocks[0].Height]
	tip := st.Blocks[len(st.Blocks)-1]
	out := MempoolDifficultyAdjustment{
		ProgressPercent:       100 * float64(done) / float64(interval),
		DifficultyChange:      f.PointChangePct,
		EstimatedRetargetDate: f.PointTimeS * 1000,
		RemainingBlocks:       f.RetargetHeight - f.TipHeight,
		RemainingTime:         max(0, f.PointTimeS-time.Now().Unix()) * 1000,
		NextRetargetHeight:    f.RetargetHeight,
		TimeOffset:            0,
	}
	if done > 1 {
		out.TimeAvg = (tip.TimeS - epochStart.TimeS) * 1000 / (done - 1)
	} else {
		out.TimeAvg = spacing * 1000
	}
	out.AdjustedTimeAvg = out.TimeAvg
	out.ExpectedBlocks = float64(time.Now().Unix()-epochStart.TimeS) / float64(spacing)
	if f.EpochStartHeight > 0 {
		out.PreviousTime = epochStart.TimeS
		if f.EpochStartHeight-1 >= st.Blocks[0].Height {
			before := st.Blocks[f.EpochStartHeight-1-st.Blocks[0].Height]
			out.PreviousRetarget = 100 * (consensus.DifficultyFromBits(epochStart.Bits)/consensus.DifficultyFromBits(before.Bits) - 1)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// adjustments lists the retargets among blocks, oldest first: each
// period's first block with its difficulty and the ratio to the last.
func adjustments(st *State, blocks []chain.Block) []MempoolDifficultyPoint {
	interval := consensus.RetargetIntervalBlocks(st.Params)
	out := []MempoolDifficultyPoint{}
	for _, b := range blocks {
		if b.Height == 0 || b.Height%interval != 0 || b.Height-1 < st.Blocks[0].Height {
			continue
		}
		prev := st.Blocks[b.Height-1-st.Blocks[0].Height]
		d := consensus.DifficultyFromBits(b.Bits)
		out = append(out, MempoolDifficultyPoint{Time: b.TimeS, Height: b.Height, Difficulty: d,
			Adjustment: d / consensus.DifficultyFromBits(prev.Bits)})
	}
	return out
}

func (s *Server) handleMempoolHashrate(w http.ResponseWriter, r *http.Request, st *State) {
	blocks, ok := mempoolWindow(w, r, st)
	if !ok {
		return
	}
	out := MempoolHashrate{Hashrates: []MempoolHashratePoint{}, Difficulty: adjustments(st, blocks),
		CurrentDifficulty: st.Network.Difficulty, CurrentHashrate: st.Hashprice.ImpliedHashrateHs}
	if st.Hashrate != nil {
		out.CurrentHashrate = st.Hashrate.HashrateHs
	}
	since := blocks[0].TimeS
	for _, d := range st.Days {
		if d.Day.Unix()+86400 > since {
			out.Hashrates = append(out.Hashrates, MempoolHashratePoint{Timestamp: d.Day.Unix(), AvgHashrate: d.HashrateHs})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleMempoolDifficultyAdjustments(w http.ResponseWriter, r *http.Request, st *State) {
	blocks, ok := mempoolWindow(w, r, st)
	if !ok {
		return
	}
	adj := adjustments(st, blocks)
	out := make([][4]float64, 0, len(adj))
	for i := len(adj) - 1; i >= 0; i-- {
		a := adj[i]
		out = append(out, [4]float64{float64(a.Time), float64(a.Height), a.Difficulty, a.Adjustment})
	}
	writeJSON(w, http.StatusOK, out)
}

// poolSlug is a pool's name in lower case without spaces or punctuation.
func poolSlug(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, name)
}

// poolID is a stable small number for a pool: FNV-1a of its slug.
func poolID(slug string) int64 {
	h := fnv.New32a()
	h.Write([]byte(slug))
	return int64(h.Sum32() & 0x7fffffff)
}

func (s *Server) handleMempoolPools(w http.ResponseWriter, r *http.Request, st *State) {
	blocks, ok := mempoolWindow(w, r, st)
	if !ok {
		return
	}
	defs := st.Options.PoolDefinitions
	shares, _ := defs.Shares(blocks)
	empty := map[string]int64{}
	for _, b := range blocks {
		if b.TxCount == 1 {
			empty[defs.Identify(b)]++
		}
	}
	out := MempoolPools{Pools: make([]MempoolPool, 0, len(shares)), BlockCount: int64(len(blocks)),
		LastEstimatedHashrate: st.Hashprice.ImpliedHashrateHs}
	if st.Hashrate != nil {
		out.LastEstimatedHashrate = st.Hashrate.HashrateHs
	}
	for i, sh := range shares {
		slug := poolSlug(sh.Pool)
		id := poolID(slug)
		out.Pools = append(out.Pools, MempoolPool{PoolID: id, Name: sh.Pool, BlockCount: sh.Blocks, Rank: i + 1,
			EmptyBlocks: empty[sh.Pool], Slug: slug, PoolUniqueID: id})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleMempoolRewardStats(w http.ResponseWriter, r *http.Request, st *State) {
	word := r.PathValue("blockCount")
	n, err := strconv.ParseInt(word, 10, 64)
	if err != nil || n < 1 || n > keepBlocks {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "blockCount: want an integer in [1, " + strconv.Itoa(keepBlocks) + "], got " + strconv.Quote(printable(word)), Parameter: "blockCount"})
		return
	}
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	if len(st.Blocks) == 0 {
		unavailable(w, st, "reward statistics")
		return
	}
	bs := st.Blocks[max(0, len(st.Blocks)-int(n)):]
	var reward, fee, tx int64
	for _, b := range bs {
		reward += b.CoinbaseOutSat
		fee += b.FeesSat
		tx += b.TxCount
	}
	writeJSON(w, http.StatusOK, MempoolRewardStats{StartBlock: bs[0].Height, EndBlock: bs[len(bs)-1].Height,
		TotalReward: strconv.FormatInt(reward, 10), TotalFee: strconv.FormatInt(fee, 10), TotalTx: strconv.FormatInt(tx, 10)})
}
