package serve

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/store"
)

// historyServer serves a copy of the real mainnet store (blocks
// 0–14,131) into which bitcoinj's real checkpoint file from ../shared/data
// is imported, so the history reaches 2025-01-12.
func historyServer(t *testing.T) *Server {
	t.Helper()
	cpFile := filepath.Join("..", "..", "shared", "data", "bitcoinj-production-checkpoints.txt")
	f, err := os.Open(cpFile)
	if err != nil {
		t.Skipf("real bitcoinj checkpoints not available: %v", err)
	}
	defer f.Close()
	cps, err := chain.ReadBitcoinjCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(liveStorePath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "history.db")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	st, err := store.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.PutHeaderCheckpoints(context.Background(), cps); err != nil {
		t.Fatal(err)
	}
	s := New(Config{})
	fl := &Follower{Store: st, Price: FixedPrice(0.05), Options: DefaultOptions(), Server: s}
	fl.tickPrice(context.Background())
	if err := fl.rebuild(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return s
}

// The difficulty-history endpoint serves the store's real history: the
// largest drop on record is 2021-07-03's −27.94% (China's mining ban, in
// bitcoinj's real headers), and seed 001's −11.16% ranks tenth among the
// drops through 2025-01-12, as `hashfall difficulty history` finds.
func TestDifficultyHistoryEndpoint(t *testing.T) {
	s := historyServer(t)
	code, _, body := get(t, s.Handler(), "/api/v1/difficulty/history?largest_drops=10")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var drops struct {
		Source string `json:"source"`
		View   string `json:"view"`
		Rows   []struct {
			StartHeight int64   `json:"start_height"`
			StartTime   string  `json:"start_time"`
			ChangePct   float64 `json:"change_pct"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(body), &drops); err != nil {
		t.Fatal(err)
	}
	if drops.Source != "LIVE" || drops.View != "largest_drops" || len(drops.Rows) != 10 {
		t.Fatalf("source %q view %q rows %d", drops.Source, drops.View, len(drops.Rows))
	}
	top := drops.Rows[0]
	if top.StartHeight != 689472 || !strings.HasPrefix(top.StartTime, "2021-07-03") || math.Abs(top.ChangePct+27.94) > 0.005 {
		t.Errorf("largest drop %+v, want height 689472 on 2021-07-03, -27.94%%", top)
	}
	for i := 1; i < len(drops.Rows); i++ {
		if drops.Rows[i].ChangePct < drops.Rows[i-1].ChangePct {
			t.Errorf("drops not ranked: %g after %g", drops.Rows[i].ChangePct, drops.Rows[i-1].ChangePct)
		}
	}

	code, _, body = get(t, s.Handler(), "/api/v1/difficulty/history?rank=-11.16")
	m := decode(t, body)
	if code != 200 || m["rank"].(float64) != 10 || !strings.HasPrefix(m["last_as_large_time"].(string), "2021-07-03") {
		t.Errorf("rank of -11.16%%: %d %s", code, body)
	}

	code, hdr, csv := get(t, s.Handler(), "/api/v1/difficulty/history?since=2024-01-01&format=csv")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv, "index,start_height,") {
		t.Fatalf("CSV: %d %.120q", code, csv)
	}
	// 2024-01-01 .. 2025-01-12: 27 periods start in that span.
	if rows := strings.Count(csv, "\n") - 1; rows < 25 || rows > 28 {
		t.Errorf("periods since 2024: %d\n%s", rows, csv)
	}

	for _, bad := range []struct{ query, param string }{
		{"largest_drops=0", "largest_drops"},
		{"rank=abc", "rank"},
		{"rank=0", "rank"},
		{"since=yesterday", "since"},
		{"largest_drops=3&rank=-5", "rank"},
		{"bogus=1", "bogus"},
	} {
		code, _, body := get(t, s.Handler(), "/api/v1/difficulty/history?"+bad.query)
		if code != 400 || decode(t, body)["parameter"] != bad.param {
			t.Errorf("?%s: %d %s, want 400 naming %s", bad.query, code, body, bad.param)
		}
	}
}

// The SNAPSHOT has no history to serve, and says why.
func TestDifficultyHistoryUnavailableOnSnapshot(t *testing.T) {
	code, _, body := get(t, snapshotServer(t).Handler(), "/api/v1/difficulty/history")
	if code != 503 || !strings.Contains(body, "SNAPSHOT") {
		t.Errorf("%d %s", code, body)
	}
}
