package sweep

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

func benchSpec(b *testing.B, doc string) *Spec {
	b.Helper()
	p := filepath.Join(b.TempDir(), "spec.yaml")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		b.Fatal(err)
	}
	s, err := LoadSpec(p)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// scalingSpec: 8 cells × 64 paths × 365 days.
func scalingSpec(engine string) string {
	return fmt.Sprintf(`base: ai-pivot
paths: 64
horizon_days: 365
engine: %s
security_threshold_usd_per_day: 3.0e7
axes:
  - {key: start.fees_per_block_btc, values: [0.02, 0.1, 0.3, 0.9]}
  - {key: ai.revenue_usd_per_kwh, values: [0.1, 0.4]}
`, engine)
}

// benchLocal runs the whole sweep as `sweep local --workers N --tasks N`
// does: N tasks at once, one goroutine each, then the merge. It reports
// simulated blocks per second of wall time and per core in use
// (min(N, GOMAXPROCS)).
func benchLocal(b *testing.B, engine string, tasks int) {
	s := benchSpec(b, scalingSpec(engine))
	var blocks int64
	cpu0 := cpuSeconds()
	for b.Loop() {
		parts, err := s.RunLocal(context.Background(), tasks, tasks, nil)
		if err != nil {
			b.Fatal(err)
		}
		m, err := Merge(parts)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range m.Cells {
			blocks += c.Blocks
		}
	}
	sec := b.Elapsed().Seconds()
	// CPU seconds per wall second: 2 with both cores free to us, less
	// when other processes hold them.
	b.ReportMetric((cpuSeconds()-cpu0)/sec, "cores-busy")
	b.ReportMetric(float64(blocks)/sec, "blocks/s")
	b.ReportMetric(float64(blocks)/sec/float64(min(tasks, runtime.GOMAXPROCS(0))), "blocks/s/core")
}

func BenchmarkLocalFast1(b *testing.B)  { benchLocal(b, "fast", 1) }
func BenchmarkLocalFast2(b *testing.B)  { benchLocal(b, "fast", 2) }
func BenchmarkLocalFast4(b *testing.B)  { benchLocal(b, "fast", 4) }
func BenchmarkLocalFast8(b *testing.B)  { benchLocal(b, "fast", 8) }
func BenchmarkLocalBlock1(b *testing.B) { benchLocal(b, "block", 1) }
func BenchmarkLocalBlock2(b *testing.B) { benchLocal(b, "block", 2) }

// cpuSeconds is the process's user + system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkMerge10000Tasks merges 10,000 task files of a 1,000-cell ×
// 200-path sweep (the files are made once, outside the timing) and reports
// the heap the merge allocates.
func BenchmarkMerge10000Tasks(b *testing.B) {
	s := benchSpec(b, `base: default
paths: 200
horizon_days: 2
security_threshold_usd_per_day: 3.0e7
axes:
  - {key: start.fees_per_block_btc, range: {from: 0, to: 0.9, steps: 10}}
  - {key: ai.revenue_usd_per_kwh, range: {from: 0.05, to: 0.5, steps: 10}}
  - {key: price.drift_per_year, range: {from: -0.45, to: 0.45, steps: 10}}
`)
	const tasks = 10_000
	dir := b.TempDir()
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := s.RunTask(context.Background(), i, tasks, 1)
				if err == nil {
					err = r.WriteFile(filepath.Join(dir, FileName(s.Hash(), i, tasks)))
				}
				if err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := range tasks {
		next <- i
	}
	close(next)
	wg.Wait()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		r, err := MergeDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Cells) != 1000 {
			b.Fatalf("%d cells", len(r.Cells))
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MiB-alloc/op")
}

// BenchmarkTaskInProcess is a task's work besides simulating: load the
// spec, plan, build one cell's scenario, run one 1-day path, write the
// file. The process start is measured by the CLI benchmark.
func BenchmarkTaskInProcess(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(p, []byte(`base: default
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
		s, err := LoadSpec(p)
		if err != nil {
			b.Fatal(err)
		}
		r, err := s.RunTask(context.Background(), i%1000, 1000, 1)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.WriteFile(filepath.Join(dir, FileName(s.Hash(), i%1000, 1000))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
