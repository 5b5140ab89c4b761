package sim

import (
	"context"
	"testing"

	"gonum.org/v1/plot"
)

// The block-time fan chart is on a log axis (a p95 spike of tens of
// thousands of seconds would flatten a linear one); the others stay linear.
func TestBlockTimeChartIsLogScale(t *testing.T) {
	s, err := LoadScenario("default")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), s, Options{Paths: 8, HorizonDays: 30, Seed: 7, Engine: EngineFast, Threads: 1}, RunControl{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := sum.fanPlot(mBlockTime, "block time", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("block time axis scale %T, want plot.LogScale", p.Y.Scale)
	}
	q, err := sum.fanPlot(mPrice, "price", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := q.Y.Scale.(plot.LogScale); ok {
		t.Error("the price axis is log too")
	}
}
