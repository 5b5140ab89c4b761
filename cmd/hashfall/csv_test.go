package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/internal/testbin"
)

// Every command's CSV is one rectangular table, with a header row, that
// encoding/csv (and pandas.read_csv, where installed) loads as is: no
// "# section" lines, no stacked tables, no notes on stdout.
func TestEveryCommandCSVIsOneTable(t *testing.T) {
	dir := t.TempDir()
	db := syncedMainnet(t)
	prices := filepath.Join(dir, "prices.csv")
	// SYNTHETIC closes over the synced blocks' dates.
	if err := os.WriteFile(prices, []byte("date,close\n2009-01-03,3\n2009-05-01,3\n2009-05-02,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(cliSweepSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	fleet := "../../examples/fleet.yaml"
	tasks := filepath.Join(dir, "tasks")
	shard := filepath.Join(dir, "s.gob")
	// Commands in the order they must run (later ones read what earlier
	// ones wrote). Key: command path without "hashfall ".
	type step struct {
		cmd  string
		args []string
	}
	steps := []step{
		{"import prices", []string{"import", "prices", prices, "--db", db}},
		{"sync", []string{"sync", "--blk", "../../internal/mainnetblk/testdata/none", "--db", db}},
		{"hashprice", []string{"hashprice", "--price", "75000", "--difficulty", "141.7T"}},
		{"machines", []string{"machines", "--price", "75000", "--difficulty", "141.7T", "--power-cost", "0.05"}},
		{"report", []string{"report"}},
		{"security", []string{"security"}},
		{"liquidate", []string{"liquidate", "--btc", "100", "--sigma", "1000", "--eta", "1", "--gamma", "0.1"}},
		{"retarget", []string{"retarget", "--bits", "1d00ffff", "--first-time", "1261130161", "--last-time", "1262152739"}},
		{"subsidy", []string{"subsidy", "--height", "840000"}},
		{"fleet status", []string{"fleet", "status", fleet}},
		{"fleet rundown", []string{"fleet", "rundown", fleet}},
		{"fleet curtail", []string{"fleet", "curtail", fleet, "--synthetic-seed", "1"}},
		{"fleet schedule", []string{"fleet", "schedule", fleet, "--prices", "../../power/testdata/ercot_rt_2024-11-03.csv",
			"--price-format", "ercot-rt", "--settlement-point", "HB_WEST"}},
		{"fleet pivot", []string{"fleet", "pivot", fleet, "--site", "west-texas", "--paths", "4", "--horizon-days", "62"}},
		{"simulate", []string{"simulate", "--scenario", "default", "--paths", "4", "--horizon-days", "30"}},
		{"merge", nil}, // after simulate --out below
		{"hashrate", []string{"hashrate", "--db", db}},
		{"nextretarget", []string{"nextretarget", "--db", db}},
		{"signals", []string{"signals", "--db", db}},
		{"pools series", []string{"pools", "series", "--db", db}},
		{"sweep plan", []string{"sweep", "plan", spec, "--tasks", "2"}},
		{"sweep run", []string{"sweep", "run", spec, "--task", "0/1", "--out", tasks}},
		{"sweep merge", []string{"sweep", "merge", tasks}},
		{"sweep local", []string{"sweep", "local", spec, "--workers", "1", "--tasks", "1"}},
		{"sweep frontier", []string{"sweep", "frontier", tasks, "--x", "ai.revenue_usd_per_kwh", "--y", "start.fees_per_block_btc", "--level", "0.5"}},
		{"sweep sensitivity", []string{"sweep", "sensitivity", tasks}},
	}
	skipped := map[string]string{
		"serve":                       "a server, not a table (serve_test)",
		"sync":                        "covered through syncedMainnet; its CSV is checked below",
		"import electrum-checkpoints": "needs ../shared/data; same emit path as import prices",
		"import bitcoinj-checkpoints": "needs ../shared/data; same emit path as import prices",
		"energy":                      "needs a store of blocks after 2013 (catalog models); same emit path as signals",
		"pools luck":                  "needs blocks with pool tags; same emit path as pools series",
		"difficulty history":          "needs ../shared/data; same emit path as pools series",
	}
	covered := map[string]bool{}
	for _, s := range steps {
		covered[s.cmd] = true
	}
	walkCommands(newRootCmd(), func(c *cobra.Command) {
		name := strings.TrimPrefix(c.CommandPath(), "hashfall ")
		if c.Runnable() && !c.HasSubCommands() && !covered[name] && skipped[name] == "" {
			t.Errorf("command %q has no CSV case", name)
		}
	})
	if out, errOut, code := runCLI(t, "simulate", "--scenario", "default", "--paths", "4", "--horizon-days", "30", "--out", shard); code != 0 {
		t.Fatalf("simulate --out: exit %d %s %s", code, out, errOut)
	}
	var outputs [][2]string
	for _, s := range steps {
		args := s.args
		switch s.cmd {
		case "merge":
			args = []string{"merge", shard}
		case "sync":
			continue
		}
		out, errOut, code := runCLI(t, append(args, "--format", "csv")...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", s.cmd, code, errOut)
			continue
		}
		checkOneTable(t, s.cmd, out)
		outputs = append(outputs, [2]string{s.cmd, out})
	}
	t.Run("pandas", func(t *testing.T) {
		testbin.Need(t, "python3-pandas", "/usr/bin/python3")
		if err := exec.Command("/usr/bin/python3", "-c", "import pandas").Run(); err != nil {
			testbin.Missing(t, "python3-pandas: /usr/bin/python3 cannot import pandas: %v", err)
		}
		checkPandas(t, outputs)
	})
}

func checkOneTable(t *testing.T, name, out string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(out))
	r.FieldsPerRecord = 0 // every row as wide as the header
	recs, err := r.ReadAll()
	if err != nil {
		t.Errorf("%s: CSV is not one rectangular table: %v\n%s", name, err, out)
		return
	}
	if len(recs) < 1 || strings.HasPrefix(out, "#") || strings.Contains(out, "\n#") || strings.Contains(out, "\n\n") {
		t.Errorf("%s: CSV has %d records or section lines:\n%s", name, len(recs), out)
	}
}

// checkPandas loads every output with pandas.read_csv and no options, in
// one Python process: each must have as many columns as its header.
func checkPandas(t *testing.T, outputs [][2]string) {
	t.Helper()
	in, err := json.Marshal(outputs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", `
import sys, io, json, pandas
bad = []
for name, text in json.load(sys.stdin):
    try:
        df = pandas.read_csv(io.StringIO(text))
        header = text.splitlines()[0].count(",") + 1
        if df.shape[1] != header:
            bad.append("%s: %d columns, header has %d" % (name, df.shape[1], header))
    except Exception as e:
        bad.append("%s: %s" % (name, e))
print("\n".join(bad))
sys.exit(1 if bad else 0)
`)
	cmd.Stdin = bytes.NewReader(in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("pandas.read_csv: %v\n%s", err, b)
	}
}
