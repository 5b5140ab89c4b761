package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/btcdtest"
)

// A btcd chain with hourly blocks whose coinbase tags this test sets:
// three days of A 36, B 24, C 12, then two days of A 30, B 12, C 6.
func TestPoolsLuckAndSeriesCLI(t *testing.T) {
	h := btcdtest.StartNode(t)
	var tags []string
	for _, c := range []struct {
		tag string
		n   int
	}{{"/PoolA/", 36}, {"/PoolB/", 24}, {"/PoolC/", 12}, {"/PoolA/", 30}, {"/PoolB/", 12}, {"/PoolC/", 6}} {
		for range c.n {
			tags = append(tags, c.tag)
		}
	}
	btcdtest.MineTagged(t, h, tags, func() time.Duration { return time.Hour })
	cfg := h.RPCConfig()
	dir := t.TempDir()
	cert := filepath.Join(dir, "rpc.cert")
	pools := filepath.Join(dir, "pools.json")
	if err := os.WriteFile(cert, cfg.Certificates, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pools, []byte(`{"coinbase_tags": {"/PoolA/": {"name": "A"}, "/PoolB/": {"name": "B"}, "/PoolC/": {"name": "C"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "p.db")
	var s syncResult
	runJSON(t, &s, "sync", "--rpc", "https://"+cfg.Host, "--rpc-user", cfg.User, "--rpc-pass", cfg.Pass, "--rpc-cert", cert, "--db", db)
	var luck []struct {
		Pool           string  `json:"pool"`
		Blocks         int64   `json:"blocks"`
		SharePct       float64 `json:"share_pct"`
		ShareFrom      string  `json:"share_from"`
		ExpectedBlocks float64 `json:"expected_blocks"`
		LuckPct        float64 `json:"luck_pct"`
	}
	runJSON(t, &luck, "pools", "luck", "--db", db, "--pools", pools, "--days", "2", "--share-days", "3")
	// Shares from blocks 1..72: A 50 %, B 33.3 %, C 16.7 %; the window
	// (blocks 73..120) has 48 blocks, so A expects 24 and found 30.
	if len(luck) != 3 || luck[0].Pool != "A" || luck[0].Blocks != 30 || math.Abs(luck[0].ExpectedBlocks-24) > 1e-9 ||
		math.Abs(luck[0].LuckPct-125) > 1e-9 || !strings.HasPrefix(luck[0].ShareFrom, "blocks 1..72") {
		t.Fatalf("luck %+v", luck)
	}
	runJSON(t, &luck, "pools", "luck", "--db", db, "--pools", pools, "--days", "2", "--share", "A=60")
	if len(luck) != 1 || luck[0].ShareFrom != "input" || math.Abs(luck[0].ExpectedBlocks-28.8) > 1e-9 {
		t.Fatalf("luck with input share %+v", luck)
	}
	var conc []struct {
		Blocks   int64   `json:"blocks"`
		Nakamoto int     `json:"nakamoto_coefficient"`
		HHI      float64 `json:"hhi"`
	}
	runJSON(t, &conc, "pools", "series", "--db", db, "--pools", pools, "--days", "10", "--concentration")
	var total int64
	for _, c := range conc {
		total += c.Blocks
	}
	if total != 121 { // the genesis block, untagged, and the 120 mined
		t.Errorf("concentration buckets hold %d blocks, want 121", total)
	}
	out, _, code := runCLI(t, "pools", "series", "--db", db, "--pools", pools, "--days", "10", "--bucket", "week", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "start,pool,blocks,share_pct,empty_blocks\n") {
		t.Errorf("series CSV: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{{"--share", "A"}, {"--share", "A=0"}, {"--days", "0"}} {
		if _, errOut, code := runCLI(t, append([]string{"pools", "luck", "--db", db}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d %q", bad, code, errOut)
		}
	}
	if _, _, code := runCLI(t, "pools", "series", "--db", db, "--bucket", "month"); code != 2 {
		t.Errorf("--bucket month: exit %d", code)
	}
}
