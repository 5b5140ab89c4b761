package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noda-btc runs end to end on the block engine by default, in every
// format, and the fast engine refuses it with the reason.
func TestSimulateNoda(t *testing.T) {
	var r struct {
		Rule             string  `json:"rule"`
		Engine           string  `json:"engine"`
		Paths            int     `json:"paths"`
		MeanBlockTimeMin float64 `json:"mean_block_time_min"`
	}
	runJSON(t, &r, "simulate", "--scenario", "noda-btc", "--paths", "8")
	if r.Rule != "btc" || r.Engine != "block" || r.Paths != 8 || r.MeanBlockTimeMin < 9 || r.MeanBlockTimeMin > 15 {
		t.Fatalf("noda-btc: %+v", r)
	}
	out, errOut, code := runCLI(t, "simulate", "--scenario", "noda-bch", "--paths", "4", "--format", "csv")
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errOut)
	}
	if recs, err := csv.NewReader(strings.NewReader(out)).ReadAll(); err != nil || len(recs) != 2 {
		t.Fatalf("csv: %d records, %v:\n%s", len(recs), err, out)
	}
	if out, _, code := runCLI(t, "simulate", "--scenario", "noda-btc", "--paths", "2"); code != 0 || !strings.Contains(out, "not Bitcoin Core's rule") {
		t.Fatalf("table: exit %d:\n%s", code, out)
	}
	_, errOut, code = runCLI(t, "simulate", "--scenario", "noda-btc", "--engine", "fast", "--paths", "2")
	if code != 1 || !strings.Contains(errOut, "cannot run the Noda model exactly") {
		t.Fatalf("fast engine: exit %d: %s", code, errOut)
	}
	_, errOut, code = runCLI(t, "simulate", "--scenario", "noda-btc", "--horizon-days", "3")
	if code != 2 || !strings.Contains(errOut, "horizon-days") {
		t.Fatalf("--horizon-days: exit %d: %s", code, errOut)
	}
}

// --replay prints one row per reported block of the given draws; a bad
// file is a one-line error naming the line.
func TestSimulateNodaReplay(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("price_usd,exp1\n")
	for k := 0; k < 3*201; k++ {
		fmt.Fprintf(&b, "%g,1\n", 5400+float64(k%7))
	}
	good := filepath.Join(dir, "inputs.csv")
	if err := os.WriteFile(good, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	scen := filepath.Join(dir, "short.yaml")
	if err := os.WriteFile(scen, []byte("base: noda-btc\nname: short\nnoda: {length: 200}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "simulate", "--scenario", scen, "--replay", good, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 150 || recs[0][0] != "block_time_min" {
		t.Fatalf("%d records, %v, header %v", len(recs), err, recs[0])
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("price_usd,exp1\n5400,1\n5400,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, "simulate", "--scenario", "noda-btc", "--replay", bad)
	if code != 1 || !strings.Contains(errOut, "line 3") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Fatalf("bad file: exit %d: %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "simulate", "--scenario", "default", "--replay", good)
	if code != 2 || !strings.Contains(errOut, "noda") {
		t.Fatalf("economic scenario: exit %d: %s", code, errOut)
	}
}
