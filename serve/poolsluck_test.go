package serve

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/metrics"
)

// /api/v1/pools/luck is `hashfall pools luck` over the blocks in memory,
// on the CLI test's SYNTHETIC chain: hourly blocks tagged A 36, B 24,
// C 12, then A 30, B 12, C 6. With --days 2 and 3 share days the shares
// come from blocks 0..71 (A 50%), the window is the last 48 blocks, so A
// expects 24 blocks, found 30: luck 125% (figures by hand).
func TestPoolsLuckEndpoint(t *testing.T) {
	defs, err := metrics.ParsePools([]byte(`{"coinbase_tags": {"/PoolA/": {"name": "A"}, "/PoolB/": {"name": "B"}, "/PoolC/": {"name": "C"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []chain.Block
	work := new(big.Int)
	t0 := time.Date(2026, 1, 5, 0, 30, 0, 0, time.UTC).Unix()
	for _, c := range []struct {
		tag string
		n   int
	}{{"/PoolA/", 36}, {"/PoolB/", 24}, {"/PoolC/", 12}, {"/PoolA/", 30}, {"/PoolB/", 12}, {"/PoolC/", 6}} {
		for range c.n {
			h := int64(len(blocks))
			work = new(big.Int).Add(work, consensus.BlockWork(0x207fffff))
			blocks = append(blocks, chain.Block{Height: h, TimeS: t0 + 3600*h, Bits: 0x207fffff, TxCount: 2,
				ChainWork: work, CoinbaseScriptSig: []byte("\x03abc" + c.tag)})
		}
	}
	o := DefaultOptions()
	o.PoolDefinitions = defs
	st, err := LiveState(&chaincfg.RegressionNetParams, blocks, nil, Quote{USD: 1, Time: time.Unix(t0, 0), Source: "fixed $1"}, o, nil, blocks[len(blocks)-1].TimeS)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{})
	s.Publish(st)
	code, _, body := get(t, s.Handler(), "/api/v1/pools/luck?days=2")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var l struct {
		Blocks int `json:"blocks"`
		Pools  []struct {
			Pool      string  `json:"pool"`
			Blocks    int64   `json:"blocks"`
			Expected  float64 `json:"expected_blocks"`
			LuckPct   float64 `json:"luck_pct"`
			ShareFrom string  `json:"share_from"`
		} `json:"pools"`
	}
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	a := l.Pools[0]
	if l.Blocks != 48 || len(l.Pools) != 3 || a.Pool != "A" || a.Blocks != 30 || math.Abs(a.Expected-24) > 1e-9 ||
		math.Abs(a.LuckPct-125) > 1e-9 || !strings.HasPrefix(a.ShareFrom, "blocks 0..71") {
		t.Fatalf("luck %s", body)
	}
	// The default 7 days cover all 120 blocks: no block before the window
	// to estimate shares from.
	if code, _, body := get(t, s.Handler(), "/api/v1/pools/luck"); code != 503 || !strings.Contains(body, "before") {
		t.Errorf("default window on 5 days of blocks: %d %s", code, body)
	}
	if code, _, _ := get(t, s.Handler(), "/api/v1/pools/luck?days=0"); code != 400 {
		t.Errorf("days=0: %d", code)
	}
}
