package sim

import (
	"context"
	"math/rand/v2"
	"testing"
)

// benchExogenous runs the exogenous scenario single-threaded and reports
// simulated blocks per second.
func benchExogenous(b *testing.B, engine string, growthPct float64, threads int) {
	s, err := LoadScenario("exogenous")
	if err != nil {
		b.Fatal(err)
	}
	s.Exogenous.GrowthPctPer2W = growthPct
	s.Exogenous.Epochs = 200
	s.Exogenous.BurnInEpochs = 0
	w, err := newWorld(s)
	if err != nil {
		b.Fatal(err)
	}
	o := Options{Paths: threads, Engine: engine, Threads: threads}
	var blocks int64
	for b.Loop() {
		paths, _, err := runExogenous(context.Background(), w, o, 0, threads, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range paths {
			blocks += p.Blocks
		}
		o.Seed++
	}
	b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
	b.ReportMetric(float64(b.N*threads)/b.Elapsed().Seconds(), "paths/s")
}

func BenchmarkExogenousBlockG0(b *testing.B)         { benchExogenous(b, EngineBlock, 0, 1) }
func BenchmarkExogenousFastG0(b *testing.B)          { benchExogenous(b, EngineFast, 0, 1) }
func BenchmarkExogenousBlockG10(b *testing.B)        { benchExogenous(b, EngineBlock, 10, 1) }
func BenchmarkExogenousFastG10(b *testing.B)         { benchExogenous(b, EngineFast, 10, 1) }
func BenchmarkExogenousBlockG0Threads2(b *testing.B) { benchExogenous(b, EngineBlock, 0, 2) }
func BenchmarkExogenousFastG0Threads2(b *testing.B)  { benchExogenous(b, EngineFast, 0, 2) }

func BenchmarkExpPCG(b *testing.B) {
	src := rand.NewPCG(1, 2)
	var sink float64
	for b.Loop() {
		sink += expPCG(src)
	}
	_ = sink
}

// benchDefault runs the default scenario, 100 paths × 2 years per op.
func benchDefault(b *testing.B, engine string, threads int) {
	s, err := LoadScenario("default")
	if err != nil {
		b.Fatal(err)
	}
	const paths = 400
	var blocks int64
	for b.Loop() {
		sum, err := Run(context.Background(), s, Options{Paths: paths, Engine: engine, Threads: threads}, RunControl{})
		if err != nil {
			b.Fatal(err)
		}
		blocks += sum.Blocks
	}
	b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
	b.ReportMetric(float64(b.N*paths)/b.Elapsed().Seconds(), "paths/s")
}

func BenchmarkDefaultBlock(b *testing.B)        { benchDefault(b, EngineBlock, 1) }
func BenchmarkDefaultFast(b *testing.B)         { benchDefault(b, EngineFast, 1) }
func BenchmarkDefaultFastThreads2(b *testing.B) { benchDefault(b, EngineFast, 2) }
