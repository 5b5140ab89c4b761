package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/mainnetblk"
	"github.com/hashfall/hashfall/store"
)

// syncedMainnet syncs btcd's real mainnet blocks 0..14131 into a new store
// through the CLI and returns its path.
func syncedMainnet(t *testing.T) string {
	t.Helper()
	blk := mainnetblk.Path(t)
	db := filepath.Join(t.TempDir(), "h.db")
	var r syncResult
	runJSON(t, &r, "sync", "--blk", blk, "--db", db)
	if r.TipHeight != 14131 || r.Added != 14132 || r.TipHash != "00000000b3e750f37fdb42e1018799a9f44b546d393b130b369590a072430a1c" {
		t.Fatalf("sync: %+v", r)
	}
	return db
}

func TestHashrateCommandMainnet(t *testing.T) {
	db := syncedMainnet(t)
	var r hashrateResult
	runJSON(t, &r, "hashrate", "--db", db, "--height", "10000", "--blocks", "500")
	// Independent: all blocks are difficulty 1 (4295032833 hashes each),
	// so getnetworkhashps = 500 · 4295032833 / (max t − min t).
	st, err := store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bs, _ := st.Blocks(context.Background(), 9500, 10000)
	minT, maxT := bs[0].TimeS, bs[0].TimeS
	for _, b := range bs {
		minT, maxT = min(minT, b.TimeS), max(maxT, b.TimeS)
	}
	want := 500 * 4295032833 / float64(maxT-minT)
	if math.Abs(r.GetNetworkHashPSHs-want) > want*1e-15 || r.FromHeight != 9500 || r.ToHeight != 10000 || r.Blocks != 500 {
		t.Errorf("%+v, want getnetworkhashps %g", r, want)
	}
	if r.HashrateHs == nil || !(*r.CILowHs < *r.HashrateHs && *r.HashrateHs < *r.CIHighHs) {
		t.Errorf("interval %+v", r)
	}
	if _, errOut, code := runCLI(t, "hashrate", "--db", db, "--blocks", "0"); code != exitUsage || !strings.HasPrefix(errOut, "hashfall: --blocks") {
		t.Errorf("--blocks 0: exit %d %q", code, errOut)
	}
}

func TestNextRetargetCommandMainnet(t *testing.T) {
	db := syncedMainnet(t)
	out, errOut, code := runCLI(t, "nextretarget", "--db", db, "--now", "1240000000", "--format", "json")
	if code != 0 || !strings.Contains(out, `"retarget_height": 16128`) || !strings.Contains(out, `"prob_decrease": 0`) {
		t.Errorf("exit %d, %s %s", code, out, errOut)
	}
}

// Synthetic prices (a constant $1 per day, for plumbing only) over the
// real 2009 blocks.
func TestSignalsPoolsLiveMainnet(t *testing.T) {
	db := syncedMainnet(t)
	csv := "date,close\n"
	for d := time.Date(2009, 1, 3, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2009, 6, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		csv += fmt.Sprintf("%s,1\n", d.Format(time.DateOnly))
	}
	csv += "2009-06-01,2\n"
	path := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "signals", "--db", db); code != exitError || !strings.Contains(errOut, "no prices") {
		t.Errorf("signals without prices: exit %d %q", code, errOut)
	}
	var pr pricesResult
	runJSON(t, &pr, "import", "prices", path, "--db", db)
	if pr.Days != 150 || pr.LastCloseUSD != 2 {
		t.Errorf("import: %+v", pr)
	}
	n, at, err := liveNetwork(db)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	tip, _ := st.Tip(context.Background())
	st.Close()
	if n.PriceUSD != 2 || n.Difficulty != 1 || n.SubsidySat != 5_000_000_000 || at.Unix() != tip.TimeS {
		t.Errorf("live network %+v at %s", n, at)
	}
	out, errOut, code := runCLI(t, "signals", "--db", db, "--format", "json")
	if code != 0 || !strings.Contains(out, `"hashprice_btc_per_ph_day"`) || !strings.Contains(out, `"capitulation_start"`) || !strings.Contains(out, `"fees_sma144_sat"`) {
		t.Errorf("signals: exit %d %s %s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "pools", "--db", db, "--days", "30", "--format", "json")
	if code != 0 || !strings.Contains(out, `"pool": "unknown"`) || !strings.Contains(out, `"nakamoto_coefficient": 0`) {
		t.Errorf("pools: exit %d %s %s", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "energy", "--db", db); code != exitError || !strings.Contains(errOut, "no catalog model was released by 2009") {
		t.Errorf("energy in 2009: exit %d %q", code, errOut)
	}
}

func TestChainCommandErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.db")
	st, err := store.OpenSQLite(empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"hashrate"}, exitUsage, "--db is required"},
		{[]string{"hashrate", "--db", filepath.Join(t.TempDir(), "none.db")}, exitError, "no store at"},
		{[]string{"hashrate", "--db", empty}, exitError, "has no blocks"},
		{[]string{"sync", "--db", empty}, exitUsage, "--rpc or --blk"},
		{[]string{"sync", "--db", empty, "--rpc", "http://127.0.0.1:1"}, exitError, "unreachable"},
		{[]string{"import", "prices", "/nonexistent.csv", "--db", empty}, exitError, "no such file"},
		{[]string{"pools", "--db", empty, "--days", "0"}, exitUsage, "--days"},
	} {
		_, errOut, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d %q, want %d and %q on one line", c.args, code, errOut, c.code, c.want)
		}
	}
	if _, _, err := liveNetwork(empty); err == nil || !strings.Contains(err.Error(), "no blocks") {
		t.Errorf("liveNetwork on an empty store: %v", err)
	}
}

// Electrum's real checkpoints: every period since genesis, the last one at
// a modern difficulty (tens of trillions) and a span near two weeks.
func TestImportElectrumCheckpoints(t *testing.T) {
	path := "../../../shared/data/electrum-checkpoints.json"
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	var r checkpointsResult
	runJSON(t, &r, "import", "electrum-checkpoints", path, "--db", filepath.Join(t.TempDir(), "e.db"))
	if r.Periods < 300 || r.LastHeight != int64(r.Periods)*2016-1 || r.LastDifficulty < 1e13 || r.LastSpanDays < 10 || r.LastSpanDays > 18 {
		t.Errorf("%+v", r)
	}
	if r.ClampedOrLimited < 16 {
		t.Errorf("%d periods clamped or at the limit; 2009's first 16 periods alone are", r.ClampedOrLimited)
	}
}

// A store whose tip is far older than --now gets a note saying so, since
// the estimate then counts the whole gap as time without a block.
func TestNextRetargetWarnsOnStaleStore(t *testing.T) {
	db := syncedMainnet(t)
	out, errOut, code := runCLI(t, "nextretarget", "--db", db, "--now", "1800000000")
	if code != 0 || !strings.Contains(out, "days older than --now") {
		t.Errorf("exit %d, stderr %q; output lacks the stale-store note:\n%s", code, errOut, out)
	}
	out, _, _ = runCLI(t, "nextretarget", "--db", db, "--now", "1240000000")
	if strings.Contains(out, "older than --now") {
		t.Errorf("stale note on a current --now:\n%s", out)
	}
}
