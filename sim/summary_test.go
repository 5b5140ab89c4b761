package sim

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/hashfall/hashfall/output"
)

// Sketch quantiles are within α of gonum's exact empirical quantile, and a
// merge of two halves equals the sketch of the whole.
func TestSketchAccuracyAndMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 5000)
	var all, a, b Sketch
	for i := range xs {
		xs[i] = math.Exp(3 * rng.NormFloat64())
		if i%7 == 0 {
			xs[i] = 0
		}
		all.Add(xs[i])
		if i%2 == 0 {
			a.Add(xs[i])
		} else {
			b.Add(xs[i])
		}
	}
	sort.Float64s(xs)
	for _, q := range []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 1} {
		want := stat.Quantile(q, stat.Empirical, xs, nil)
		got := all.Quantile(q)
		if math.Abs(got-want) > sketchAlpha*want {
			t.Errorf("q%.2f = %g, exact %g (α = %g)", q, got, want, sketchAlpha)
		}
	}
	b.Merge(&a)
	b.trim()
	all.trim()
	if !reflect.DeepEqual(b.Counts, all.Counts) || b.Zero != all.Zero || b.Offset != all.Offset {
		t.Error("merged halves differ from the whole")
	}
}

// comparable strips the wall-clock field that legitimately differs.
func comparable(s *Summary) *Summary {
	c := *s
	c.ComputeTime = 0
	return &c
}

func TestRunDeterministicAcrossThreads(t *testing.T) {
	s, _ := LoadScenario("default")
	o := Options{Paths: 8, HorizonDays: 60, Seed: 42, Engine: EngineBlock}
	o.Threads = 1
	a, err := Run(context.Background(), s, o, RunControl{})
	if err != nil {
		t.Fatal(err)
	}
	o.Threads = 4
	b, err := Run(context.Background(), s, o, RunControl{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(comparable(a), comparable(b)) {
		t.Error("1 and 4 threads give different summaries")
	}
	o.Seed = 43
	c, _ := Run(context.Background(), s, o, RunControl{})
	if reflect.DeepEqual(comparable(a).Daily, comparable(c).Daily) {
		t.Error("a different seed gives the same summary")
	}
}

// Shard helper: when run as a child process with HASHFALL_SIM_SHARD=k/n it
// writes that shard of the run described by the other variables and exits.
func TestHelperShardProcess(t *testing.T) {
	spec := os.Getenv("HASHFALL_SIM_SHARD")
	if spec == "" {
		t.Skip("helper for TestShardsFromSeparateProcesses")
	}
	var k, n int
	fmt.Sscanf(spec, "%d/%d", &k, &n)
	s, err := LoadScenario(os.Getenv("HASHFALL_SIM_SCENARIO"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), s, shardTestOptions(s), RunControl{Shard: k, Shards: n})
	if err != nil {
		t.Fatal(err)
	}
	if err := sum.WriteFile(os.Getenv("HASHFALL_SIM_OUT")); err != nil {
		t.Fatal(err)
	}
}

func shardTestOptions(s *Scenario) Options {
	if s.Kind == KindExogenous {
		return Options{Paths: 7, Seed: 5, Engine: EngineFast, Threads: 1}
	}
	return Options{Paths: 7, HorizonDays: 40, Seed: 5, Engine: EngineFast, Threads: 1}
}

// Shards written by separate processes merge into exactly what one run
// prints, for an economic and the exogenous scenario.
func TestShardsFromSeparateProcesses(t *testing.T) {
	for _, name := range []string{"ai-pivot", "exogenous"} {
		s, _ := LoadScenario(name)
		if s.Kind == KindExogenous {
			dir := t.TempDir()
			b, _ := builtinFS.ReadFile("scenarios/exogenous.yaml")
			y := strings.Replace(string(b), "epochs: 1000", "epochs: 30", 1)
			y = strings.Replace(y, "burn_in_epochs: 100", "burn_in_epochs: 5", 1)
			name = filepath.Join(dir, "exo.yaml")
			if err := os.WriteFile(name, []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			if s, _ = LoadScenario(name); s.Exogenous.Epochs != 30 {
				t.Fatal("test scenario not rewritten")
			}
		}
		whole, err := Run(context.Background(), s, shardTestOptions(s), RunControl{})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		const n = 3
		var parts []*Summary
		for k := n - 1; k >= 0; k-- { // merge order must not matter
			out := filepath.Join(dir, fmt.Sprintf("shard%d.gob.gz", k))
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperShardProcess$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("HASHFALL_SIM_SHARD=%d/%d", k, n), "HASHFALL_SIM_SCENARIO="+name, "HASHFALL_SIM_OUT="+out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("shard %d: %v\n%s", k, err, b)
			}
			p, err := ReadSummaryFile(out)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, p)
		}
		merged, err := MergeSummaries(parts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []output.Format{output.JSON, output.CSV, output.Table} {
			want := render(t, f, whole)
			got := render(t, f, merged)
			if !bytes.Equal(want, got) {
				t.Errorf("%s %s: merged output differs from one run", name, f)
			}
		}
		if _, err := MergeSummaries(parts[:2]); err == nil {
			t.Errorf("%s: merging two of three shards should fail", name)
		}
		if _, err := MergeSummaries(append(parts, parts[0])); err == nil {
			t.Errorf("%s: merging a shard twice should fail", name)
		}
	}
}

// render prints a summary's report without the wall-clock throughput.
func render(t *testing.T, f output.Format, s *Summary) []byte {
	t.Helper()
	r := s.Report(1)
	if e, ok := r.(ExogenousResult); ok {
		e.BlocksPerSecond = 0
		r = e
	}
	b, err := output.Render(f, r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMergeRejectsDifferentRuns(t *testing.T) {
	s, _ := LoadScenario("default")
	o := Options{Paths: 2, HorizonDays: 5, Seed: 1}
	a, _ := Run(context.Background(), s, o, RunControl{Shard: 0, Shards: 2})
	o.Seed = 2
	b, _ := Run(context.Background(), s, o, RunControl{Shard: 1, Shards: 2})
	if _, err := MergeSummaries([]*Summary{a, b}); err == nil {
		t.Error("shards of different seeds merged")
	}
	if _, err := ReadSummaryFile(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("reading a missing file should fail")
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("not gzip"), 0o644)
	if _, err := ReadSummaryFile(bad); err == nil {
		t.Error("reading garbage should fail")
	}
}

// The report carries the seeds' start, the event probabilities and the
// bands; the fan-chart page embeds one SVG per chart.
func TestReportAndHTML(t *testing.T) {
	s, _ := LoadScenario("bear")
	sum, err := Run(context.Background(), s, Options{Paths: 20, HorizonDays: 120, Seed: 3}, RunControl{})
	if err != nil {
		t.Fatal(err)
	}
	doc := sum.Report(30).(output.Document)
	if len(doc.Sections) != 4 {
		t.Fatalf("%d sections", len(doc.Sections))
	}
	bands := doc.Sections[3].Data.([]Band)
	if want := numMetrics * 5; len(bands) != want { // days 0, 30, 60, 90, 119
		t.Errorf("%d band rows, want %d", len(bands), want)
	}
	for _, b := range bands {
		if !(b.P5 <= b.P25 && b.P25 <= b.P50 && b.P50 <= b.P75 && b.P75 <= b.P95) {
			t.Errorf("%s day %d: quantiles out of order: %+v", b.Metric, b.Day, b)
		}
	}
	ev := doc.Sections[1].Data.([]EventProbability)
	if ev[0].Probability < ev[1].Probability || ev[1].Probability < ev[2].Probability {
		t.Errorf("P(fall > 5%%) ≥ P(> 10%%) ≥ P(> 20%%) violated: %+v", ev[:3])
	}
	var html bytes.Buffer
	if err := sum.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(html.String(), "<svg"); got != len(chartMetrics) {
		t.Errorf("%d inline SVGs, want %d", got, len(chartMetrics))
	}
	if strings.Contains(html.String(), "<?xml") {
		t.Error("inline SVG keeps its XML prolog")
	}
}
