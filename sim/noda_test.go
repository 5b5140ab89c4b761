package sim

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/internal/testbin"
)

// nodaPeerDir is the peer simulator's folder, a sibling of the worktree.
const nodaPeerDir = "../../shared/peers/noda-daa"

// nodaPeer returns Debian's python3 and the peer's absolute folder, or
// skips (fails under CI=true) when either is missing or numpy/pandas do
// not import.
func nodaPeer(t testing.TB) (python, dir string) {
	t.Helper()
	python = testbin.Need(t, "python3-numpy", "/usr/bin/python3")
	dir, err := filepath.Abs(nodaPeerDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "simulation_fixed_path.py")); err != nil {
		testbin.Missing(t, "the Noda peer simulator is not at %s: %v", dir, err)
	}
	if out, err := exec.Command(python, "-c", "import numpy, pandas").CombinedOutput(); err != nil {
		testbin.Missing(t, "%s cannot import numpy and pandas (apt-get install python3-numpy python3-pandas): %s", python, strings.TrimSpace(string(out)))
	}
	return python, dir
}

// runPeer runs testdata/noda_peer.py with args and returns its CSV output
// (header dropped) as numbers.
func runPeer(t *testing.T, python, dir string, args ...string) [][]float64 {
	t.Helper()
	cmd := exec.Command(python, append([]string{filepath.Join("testdata", "noda_peer.py"), dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("peer %v: %v: %s", args, err, stderr.String())
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("peer output: %v", err)
	}
	rows := make([][]float64, 0, len(recs))
	for _, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for k, cell := range rec {
			if row[k], err = strconv.ParseFloat(cell, 64); err != nil {
				t.Fatalf("peer output %q: %v", cell, err)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func nodaScenario(t testing.TB, name string) *Scenario {
	t.Helper()
	s, err := LoadScenario(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// drawNodaInputs draws a price grid of length·ubd_param points (the
// model's walk) and as many Exp(1) variates, as the peer's
// generate_prices and generate_exprvs do, from hashfall's own generators.
func drawNodaInputs(m *NodaModel, seed uint64) NodaInputs {
	src := rand.NewPCG(seed, 0)
	norm := rand.New(src)
	n := m.Length * m.UbdParam
	in := NodaInputs{PriceGrid: make([]float64, n), Exp: make([]float64, n)}
	in.PriceGrid[0] = m.InitPrice - m.PriceShock
	for k := 1; k < n; k++ {
		p := in.PriceGrid[k-1]
		in.PriceGrid[k] = p + m.Mu*p*m.BTarget + m.Sigma*math.Sqrt(m.BTarget)*norm.NormFloat64()*p
	}
	for i := range in.Exp {
		in.Exp[i] = expPCG(src)
	}
	return in
}

func writeNodaInputs(t *testing.T, in NodaInputs) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("price_usd,exp1\n")
	for k := range in.PriceGrid {
		fmt.Fprintf(&b, "%s,%s\n", strconv.FormatFloat(in.PriceGrid[k], 'g', -1, 64), strconv.FormatFloat(in.Exp[k], 'g', -1, 64))
	}
	path := filepath.Join(t.TempDir(), "inputs.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The same price path and Exp(1) draws, read from one file by both
// simulators, must give the same block times, winning rates, hash rates
// and prices for every block of a 12,096-block run, under both rules.
func TestNodaReplayMatchesPeer(t *testing.T) {
	python, dir := nodaPeer(t)
	for _, name := range []string{"noda-btc", "noda-bch"} {
		t.Run(name, func(t *testing.T) {
			m := nodaScenario(t, name).Noda
			path := writeNodaInputs(t, drawNodaInputs(&m, 7))
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			in, err := ReadNodaInputs(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			trace, st, err := ReplayNoda(&m, in)
			if err != nil {
				t.Fatal(err)
			}
			peer := runPeer(t, python, dir, "replay", m.Rule, strconv.Itoa(m.Length), path)
			if len(peer) != len(trace) || len(trace) < 12000 {
				t.Fatalf("hashfall reports %d blocks, the peer %d (want the same, ≈12,096)", len(trace), len(peer))
			}
			worst := 0.0
			for i, b := range trace {
				for k, v := range []float64{b.BlockTimeMin, b.WinningRate, b.HashRateEHs, b.PriceUSD} {
					rel := math.Abs(v-peer[i][k]) / math.Abs(peer[i][k])
					worst = max(worst, rel)
					if !(rel <= 1e-9) {
						t.Fatalf("block %d column %d: hashfall %.17g, peer %.17g (relative %.3g)", i, k, v, peer[i][k], rel)
					}
				}
			}
			t.Logf("%s: %d blocks, worst relative difference %.3g, mean block time %.4f min", name, len(trace), worst, st.MeanBlockTimeMin)
		})
	}
}

// A replay whose inputs run out must say so instead of inventing numbers.
func TestNodaReplayShortInputs(t *testing.T) {
	m := nodaScenario(t, "noda-btc").Noda
	in := drawNodaInputs(&m, 1)
	in.Exp = in.Exp[:100]
	if _, _, err := ReplayNoda(&m, in); err == nil || !strings.Contains(err.Error(), "draw 100") {
		t.Fatalf("100 draws for a 12,096-block run: err = %v", err)
	}
}

func TestReadNodaInputsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "line 1"},
		{"price,exp\n1,1\n", "header"},
		{"price_usd,exp1\n", "no rows"},
		{"price_usd,exp1\n1,1\n1,-1\n", "line 3: exp1"},
		{"price_usd,exp1\nNaN,1\n", "line 2: price_usd"},
		{"price_usd,exp1\n1,1,1\n", "line 2"},
	} {
		_, err := ReadNodaInputs(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want it to mention %q", c.in, err, c.want)
		}
	}
}

func FuzzReadNodaInputs(f *testing.F) {
	f.Add("price_usd,exp1\n5400,0.5\n5401,2\n")
	f.Add("price_usd,exp1\n1e308,1e-308\n")
	f.Add("price_usd,exp1\n\"5400\",1\n")
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ReadNodaInputs(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(in.PriceGrid) != len(in.Exp) || len(in.PriceGrid) == 0 {
			t.Fatalf("%d prices, %d draws", len(in.PriceGrid), len(in.Exp))
		}
		for k := range in.Exp {
			if !(in.PriceGrid[k] > 0) || !(in.Exp[k] > 0) || math.IsInf(in.PriceGrid[k], 0) || math.IsInf(in.Exp[k], 0) {
				t.Fatalf("row %d: %g, %g", k, in.PriceGrid[k], in.Exp[k])
			}
		}
		m := nodaScenario(t, "noda-btc").Noda
		m.Length = 20
		if _, st, err := ReplayNoda(&m, in); err == nil && (math.IsNaN(st.MeanBlockTimeMin) || math.IsInf(st.MeanBlockTimeMin, 0)) {
			t.Fatalf("replay gave mean block time %g without an error", st.MeanBlockTimeMin)
		}
	})
}

// nodaSamples returns hashfall's per-run mean block time, final winning
// rate and longest block time over runs paths of m.
func nodaSamples(m *NodaModel, runs int, seed uint64) [3][]float64 {
	var out [3][]float64
	for i := 0; i < runs; i++ {
		st := NodaPath(m, seed, i)
		out[0] = append(out[0], st.MeanBlockTimeMin)
		out[1] = append(out[1], st.FinalWinningRate)
		out[2] = append(out[2], st.MaxBlockTimeMin)
	}
	return out
}

// nodaDistRuns and nodaDistLength size the in-distribution test: 1,000
// runs of each simulator, each 1,500 blocks long so that it contains
// DAA-1's first retarget (942 blocks in) and the peer's 1,000 runs take
// about 20 s at its ≈100k blocks/s.
const nodaDistRuns, nodaDistLength = 1000, 1500

// With each simulator's own random numbers (numpy's for the peer, xoshiro256++ for
// hashfall), 1,000 runs must give the same distributions of the mean block
// time, the final winning rate and the longest block interval by a
// two-sample KS test; the same test must reject hashfall with the sigmoid's
// centre moved from 1.5 to 1.6 USD/EH, so it has the power to fail.
func TestNodaPeerDistribution(t *testing.T) {
	python, dir := nodaPeer(t)
	m := nodaScenario(t, "noda-btc").Noda
	m.Length = nodaDistLength
	rows := runPeer(t, python, dir, "dist", m.Rule, strconv.Itoa(m.Length), strconv.Itoa(nodaDistRuns), "1")
	if len(rows) != nodaDistRuns {
		t.Fatalf("peer gave %d runs, want %d", len(rows), nodaDistRuns)
	}
	var peer [3][]float64
	for _, r := range rows {
		for k := range peer {
			peer[k] = append(peer[k], r[k])
		}
	}
	names := []string{"mean block time", "final winning rate", "longest block time"}
	ours := nodaSamples(&m, nodaDistRuns, 1)
	for k, name := range names {
		p := ksP(append([]float64(nil), ours[k]...), append([]float64(nil), peer[k]...))
		t.Logf("same parameters, %s: KS p = %.3g", name, p)
		if p < 0.01 {
			t.Errorf("same parameters, %s: KS p = %.3g < 0.01: the simulators disagree", name, p)
		}
	}
	perturbed := m
	perturbed.HashCenter = 1.6
	theirs := nodaSamples(&perturbed, nodaDistRuns, 1)
	minP := 1.0
	for k, name := range names {
		p := ksP(append([]float64(nil), theirs[k]...), append([]float64(nil), peer[k]...))
		t.Logf("hash_center 1.6, %s: KS p = %.3g", name, p)
		minP = min(minP, p)
	}
	if minP > 1e-6 {
		t.Errorf("hash_center 1.5 → 1.6: smallest KS p = %.3g; the test cannot tell the models apart", minP)
	}
}

// nodaOutcome runs name with the changes applied and returns the printed result.
func nodaOutcome(t *testing.T, name string, paths int, change func(*NodaModel)) NodaResult {
	t.Helper()
	s := nodaScenario(t, name)
	change(&s.Noda)
	if err := s.validate(); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), s, Options{Paths: paths, Engine: EngineBlock, Seed: 5}, RunControl{})
	if err != nil {
		t.Fatal(err)
	}
	return sum.Report(1).(NodaResult)
}

// nodaPaperShockUSD takes the start price from 5,400 to 4,200 USD, so that
// the expected reward S·W·M = 4200·0.00003·12.5 = 1.575 USD/EH is the
// paper's starting point (1.578 USD/EH at height 551442, the lowest of its
// pre-simulation data, right above the sigmoid's centre 1.5) while the
// winning rate still reflects the old price.
const nodaPaperShockUSD = 1200

// Section 6.3, Table 2 of Noda, Okumura and Hashimoto (5,000 runs from
// height 551442): DAA-1(2016) mean block time 12.80 min, a block over 120
// min in 85.0% of runs and over 180 min in 53.4%; DAA-2(144) 10.03 min,
// 18.4% and 0.2%. hashfall alone must reproduce the finding: after the
// price shock, Bitcoin's rule lets block times stretch (mean well above 10
// min, multi-hour blocks in most runs) while BCH's keeps the mean at 10 min
// and almost never gives a three-hour block. Bitcoin Core's exact rule
// (btc-core) must not change that conclusion.
func TestNodaPaperFindings(t *testing.T) {
	paths := 400
	if raceEnabled {
		paths = 100
	}
	shock := func(rule string) func(*NodaModel) {
		return func(m *NodaModel) { m.PriceShock, m.Rule = nodaPaperShockUSD, rule }
	}
	btc := nodaOutcome(t, "noda-btc", paths, shock(NodaRuleBTC))
	bch := nodaOutcome(t, "noda-bch", paths, shock(NodaRuleBCH))
	core := nodaOutcome(t, "noda-btc", paths, shock(NodaRuleBTCCore))
	calm := nodaOutcome(t, "noda-btc", paths, func(*NodaModel) {})
	for _, r := range []NodaResult{btc, bch, core, calm} {
		t.Logf("%-8s shock %4.0f: mean %.3f min, >120 min %.3f, >180 min %.3f, median longest %.1f min",
			r.Rule, r.PriceShockUSD, r.MeanBlockTimeMin, r.ShareOver120Min, r.ShareOver180Min, r.MedianMaxBlockTimeMin)
	}
	if btc.MeanBlockTimeMin < 11.5 || btc.ShareOver120Min < 0.7 || btc.ShareOver180Min < 0.25 {
		t.Errorf("DAA-1 after the shock: mean %.3f min, >120 %.3f, >180 %.3f; the paper has 12.80, 0.85, 0.53", btc.MeanBlockTimeMin, btc.ShareOver120Min, btc.ShareOver180Min)
	}
	if math.Abs(bch.MeanBlockTimeMin-10.03) > 0.1 || bch.ShareOver120Min > 0.3 || bch.ShareOver180Min > 0.02 {
		t.Errorf("DAA-2 after the shock: mean %.3f min, >120 %.3f, >180 %.3f; the paper has 10.03, 0.18, 0.002", bch.MeanBlockTimeMin, bch.ShareOver120Min, bch.ShareOver180Min)
	}
	if core.MeanBlockTimeMin < btc.MeanBlockTimeMin*0.995 || core.MeanBlockTimeMin > btc.MeanBlockTimeMin*1.02 || core.ShareOver180Min < 0.25 {
		t.Errorf("Core's exact rule after the shock: mean %.3f min (the model's DAA-1 %.3f), >180 %.3f: the conclusion should not change", core.MeanBlockTimeMin, btc.MeanBlockTimeMin, core.ShareOver180Min)
	}
	if btc.MeanBlockTimeMin-calm.MeanBlockTimeMin < 1 {
		t.Errorf("DAA-1 mean %.3f min after the shock against %.3f without: the shock should drive the instability", btc.MeanBlockTimeMin, calm.MeanBlockTimeMin)
	}
}

// The batches that interleave DAA-1 runs must return exactly what one run
// at a time returns, for full and partial batches, with the kernels this
// CPU runs (AVX2 on most amd64) and with the Go ones.
func TestNodaLanesMatchSingle(t *testing.T) {
	shocked := nodaScenario(t, "noda-btc").Noda
	shocked.PriceShock = nodaPaperShockUSD // long blocks and large retargets too
	// A winning rate ten times too high gives 1-minute blocks, so the runs
	// stop at length·ubd_param periods before the horizon.
	capped := nodaScenario(t, "noda-btc").Noda
	capped.PrevWinningRate, capped.UbdParam, capped.Length = 3e-4, 2, 1500
	// An odd length leaves the last Box–Muller pair half used.
	odd := nodaScenario(t, "noda-btc").Noda
	odd.Length = 3001
	// A walk whose steps multiply the price by up to ±85 overflows float64
	// within a few hundred steps; with hash_slope 0, y = 0·Inf is NaN.
	overflow := nodaScenario(t, "noda-btc").Noda
	overflow.HashSlope, overflow.Sigma, overflow.BTarget, overflow.TBTC, overflow.Length = 0, 0.1, 1e4, 20, 2000
	chain, fillExp, fillGrid := nodaChain, nodaFillExp, nodaFillGrid
	defer func() { nodaChain, nodaFillExp, nodaFillGrid = chain, fillExp, fillGrid }()
	for _, kernels := range []string{"native", "go"} {
		if kernels == "go" {
			nodaChain, nodaFillExp, nodaFillGrid = nodaChainGo, nodaFillExpGo, nodaFillGridGo
		}
		for _, m := range []NodaModel{shocked, capped, odd, overflow} {
			const paths = 2*nodaBatch + 3
			out := make([]NodaPathStats, paths)
			nodaPaths(&m, 3, 100, 100+paths, out, nil)
			nonFinite := 0
			for i, got := range out {
				if want := NodaPath(&m, 3, 100+i); !sameNodaStats(got, want) {
					t.Fatalf("%s kernels, path %d: batch %+v, one at a time %+v", kernels, 100+i, got, want)
				}
				if math.IsNaN(got.MeanBlockTimeMin) {
					nonFinite++
				}
			}
			if m.Sigma == overflow.Sigma && nonFinite == 0 {
				t.Fatal("the overflowing walk gave no NaN: the test no longer reaches that path")
			}
			if m.UbdParam == 2 && out[0].Simulated != m.Length*m.UbdParam {
				t.Fatalf("capped run simulated %d blocks, want %d", out[0].Simulated, m.Length*m.UbdParam)
			}
		}
	}
}

// sameNodaStats is a == b with NaN equal to NaN.
func sameNodaStats(a, b NodaPathStats) bool {
	same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	return a.Blocks == b.Blocks && a.Simulated == b.Simulated && same(a.MeanBlockTimeMin, b.MeanBlockTimeMin) &&
		same(a.StdBlockTimeMin, b.StdBlockTimeMin) && same(a.MaxBlockTimeMin, b.MaxBlockTimeMin) &&
		same(a.FinalWinningRate, b.FinalWinningRate) && same(a.FinalHashRateEHs, b.FinalHashRateEHs)
}

// A price walk that overflows float64 must stop the run with an error that
// names the parameter, not print NaN.
func TestNodaOverflowIsAnError(t *testing.T) {
	s := nodaScenario(t, "noda-btc")
	s.Noda.HashSlope, s.Noda.Sigma, s.Noda.BTarget, s.Noda.TBTC, s.Noda.Length = 0, 0.1, 1e4, 20, 2000
	if err := s.validate(); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), s, Options{Paths: 8, Engine: EngineBlock, Seed: 1}, RunControl{})
	if err == nil || !strings.Contains(err.Error(), "noda.sigma_per_sqrt_min") {
		t.Fatalf("err = %v, want one naming noda.sigma_per_sqrt_min", err)
	}
}

// No compiler may fuse a multiply and an add in the Noda model's code: the
// AVX2 kernels round every step, and a fused step would make a batch and
// a single run (or two CPUs) disagree in the last bits. The package is
// compiled for arm64 and for amd64 v3, where Go does fuse, and the
// assembly listing of every Noda function is searched for fused
// instructions; nodaResult, which only summarises, may have them.
func TestNodaNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package twice")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	for _, target := range []struct {
		env   []string
		fused *regexp.Regexp
	}{
		{[]string{"GOARCH=arm64"}, regexp.MustCompile(`\tF(N)?M(ADD|SUB)D\t`)},
		{[]string{"GOARCH=amd64", "GOAMD64=v3"}, regexp.MustCompile(`\tVF(N)?M(ADD|SUB)[0-9]+SD\t`)},
	} {
		cmd := exec.Command(goTool, "build", "-gcflags=-S", "-o", os.DevNull, ".")
		cmd.Env = append(os.Environ(), append(target.env, "CGO_ENABLED=0")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v go build: %v\n%.2000s", target.env, err, out)
		}
		fn, checked := "", 0
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[1] == "STEXT" {
				fn = f[0]
				if strings.Contains(strings.ToLower(fn), "noda") && !strings.Contains(fn, "nodaResult") {
					checked++
				}
				continue
			}
			if strings.Contains(strings.ToLower(fn), "noda") && !strings.Contains(fn, "nodaResult") && target.fused.MatchString(line) {
				t.Errorf("%v: %s fuses a multiply and an add: %s", target.env, fn, strings.TrimSpace(line))
			}
		}
		if checked < 10 {
			t.Errorf("%v: only %d Noda functions in the listing; the test no longer sees them", target.env, checked)
		}
	}
}
