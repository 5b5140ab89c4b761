package serve

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/store"
)

// /api/v1/pools/history on real mainnet blocks: each day's block count is
// the stored blocks stamped that UTC day, the pools' blocks add up to it
// with share_pct = 100·blocks/total, ?days keeps the last days up to the
// tip's day, and each week (from Monday) sums its days.
func TestPoolsHistoryFromRealBlocks(t *testing.T) {
	s, st := liveServer(t, 0.05)
	tip, bs := storedBlocks(t, st)
	perDay := map[time.Time]int64{}
	for _, b := range bs {
		perDay[time.Unix(b.TimeS-b.TimeS%86400, 0).UTC()]++
	}
	type period struct {
		Start  time.Time `json:"start"`
		Blocks int64     `json:"blocks"`
		Shares []struct {
			Blocks   int64   `json:"blocks"`
			SharePct float64 `json:"share_pct"`
		} `json:"shares"`
	}
	read := func(q string) []period {
		t.Helper()
		code, _, body := get(t, s.Handler(), "/api/v1/pools/history"+q)
		if code != 200 {
			t.Fatalf("%s: %d %s", q, code, body)
		}
		var h struct {
			History []period `json:"history"`
		}
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatal(err)
		}
		return h.History
	}
	days := read("?days=10&interval=day")
	tipDay := time.Unix(tip.TimeS-tip.TimeS%86400, 0).UTC()
	if len(days) != 10 || !days[9].Start.Equal(tipDay) || !days[0].Start.Equal(tipDay.AddDate(0, 0, -9)) {
		t.Fatalf("%d days from %v, tip day %v", len(days), days[0].Start, tipDay)
	}
	for _, d := range days {
		var sum int64
		for _, sh := range d.Shares {
			sum += sh.Blocks
			if math.Abs(sh.SharePct-100*float64(sh.Blocks)/float64(d.Blocks)) > 1e-9 {
				t.Errorf("%v: share %g%% of %d/%d", d.Start, sh.SharePct, sh.Blocks, d.Blocks)
			}
		}
		if d.Blocks != perDay[d.Start] || sum != d.Blocks {
			t.Errorf("%v: %d blocks (pools %d), the store %d", d.Start, d.Blocks, sum, perDay[d.Start])
		}
	}
	for _, w := range read("?days=60&interval=week") {
		if w.Start.Weekday() != time.Monday {
			t.Errorf("week starts on %v", w.Start)
		}
		var want int64
		for i := 0; i < 7; i++ {
			want += perDay[w.Start.AddDate(0, 0, i)]
		}
		if w.Blocks != want {
			t.Errorf("week of %v: %d blocks, its days %d", w.Start, w.Blocks, want)
		}
	}
	if code, _, _ := get(t, s.Handler(), "/api/v1/pools/history?interval=month"); code != 400 {
		t.Errorf("interval=month: %d", code)
	}
}

// The Follower's pool cache gives, block after block, exactly the series
// computed afresh over the same window: across UTC days and weeks, and
// after a block stamped before the tip's day (real mainnet timestamps).
func TestPoolCacheMatchesFreshSeries(t *testing.T) {
	_, st := liveServer(t, 0.05)
	_, bs := storedBlocks(t, st)
	defs := DefaultOptions().PoolDefinitions
	var c poolCache
	refills, steps := 0, 0
	for n := 2000; n <= len(bs); n += 37 {
		before := c.today
		daily, weekly, err := c.series(defs, bs[:n])
		if err != nil {
			t.Fatal(err)
		}
		if !c.today.Equal(before) {
			refills++
		}
		steps++
		wantD, _ := poolPeriods(defs, bs[:n], 24*time.Hour)
		wantW, _ := poolPeriods(defs, bs[:n], 7*24*time.Hour)
		if !equalJSON(t, daily, wantD) || !equalJSON(t, weekly, wantW) {
			t.Fatalf("window to %d: cached series differ from fresh ones", bs[n-1].Height)
		}
	}
	if refills < 2 || refills == steps {
		t.Errorf("%d refills in %d steps: the test crossed no day or never reused the cache", refills, steps)
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return string(x) == string(y)
}

// storedBlocks is st's tip and every block up to it.
func storedBlocks(t *testing.T, st *store.SQLite) (chain.Block, []chain.Block) {
	t.Helper()
	ctx := context.Background()
	tip, err := st.Tip(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := st.Blocks(ctx, 0, tip.Height)
	if err != nil {
		t.Fatal(err)
	}
	return tip, bs
}
