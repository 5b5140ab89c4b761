package sim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// logReturns simulates n paths for days days and returns ln(P_T/P_0).
func logReturns(m PriceModel, n, days int) []float64 {
	s := &Scenario{Price: m, Start: StartState{PriceUSD: 50000}}
	out := make([]float64, n)
	for i := range out {
		p := newPriceProcess(s, rand.New(rand.NewPCG(7, uint64(i))))
		for d := 0; d < days; d++ {
			p.step()
		}
		out[i] = math.Log(p.price() / 50000)
	}
	return out
}

// GBM: ln(P_T/P_0) ~ N((μ − σ²/2)T, σ²T).
func TestGBMMoments(t *testing.T) {
	const mu, sigma, n = 0.2, 0.6, 20000
	xs := logReturns(PriceModel{Model: "gbm", DriftPerYear: mu, VolatilityPerYear: sigma}, n, 365)
	m, v := stat.MeanVariance(xs, nil)
	if want := mu - sigma*sigma/2; math.Abs(m-want) > 5*sigma/math.Sqrt(n) {
		t.Errorf("E[ln P_T/P_0] = %.4f, want %.4f", m, want)
	}
	if want := sigma * sigma; math.Abs(v-want) > 5*want*math.Sqrt(2.0/n) {
		t.Errorf("Var = %.4f, want %.4f", v, want)
	}
}

// Merton: the compensator keeps E[P_T] = P_0·e^{μT}, and
// E[ln P_T/P_0] = (μ − σ²/2 − λk + λμ_J)T,
// Var = (σ² + λ(μ_J² + σ_J²))T.
func TestMertonMoments(t *testing.T) {
	const mu, sigma, lambda, muJ, sJ, n = 0.1, 0.3, 6.0, -0.1, 0.05, 20000
	xs := logReturns(PriceModel{Model: "merton", DriftPerYear: mu, VolatilityPerYear: sigma, JumpsPerYear: lambda, JumpMeanLog: muJ, JumpStdLog: sJ}, n, 365)
	k := math.Exp(muJ+sJ*sJ/2) - 1
	m, v := stat.MeanVariance(xs, nil)
	wantVar := sigma*sigma + lambda*(muJ*muJ+sJ*sJ)
	if want := mu - sigma*sigma/2 - lambda*k + lambda*muJ; math.Abs(m-want) > 5*math.Sqrt(wantVar/n) {
		t.Errorf("E[ln P_T/P_0] = %.4f, want %.4f", m, want)
	}
	if math.Abs(v-wantVar) > 0.05*wantVar {
		t.Errorf("Var = %.4f, want %.4f", v, wantVar)
	}
	ps := make([]float64, n)
	for i, x := range xs {
		ps[i] = math.Exp(x)
	}
	pm, psd := stat.MeanStdDev(ps, nil)
	if want := math.Exp(mu); math.Abs(pm-want) > 5*psd/math.Sqrt(n) {
		t.Errorf("E[P_T/P_0] = %.4f, want e^μ = %.4f", pm, want)
	}
}

const priceCSV = `date,close
2024-01-03,110
2024-01-01,100
2024-01-02,105
2024-01-05,120
2024-01-06,90
`

// Rows are sorted by date; the 01-03→01-05 gap is not a daily return.
func TestParsePriceLogReturns(t *testing.T) {
	got, err := parsePriceLogReturns(strings.NewReader(priceCSV))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{math.Log(105.0 / 100), math.Log(110.0 / 105), math.Log(90.0 / 120)}
	if len(got) != len(want) {
		t.Fatalf("got %d returns, want %d", len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("return %d = %g, want %g", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"date,close\n2024-01-01,abc\n", "2024-01-01,-5\n2024-01-02,5\n", "date,close\n", "2024-01-01,1e308\n2024-01-02,1e-320\n2024-01-03,1\n"} {
		if _, err := parsePriceLogReturns(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

// Each bootstrap step adds one of the historical returns.
func TestBootstrapDrawsHistoricalReturns(t *testing.T) {
	rets, _ := parsePriceLogReturns(strings.NewReader(priceCSV))
	s := &Scenario{Price: PriceModel{Model: "bootstrap"}, Start: StartState{PriceUSD: 1000}, bootstrapLogReturns: rets}
	p := newPriceProcess(s, rand.New(rand.NewPCG(1, 1)))
	seen := map[int]bool{}
	for i := 0; i < 200; i++ {
		before := math.Log(p.price())
		p.step()
		step := math.Log(p.price()) - before
		found := false
		for j, r := range rets {
			if math.Abs(step-r) < 1e-9 {
				seen[j], found = true, true
			}
		}
		if !found {
			t.Fatalf("step %g is not a historical return", step)
		}
	}
	if len(seen) != len(rets) {
		t.Errorf("bootstrap used %d of %d returns in 200 draws", len(seen), len(rets))
	}
}

// "Fall to $60k over 30 days, then flat."
func TestScriptedPrice(t *testing.T) {
	pts := []PricePoint{{Day: 30, PriceUSD: 60000}}
	for _, c := range []struct {
		day  int
		want float64
	}{{0, 76176}, {15, 76176 + 0.5*(60000-76176)}, {30, 60000}, {400, 60000}} {
		if got := scriptedPrice(pts, 76176, c.day); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("day %d: %.2f, want %.2f", c.day, got, c.want)
		}
	}
}

func TestFeeModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	if got := feesPerBlockBTC(&FeeModel{Model: "constant"}, 0.025, 76176, 50000, rng); got != 0.025 {
		t.Errorf("constant: %g", got)
	}
	if got, want := feesPerBlockBTC(&FeeModel{Model: "price_scaled", PriceElasticity: -1}, 0.025, 76176, 38088, rng), 0.05; math.Abs(got-want) > 1e-15 {
		t.Errorf("price_scaled with ε=−1 at half the price: %g, want %g", got, want)
	}
	const n = 100000
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = feesPerBlockBTC(&FeeModel{Model: "lognormal", SigmaLog: 0.5}, 0.025, 1, 1, rng)
	}
	m, sd := stat.MeanStdDev(xs, nil)
	if math.Abs(m-0.025) > 5*sd/math.Sqrt(n) {
		t.Errorf("lognormal mean = %g, want 0.025", m)
	}
	// Var of F0·exp(σZ − σ²/2) is F0²(e^{σ²} − 1).
	if want := 0.025 * math.Sqrt(math.Expm1(0.25)); math.Abs(sd-want) > 0.03*want {
		t.Errorf("lognormal sd = %g, want %g", sd, want)
	}
}

func FuzzParsePriceLogReturns(f *testing.F) {
	f.Add(priceCSV)
	f.Add("2024-02-28,1\n2024-02-29,2\n2024-03-01,3\n")
	f.Add("date;close\n")
	f.Add("2024-01-01,1e308\n2024-01-02,1e-320\n2024-01-03,1\n")
	f.Fuzz(func(t *testing.T, data string) {
		rets, err := parsePriceLogReturns(strings.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		for _, r := range rets {
			if math.IsNaN(r) || math.IsInf(r, 0) {
				t.Errorf("non-finite return %g", r)
			}
		}
	})
}
