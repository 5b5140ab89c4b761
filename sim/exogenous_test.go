package sim

import (
	"context"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/integrate"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func exogenousScenario(t testing.TB, growthPct float64, epochs, burnIn int) *Scenario {
	t.Helper()
	s, err := LoadScenario("exogenous")
	if err != nil {
		t.Fatal(err)
	}
	s.Exogenous.GrowthPctPer2W = growthPct
	s.Exogenous.Epochs = epochs
	s.Exogenous.BurnInEpochs = burnIn
	return s
}

// pathBlockTimes runs the exogenous scenario and returns each path's mean
// block time over the measured epochs, s.
func pathBlockTimes(t *testing.T, s *Scenario, o Options) []float64 {
	t.Helper()
	w, err := newWorld(s)
	if err != nil {
		t.Fatal(err)
	}
	o, err = o.normalize(s)
	if err != nil {
		t.Fatal(err)
	}
	paths, _, err := runExogenous(context.Background(), w, o, 0, o.Paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(paths))
	for i, p := range paths {
		out[i] = float64(p.TimeS) / float64(s.Exogenous.Epochs*retargetInterval)
	}
	return out
}

// checkMean asserts that the mean of i.i.d. per-path means is within
// 4 standard errors (plus a model tolerance) of want, and returns the SE.
func checkMean(t *testing.T, what string, xs []float64, want, modelTol float64) float64 {
	t.Helper()
	m, sd := stat.MeanStdDev(xs, nil)
	se := sd / math.Sqrt(float64(len(xs)))
	if math.Abs(m-want) > 4*se+modelTol {
		t.Errorf("%s: mean block time %.4f s ± %.4f (SE), want %.4f ± %.4f", what, m, se, want, 4*se+modelTol)
	}
	t.Logf("%s: mean block time %.4f s, SE %.4f s, analytic %.4f s", what, m, se, want)
	return se
}

// E[1/X] for X ~ Gamma(n, 1) is 1/(n−1): checked by integrating 1/x
// against gonum's Gamma density, independently of the closed form.
func TestReciprocalGammaMean(t *testing.T) {
	g := distuv.Gamma{Alpha: 2015, Beta: 1}
	const n = 20001
	xs := make([]float64, n)
	fs := make([]float64, n)
	lo, hi := 2015-12*math.Sqrt(2015), 2015+12*math.Sqrt(2015)
	for i := range xs {
		xs[i] = lo + (hi-lo)*float64(i)/(n-1)
		fs[i] = g.Prob(xs[i]) / xs[i]
	}
	got := integrate.Simpsons(xs, fs)
	if want := 1.0 / 2014; math.Abs(got-want) > 1e-9*want {
		t.Errorf("E[1/Gamma(2015)] = %.12g, want 1/2014 = %.12g", got, want)
	}
}

func TestExpectedMeanBlockTime(t *testing.T) {
	if got, want := ExpectedMeanBlockTimeS(0), 600*2016.0/2014; math.Abs(got-want) > 1e-9 {
		t.Errorf("G=0: %.9f, want 600·2016/2014 = %.9f", got, want)
	}
	// Continuous at g → 0.
	if a, b := ExpectedMeanBlockTimeS(1e-9), ExpectedMeanBlockTimeS(0); math.Abs(a-b) > 1e-6 {
		t.Errorf("not continuous at 0: %.9f vs %.9f", a, b)
	}
	// Kraft: growth makes blocks faster than 600 s, more so for more growth.
	prev := ExpectedMeanBlockTimeS(0)
	for _, g := range []float64{1, 5, 10, 20} {
		v := ExpectedMeanBlockTimeS(g)
		if v >= prev || v >= 600 {
			t.Errorf("g=%g%%: %.3f s, want < %.3f and < 600", g, v, prev)
		}
		prev = v
	}
	for _, x := range []float64{1e-6, 0.1, 1, 10} {
		w := lambertW0(x)
		if got := w * math.Exp(w); math.Abs(got-x) > 1e-12*(1+x) {
			t.Errorf("W(%g)·e^W = %g", x, got)
		}
	}
}

// At zero growth the fast engine's mean block time must hit
// 600·2016/2014 s within 4 SE. The SE (≈0.04 s) is small enough that
// forgetting either the off-by-one (600 s) or Jensen's term (600·2016/2015
// = 600.30 s) fails the test.
func TestExogenousZeroGrowthFast(t *testing.T) {
	paths, epochs := 200, 1000
	if raceEnabled {
		paths = 50
	}
	xs := pathBlockTimes(t, exogenousScenario(t, 0, epochs, 1), Options{Paths: paths, Engine: EngineFast, Seed: 11})
	se := checkMean(t, "fast G=0", xs, ExpectedMeanBlockTimeS(0), 0)
	if !raceEnabled && 8*se > 600*2016.0/2014-600*2016.0/2015 {
		t.Errorf("SE %.3f s too large to tell the analytic value from its Jensen-free version", se)
	}
}

func TestExogenousZeroGrowthBlock(t *testing.T) {
	paths, epochs := 40, 500
	if raceEnabled {
		paths, epochs = 8, 200
	}
	xs := pathBlockTimes(t, exogenousScenario(t, 0, epochs, 1), Options{Paths: paths, Engine: EngineBlock, Seed: 12})
	checkMean(t, "block G=0", xs, ExpectedMeanBlockTimeS(0), 0)
}

// With 10% growth per two weeks both engines must match Kraft's fixed
// point (≈549.6 s); the model tolerance covers the neglected 1e-4 terms.
func TestExogenousGrowthKraft(t *testing.T) {
	want := ExpectedMeanBlockTimeS(10)
	fastPaths, blockPaths := 100, 10
	if raceEnabled {
		fastPaths, blockPaths = 20, 3
	}
	xs := pathBlockTimes(t, exogenousScenario(t, 10, 400, 100), Options{Paths: fastPaths, Engine: EngineFast, Seed: 13})
	checkMean(t, "fast G=10%", xs, want, 1e-4*want)
	xs = pathBlockTimes(t, exogenousScenario(t, 10, 300, 100), Options{Paths: blockPaths, Engine: EngineBlock, Seed: 14})
	checkMean(t, "block G=10%", xs, want, 1e-4*want)
}

// ksPValue returns the asymptotic p-value of the two-sample Kolmogorov–
// Smirnov statistic d for samples of sizes n and m:
//
//	p = Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·d),  nₑ = nm/(n+m),
//	Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}
//
// (Kolmogorov's limiting distribution with Stephens' (1970) small-sample
// correction, as in Numerical Recipes §14.3).
func ksPValue(d float64, n, m int) float64 {
	ne := float64(n) * float64(m) / float64(n+m)
	lambda := (math.Sqrt(ne) + 0.12 + 0.11/math.Sqrt(ne)) * d
	if lambda < 0.2 {
		return 1
	}
	sum, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		term := sign * 2 * math.Exp(-2*float64(k*k)*lambda*lambda)
		sum += term
		if math.Abs(term) < 1e-12 {
			break
		}
		sign = -sign
	}
	return math.Min(1, math.Max(0, sum))
}

// The classic 5% and 1% critical values of the Kolmogorov distribution are
// λ = 1.358 and 1.628.
func TestKSPValue(t *testing.T) {
	for _, c := range []struct{ lambda, p float64 }{{1.358, 0.05}, {1.628, 0.01}} {
		// Large n makes the Stephens correction vanish.
		n := 1 << 40
		d := c.lambda / math.Sqrt(float64(n)/2)
		if got := ksPValue(d, n, n); math.Abs(got-c.p) > 0.001 {
			t.Errorf("Q_KS(%.3f) = %.4f, want %.3f", c.lambda, got, c.p)
		}
	}
}

// epochSamples returns the epoch durations (s) and difficulty ratios of the
// measured epochs of an exogenous run.
func epochSamples(t *testing.T, s *Scenario, o Options) (durations, ratios []float64) {
	t.Helper()
	w, err := newWorld(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < o.Paths; i++ {
		w.exogenousPath(i, o, func(ev retargetEvent) {
			durations = append(durations, float64(ev.epochDurationS))
			ratios = append(ratios, ev.newDifficulty/ev.oldDifficulty)
		})
	}
	return durations, ratios
}

func ksP(x, y []float64) float64 {
	sort.Float64s(x)
	sort.Float64s(y)
	return ksPValue(stat.KolmogorovSmirnov(x, nil, y, nil), len(x), len(y))
}

// The block and fast engines draw the same process, so their epoch
// durations and difficulty changes must agree in distribution. The same
// test must reject a 5% vs 8% growth pair, so it has the power to fail.
func TestEnginesAgreeKS(t *testing.T) {
	paths, epochs := 6, 400
	if raceEnabled {
		paths, epochs = 3, 200
	}
	s := exogenousScenario(t, 5, epochs, 20)
	bd, br := epochSamples(t, s, Options{Paths: paths, Engine: EngineBlock, Seed: 21})
	fd, fr := epochSamples(t, s, Options{Paths: paths, Engine: EngineFast, Seed: 22})
	if p := ksP(bd, fd); p < 0.001 {
		t.Errorf("epoch durations differ between engines: KS p = %.2g", p)
	}
	if p := ksP(br, fr); p < 0.001 {
		t.Errorf("difficulty changes differ between engines: KS p = %.2g", p)
	}
	other := exogenousScenario(t, 8, epochs, 20)
	od, _ := epochSamples(t, other, Options{Paths: paths, Engine: EngineFast, Seed: 23})
	if p := ksP(bd, od); p > 0.001 {
		t.Errorf("KS test cannot tell 5%% from 8%% growth: p = %.2g", p)
	}
}

func TestExogenousRejectsOverflowAndShrinking(t *testing.T) {
	s := exogenousScenario(t, 50, 100000, 100)
	if _, err := Run(context.Background(), s, Options{Paths: 1}, RunControl{}); err == nil {
		t.Error("100,000 epochs at 50% growth should overflow the target range")
	}
	s = exogenousScenario(t, -10, 100, 100)
	if _, err := Run(context.Background(), s, Options{Paths: 1}, RunControl{}); err == nil {
		t.Error("negative growth should be rejected")
	}
}
