package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"gonum.org/v1/gonum/stat"

	"github.com/hashfall/hashfall/economics"
)

// Seed 004 (004_b3078c83a3b438cd.txt): at ≈890 EH/s and ≈$76,000 the
// network "is effectively paying about 3.5 cents per terahash per day for
// its security", and a 51% attack costs "billions of dollars". Day 0 of the
// default scenario must reproduce both.
func TestSecurityFiguresSeed004(t *testing.T) {
	s, _ := LoadScenario("default")
	w := mustWorld(t, s)
	var perTH, build, rent []float64
	for i := 0; i < 400; i++ {
		w.simulatePath(i, Options{HorizonDays: 1, Engine: EngineFast, Seed: 31}, func(_ int, r *dayRecord) {
			perTH = append(perTH, r.securityBudgetUSDPerDay/(r.HashrateHs/1e12))
			build = append(build, r.build51USD)
			rent = append(rent, r.rent51USDPerDay)
		})
	}
	if m := stat.Mean(perTH, nil); math.Abs(m-0.035) > 0.0015 {
		t.Errorf("security budget = $%.4f per TH/s per day, want ≈ $0.035 (seed 004)", m)
	}
	if build[0] < 1e9 || build[0] > 1e11 {
		t.Errorf("cost to build 51%% = $%.3g, want billions (seed 004)", build[0])
	}
	// Renting the honest hashrate for a day costs its revenue plus 10%:
	// ≈1 ZH/s × $34/PH/day × 1.1.
	if want := 1e21 / 1e15 * 34 * 1.1; math.Abs(rent[0]-want) > 0.05*want {
		t.Errorf("cost to rent 51%% for a day = $%.3g, want ≈ $%.3g", rent[0], want)
	}
}

// Seed 001 (001_5a78b7d26449070f.txt): a hashrate that "dipped below one
// zettahash" while difficulty stood for more gave a difficulty drop of
// "over 11%". An epoch mined at 88.5% of the hashrate the difficulty stands
// for must retarget by 0.885·2016/2014 − 1 ≈ −11.4% on average
// (ExpectedMeanBlockTimeS's derivation with H scaled by 0.885).
func TestElevenPercentDropSeed001(t *testing.T) {
	p := &chaincfg.MainNetParams
	bits, _ := bitsForDifficulty(p, 141.7e12)
	var changes []float64
	for path := 0; path < 300; path++ {
		c := newChain(p, EngineFast, rand.NewPCG(17, uint64(path)), 2016*463, bits)
		h := 0.885 * economics.ImpliedHashrateHs(c.difficulty)
		for len(c.events) == 0 {
			c.advance(secondsPerDay, h)
		}
		changes = append(changes, (c.events[0].newDifficulty/c.events[0].oldDifficulty-1)*100)
	}
	m, sd := stat.MeanStdDev(changes, nil)
	want := (0.885*2016/2014 - 1) * 100
	if se := sd / math.Sqrt(float64(len(changes))); math.Abs(m-want) > 4*se {
		t.Errorf("mean difficulty change = %.3f%% ± %.3f, want %.3f%%", m, se, want)
	}
	if m > -11 {
		t.Errorf("mean change %.2f%% is not a fall of over 11%% (seed 001)", m)
	}
}
