package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	sharedElectrumJSON = "../../../shared/data/electrum-checkpoints.json"
	sharedBitcoinjTxt  = "../../../shared/data/bitcoinj-production-checkpoints.txt"
)

// importedHistoryStore imports both real checkpoint files into a new store.
func importedHistoryStore(t *testing.T) string {
	t.Helper()
	for _, f := range []string{sharedElectrumJSON, sharedBitcoinjTxt} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no ../shared/data: %v", err)
		}
	}
	db := filepath.Join(t.TempDir(), "h.db")
	var cp struct {
		Checkpoints int   `json:"checkpoints"`
		LastHeight  int64 `json:"last_height"`
	}
	runJSON(t, &struct{}{}, "import", "electrum-checkpoints", sharedElectrumJSON, "--db", db)
	runJSON(t, &cp, "import", "bitcoinj-checkpoints", sharedBitcoinjTxt, "--db", db)
	if cp.Checkpoints != 436 || cp.LastHeight != 878976 {
		t.Fatalf("bitcoinj import: %+v", cp)
	}
	return db
}

func TestDifficultyHistoryCLI(t *testing.T) {
	db := importedHistoryStore(t)
	var rows []struct {
		Index      int64    `json:"index"`
		ChangePct  *float64 `json:"change_pct"`
		StartTime  string   `json:"start_time"`
		DurationS  *int64   `json:"duration_s"`
		Difficulty float64  `json:"difficulty"`
	}
	runJSON(t, &rows, "difficulty", "history", "--db", db)
	if len(rows) != 437 || rows[0].ChangePct != nil || rows[436].DurationS != nil || rows[435].DurationS == nil {
		t.Fatalf("%d rows; first change %v; last durations %v %v", len(rows), rows[0].ChangePct, rows[435].DurationS, rows[436].DurationS)
	}
	var drops []struct {
		Rank        int     `json:"rank"`
		StartHeight int64   `json:"start_height"`
		StartTime   string  `json:"start_time"`
		ChangePct   float64 `json:"change_pct"`
	}
	runJSON(t, &drops, "difficulty", "history", "--db", db, "--largest-drops", "10")
	// July 2021's China ban: the largest drop in history, dated by the
	// first block at the new difficulty (height 689,472).
	if len(drops) != 10 || drops[0].StartHeight != 689472 || !strings.HasPrefix(drops[0].StartTime, "2021-07-03") || drops[0].ChangePct > -27.9 {
		t.Fatalf("largest drops: %+v", drops)
	}
	var rank struct {
		Rank            int    `json:"rank"`
		LastAsLargeTime string `json:"last_as_large_time"`
	}
	runJSON(t, &rank, "difficulty", "history", "--db", db, "--rank", "-11.16%")
	if rank.Rank != 10 || !strings.HasPrefix(rank.LastAsLargeTime, "2021-07-03") {
		t.Fatalf("rank: %+v", rank)
	}
	var in2021 []struct {
		StartTime string `json:"start_time"`
	}
	runJSON(t, &in2021, "difficulty", "history", "--db", db, "--since", "2021-01-01", "--until", "2021-12-31")
	for _, r := range in2021 {
		if !strings.HasPrefix(r.StartTime, "2021-") {
			t.Errorf("period starting %s in 2021's range", r.StartTime)
		}
	}
	out, _, code := runCLI(t, "difficulty", "history", "--db", db, "--drawdowns", "3", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.HasPrefix(out, "rank,peak_height") {
		t.Fatalf("drawdowns CSV (exit %d):\n%s", code, out)
	}
	// The parent command keeps working.
	out, _, code = runCLI(t, "difficulty", "--bits", "1d00ffff", "--format", "csv")
	if code != 0 || !strings.Contains(out, "1d00ffff") {
		t.Fatalf("difficulty --bits: exit %d %s", code, out)
	}
}

func TestDifficultyHistoryUsageErrors(t *testing.T) {
	db := importedHistoryStore(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--largest-drops", "3", "--rank", "-5"}, "one of"},
		{[]string{"--rank", "abc"}, "--rank"},
		{[]string{"--rank", "0%"}, "--rank"},
		{[]string{"--since", "2021-13-01"}, "--since"},
		{[]string{"--largest-rises", "0"}, "--largest-rises"},
	} {
		_, errOut, code := runCLI(t, append([]string{"difficulty", "history", "--db", db}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, %q", c.args, code, errOut)
		}
	}
	if _, errOut, code := runCLI(t, "import", "bitcoinj-checkpoints", sharedElectrumJSON, "--db", db); code != 1 || !strings.Contains(errOut, "line 1") {
		t.Errorf("electrum file as bitcoinj: exit %d, %q", code, errOut)
	}
}

// Synced real blocks 0..14131 and both checkpoint files in one store: the
// synced periods come first and carry exact 2015-interval spans.
func TestDifficultyHistorySyncedAndImported(t *testing.T) {
	db := syncedMainnet(t)
	for _, f := range []string{sharedElectrumJSON, sharedBitcoinjTxt} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no ../shared/data: %v", err)
		}
	}
	runJSON(t, &struct{}{}, "import", "electrum-checkpoints", sharedElectrumJSON, "--db", db)
	runJSON(t, &struct{}{}, "import", "bitcoinj-checkpoints", sharedBitcoinjTxt, "--db", db)
	var rows []struct {
		Index    int64  `json:"index"`
		SpanFrom string `json:"span_from"`
		Sources  string `json:"sources"`
	}
	runJSON(t, &rows, "difficulty", "history", "--db", db)
	if len(rows) != 437 {
		t.Fatalf("%d periods", len(rows))
	}
	for _, r := range rows[:7] {
		if r.SpanFrom != "timestamps" || !strings.HasPrefix(r.Sources, "synced blocks+") {
			t.Errorf("period %d: span from %q, sources %q", r.Index, r.SpanFrom, r.Sources)
		}
	}
	if !strings.HasPrefix(rows[7].Sources, "synced blocks") || rows[8].Sources != "bitcoinj checkpoints+electrum checkpoints" {
		t.Errorf("periods 7, 8: %q, %q", rows[7].Sources, rows[8].Sources)
	}
}
