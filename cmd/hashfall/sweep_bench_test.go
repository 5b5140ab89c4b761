package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkSweepTaskProcess is the per-task overhead a scheduler sees:
// start the hashfall process, load the spec, plan 1,000 tasks, run one
// 1-day path, write the result file atomically, exit.
// BenchmarkProcessStartFloor execs /bin/true, the floor of any process.
func BenchmarkSweepTaskProcess(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "hashfall")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(`base: default
paths: 1
horizon_days: 1
security_threshold_usd_per_day: 3.0e7
axes:
  - {key: start.fees_per_block_btc, range: {from: 0, to: 0.9, steps: 10}}
  - {key: ai.revenue_usd_per_kwh, range: {from: 0.05, to: 0.5, steps: 100}}
`), 0o644); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		cmd := exec.Command(bin, "sweep", "run", spec, "--task", fmt.Sprintf("%d/1000", i%1000), "--out", dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		i++
	}
}

func BenchmarkProcessStartFloor(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
