package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/sweep"
)

const cliSweepSpec = `name: cli
base: default
paths: 9
horizon_days: 60
security_threshold_usd_per_day: 3.2e7
axes:
  - {key: start.fees_per_block_btc, unit: BTC/block, values: [0.01, 0.2, 0.6]}
  - {key: ai.revenue_usd_per_kwh, unit: USD/kWh, values: [0.1, 0.3]}
`

// sweep run over 3 tasks (one from SLURM_ARRAY_TASK_ID, one from
// JOB_COMPLETION_INDEX), then merge, gives the bytes of "sweep run --task
// 0/1", and sweep local prints what merge prints.
func TestSweepCLIMergeEqualsOneTask(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(cliSweepSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	tasks, one := filepath.Join(dir, "tasks"), filepath.Join(dir, "one")
	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("hashfall %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	mustRun("sweep", "run", spec, "--task", "0/3", "--out", tasks)
	t.Setenv("SLURM_ARRAY_TASK_ID", "1")
	mustRun("sweep", "run", spec, "--tasks", "3", "--out", tasks)
	os.Unsetenv("SLURM_ARRAY_TASK_ID")
	t.Setenv("JOB_COMPLETION_INDEX", "2")
	mustRun("sweep", "run", spec, "--tasks", "3", "--out", tasks)
	os.Unsetenv("JOB_COMPLETION_INDEX")

	merged := mustRun("sweep", "merge", tasks, "--format", "csv")
	mustRun("sweep", "run", spec, "--task", "0/1", "--out", one)
	s, err := sweep.LoadSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(filepath.Join(tasks, sweep.MergedFileName(s.Hash())))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(one, sweep.FileName(s.Hash(), 0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatalf("merged file (%d bytes) differs from the one-task file (%d bytes)", len(a), len(b))
	}
	if local := mustRun("sweep", "local", spec, "--workers", "2", "--tasks", "5", "--format", "csv"); local != merged {
		t.Fatalf("sweep local prints\n%s\nmerge prints\n%s", local, merged)
	}
	if lines := strings.Count(merged, "\n"); lines != 1+6 || !strings.HasPrefix(merged, "cell,start_fees_per_block_btc,ai_revenue_usd_per_kwh,paths,p_security_budget_below") {
		t.Fatalf("CSV is not one table of 6 cells:\n%s", merged)
	}
	if out := mustRun("sweep", "frontier", tasks, "--x", "ai.revenue_usd_per_kwh", "--y", "start.fees_per_block_btc", "--level", "0.5", "--chart", filepath.Join(dir, "f.png"), "--format", "csv"); !strings.HasPrefix(out, "ai_revenue_usd_per_kwh,start_fees_per_block_btc_at_level\n") {
		t.Fatalf("frontier CSV:\n%s", out)
	}
	if png, err := os.ReadFile(filepath.Join(dir, "f.png")); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("frontier chart is not a PNG: %v", err)
	}

	// Usage errors exit 2 with one line; a missing task exits 1 naming it.
	for _, args := range [][]string{
		{"sweep", "run", spec, "--task", "3/3", "--out", tasks},
		{"sweep", "run", spec, "--out", tasks},
		{"sweep", "run", spec, "--task", "0/1"},
		{"sweep", "plan", spec, "--tasks", "0"},
		{"sweep", "plan", filepath.Join(dir, "nope.yaml")},
	} {
		if _, errOut, code := runCLI(t, args...); code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("hashfall %v: exit %d, stderr %q; want 2 and one line", args, code, errOut)
		}
	}
	os.Remove(filepath.Join(tasks, sweep.FileName(s.Hash(), 1, 3)))
	if _, errOut, code := runCLI(t, "sweep", "merge", tasks); code != 1 || !strings.Contains(errOut, "missing 1 of 3 tasks: 1 ("+sweep.FileName(s.Hash(), 1, 3)+")") {
		t.Errorf("merge with task 1 gone: exit %d, %q", code, errOut)
	}
}
