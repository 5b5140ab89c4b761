package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"
)

// The shapes below are written from mempool.space's REST API
// documentation (https://mempool.space/docs/api/rest), independently of
// serve's types: decoding with DisallowUnknownFields fails on any key
// serve adds or renames, and the value checks fail on wrong units.

type docDifficultyAdjustment struct {
	ProgressPercent       float64 `json:"progressPercent"`
	DifficultyChange      float64 `json:"difficultyChange"`
	EstimatedRetargetDate int64   `json:"estimatedRetargetDate"` // ms
	RemainingBlocks       int64   `json:"remainingBlocks"`
	RemainingTime         int64   `json:"remainingTime"` // ms
	PreviousRetarget      float64 `json:"previousRetarget"`
	PreviousTime          int64   `json:"previousTime"` // s
	NextRetargetHeight    int64   `json:"nextRetargetHeight"`
	TimeAvg               int64   `json:"timeAvg"` // ms
	AdjustedTimeAvg       int64   `json:"adjustedTimeAvg"`
	TimeOffset            int64   `json:"timeOffset"`
	ExpectedBlocks        float64 `json:"expectedBlocks"`
}

type docHashrate struct {
	Hashrates []struct {
		Timestamp   int64   `json:"timestamp"`
		AvgHashrate float64 `json:"avgHashrate"`
	} `json:"hashrates"`
	Difficulty []struct {
		Time       int64   `json:"time"`
		Height     int64   `json:"height"`
		Difficulty float64 `json:"difficulty"`
		Adjustment float64 `json:"adjustment"`
	} `json:"difficulty"`
	CurrentHashrate   float64 `json:"currentHashrate"`
	CurrentDifficulty float64 `json:"currentDifficulty"`
}

type docPools struct {
	Pools []struct {
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
	} `json:"pools"`
	BlockCount            int64   `json:"blockCount"`
	LastEstimatedHashrate float64 `json:"lastEstimatedHashrate"`
}

type docRewardStats struct {
	StartBlock  int64  `json:"startBlock"`
	EndBlock    int64  `json:"endBlock"`
	TotalReward string `json:"totalReward"`
	TotalFee    string `json:"totalFee"`
	TotalTx     string `json:"totalTx"`
}

func decodeStrict(t *testing.T, body string, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("not in mempool's documented shape: %v\n%.300s", err, body)
	}
}

func TestMempoolDifficultyAdjustment(t *testing.T) {
	s, _ := liveServer(t, 0.05)
	code, _, body := get(t, s.Handler(), "/api/v1/difficulty-adjustment")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var d docDifficultyAdjustment
	decodeStrict(t, body, &d)
	// Tip 14,131: the period started at 14,112, 20 of 2016 blocks found.
	if d.NextRetargetHeight != 14112+2016 || d.RemainingBlocks != 14112+2016-14131 {
		t.Errorf("heights %+v", d)
	}
	if want := 100 * 20.0 / 2016; d.ProgressPercent != want {
		t.Errorf("progressPercent %g, want %g", d.ProgressPercent, want)
	}
	// Milliseconds: a 2009 retarget date is ~1.2e12 ms, not ~1.2e9 s.
	if d.EstimatedRetargetDate < 1e12 || d.TimeAvg < 1000 {
		t.Errorf("times not in ms: %+v", d)
	}
	// At minimum difficulty every 2009 retarget was a 0% change.
	if d.PreviousRetarget != 0 || d.PreviousTime < 1.2e9 || d.PreviousTime > 1.3e9 {
		t.Errorf("previous retarget %+v", d)
	}
}

func TestMempoolHashrateAndDifficultyAdjustments(t *testing.T) {
	s, _ := liveServer(t, 0.05)
	_, _, body := get(t, s.Handler(), "/api/v1/mining/hashrate/all")
	var h docHashrate
	decodeStrict(t, body, &h)
	// 14,131 blocks hold retargets at 2016·k for k = 1..7.
	if len(h.Difficulty) != 7 || h.Difficulty[0].Height != 2016 || h.Difficulty[6].Height != 7*2016 {
		t.Fatalf("difficulty points %+v", h.Difficulty)
	}
	for _, d := range h.Difficulty {
		if d.Difficulty != 1 || d.Adjustment != 1 {
			t.Errorf("2009 retarget %+v, want difficulty 1 adjustment 1", d)
		}
	}
	if len(h.Hashrates) < 100 || h.CurrentDifficulty != 1 || !(h.CurrentHashrate > 1e6) {
		t.Errorf("hashrates %d, current %g H/s at difficulty %g", len(h.Hashrates), h.CurrentHashrate, h.CurrentDifficulty)
	}

	_, _, body = get(t, s.Handler(), "/api/v1/mining/difficulty-adjustments/all")
	var adj [][4]float64
	decodeStrict(t, body, &adj)
	if len(adj) != 7 || adj[0][1] != 7*2016 || adj[6][1] != 2016 || adj[0][3] != 1 {
		t.Errorf("difficulty-adjustments newest first: %v", adj)
	}
	_, _, body = get(t, s.Handler(), "/api/v1/mining/difficulty-adjustments/1w")
	decodeStrict(t, body, &adj)
	if len(adj) > 1 {
		t.Errorf("1w holds at most one retarget in 2009, got %v", adj)
	}
	if code, _, body := get(t, s.Handler(), "/api/v1/mining/hashrate/5y"); code != 400 || decode(t, body)["parameter"] != "interval" {
		t.Errorf("bad interval: %d %s", code, body)
	}
}

func TestMempoolPools(t *testing.T) {
	s, _ := liveServer(t, 0.05)
	_, _, body := get(t, s.Handler(), "/api/v1/mining/pools/1w")
	var p docPools
	decodeStrict(t, body, &p)
	var sum int64
	for i, pool := range p.Pools {
		sum += pool.BlockCount
		if pool.Rank != i+1 || pool.Slug == "" {
			t.Errorf("pool %+v", pool)
		}
	}
	// A week ending at the tip holds about 7·144 blocks or fewer in 2009.
	if sum != p.BlockCount || p.BlockCount < 100 || p.BlockCount > 7*144*2 {
		t.Errorf("blockCount %d, sum of pools %d", p.BlockCount, sum)
	}
}

func TestMempoolRewardStats(t *testing.T) {
	s, st := liveServer(t, 0.05)
	_, _, body := get(t, s.Handler(), "/api/v1/mining/reward-stats/100")
	var r docRewardStats
	decodeStrict(t, body, &r)
	tip, _ := st.Tip(context.Background())
	bs, err := st.Blocks(context.Background(), tip.Height-99, tip.Height)
	if err != nil {
		t.Fatal(err)
	}
	var reward, txs int64
	for _, b := range bs {
		reward += b.CoinbaseOutSat
		txs += b.TxCount
	}
	if r.StartBlock != tip.Height-99 || r.EndBlock != tip.Height || r.TotalReward != strconv.FormatInt(reward, 10) || r.TotalTx != strconv.FormatInt(txs, 10) {
		t.Errorf("%+v, want reward %d tx %d", r, reward, txs)
	}
	// 2009 coinbases paid 50 BTC each and almost no fees.
	if reward < 100*50e8 || reward > 100*50e8+1e8 {
		t.Errorf("100 blocks of 2009 paid %d sat", reward)
	}
	for _, bad := range []string{"0", "-1", "abc", "99999999"} {
		if code, _, body := get(t, s.Handler(), "/api/v1/mining/reward-stats/"+bad); code != 400 || decode(t, body)["parameter"] != "blockCount" {
			t.Errorf("blockCount %s: %d %s", bad, code, body)
		}
	}
}
