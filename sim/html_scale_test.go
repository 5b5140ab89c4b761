package sim

import (
	"context"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// The block-time fan chart is on a log axis (a p95 spike of tens of
// thousands of seconds would flatten a linear one); the others stay linear.
func TestLogTicksInsideOneDecade(t *testing.T) {
	got := logTicks(451.3, 800.2)
	if len(got) != 3 || got[0].Label != "500" || got[1].Label != "451" || got[2].Label != "800" {
		t.Errorf("ticks for 451.3–800.2: %+v, want 500 and both ends in plain digits", got)
	}
	var labels []string
	for _, tk := range logTicks(1, 1000) {
		labels = append(labels, tk.Label)
	}
	if strings.Join(labels, " ") != "1 2 5 10 20 50 100 200 500 1000" {
		t.Errorf("ticks for 1–1000: %v", labels)
	}
}

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
	labels := 0
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Label != "" {
			labels++
		}
	}
	if labels < 2 {
		t.Errorf("block time axis %g–%g s has %d labelled ticks, want ≥ 2", p.Y.Min, p.Y.Max, labels)
	}
	q, err := sum.fanPlot(mPrice, "price", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := q.Y.Scale.(plot.LogScale); ok {
		t.Error("the price axis is log too")
	}
}
