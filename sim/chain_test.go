package sim

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
)

// The ziggurat must produce Exp(1): mean 1, variance 1, and a two-sample
// KS test against gonum's exponential sampler.
func TestExpPCGDistribution(t *testing.T) {
	src := rand.NewPCG(3, 4)
	const n = 200000
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = expPCG(src)
	}
	m, v := stat.MeanVariance(xs, nil)
	if math.Abs(m-1) > 5/math.Sqrt(n) {
		t.Errorf("mean = %.5f, want 1", m)
	}
	if math.Abs(v-1) > 5*math.Sqrt(8.0/n) { // Var of the sample variance of Exp(1) is 8/n
		t.Errorf("variance = %.5f, want 1", v)
	}
	ref := make([]float64, n)
	e := distuv.Exponential{Rate: 1, Src: rand.NewPCG(5, 6)}
	for i := range ref {
		ref[i] = e.Rand()
	}
	if p := ksP(xs, ref); p < 0.001 {
		t.Errorf("KS p = %.2g against gonum's Exp(1)", p)
	}
	// The tail beyond the ziggurat's base must be reached and be right:
	// P(X > 8) = e^−8.
	sort.Float64s(xs)
	tail := float64(n-sort.SearchFloat64s(xs, 8)) / n
	if want := math.Exp(-8); math.Abs(tail-want) > 5*math.Sqrt(want/n) {
		t.Errorf("P(X>8) = %.2e, want %.2e", tail, want)
	}
}

// A 90% hashrate collapse makes the epoch ~10× too long; the consensus
// clamp limits the fall to 4× (the target rises at most 4×).
func TestRetargetClampsAtFourTimes(t *testing.T) {
	for _, engine := range []string{EngineBlock, EngineFast} {
		p := &chaincfg.MainNetParams
		bits, err := bitsForDifficulty(p, 141.7e12)
		if err != nil {
			t.Fatal(err)
		}
		c := newChain(p, engine, rand.NewPCG(1, 1), 2016*463, bits)
		h := economics.ImpliedHashrateHs(c.difficulty) / 10
		for len(c.events) == 0 {
			c.advance(secondsPerDay, h)
		}
		ev := c.events[0]
		if ev.epochDurationS < 4*1209600 {
			t.Fatalf("%s: epoch took %d s at a tenth of the hashrate, want more than 4·1209600 s", engine, ev.epochDurationS)
		}
		want := consensus.NextWorkRequired(p, bits, 0, 4*1209600) // the clamped result
		if got := ev.newDifficulty; got != consensus.DifficultyFromBits(want.Bits) {
			t.Errorf("%s: difficulty after clamp = %g, want %g", engine, got, consensus.DifficultyFromBits(want.Bits))
		}
		if r := ev.newDifficulty / ev.oldDifficulty; math.Abs(r-0.25) > 1e-4 {
			t.Errorf("%s: clamped ratio = %.6f, want 0.25", engine, r)
		}
	}
}

// At difficulty 1 a slow epoch cannot lower the difficulty: powLimit caps
// the target.
func TestRetargetPowLimit(t *testing.T) {
	p := &chaincfg.MainNetParams
	c := newChain(p, EngineFast, rand.NewPCG(1, 2), 0, p.PowLimitBits)
	h := economics.ImpliedHashrateHs(1) / 2
	for len(c.events) == 0 {
		c.advance(secondsPerDay, h)
	}
	if d := c.events[0].newDifficulty; d != 1 {
		t.Errorf("difficulty after a slow epoch at powLimit = %g, want 1", d)
	}
}

// Mainnet's fourth halving is at height 840,000: 6.25 → 3.125 BTC.
func TestSubsidyAcrossHalving(t *testing.T) {
	p := &chaincfg.MainNetParams
	if got, want := subsidySat(p, 839_999, 840_001), int64(625_000_000+312_500_000); got != want {
		t.Errorf("subsidy of blocks 839999..840000 = %d sat, want %d", got, want)
	}
	if got, want := subsidySat(p, 0, 420_000), int64(210_000*5_000_000_000+210_000*2_500_000_000); got != want {
		t.Errorf("subsidy of the first two eras = %d sat, want %d", got, want)
	}
}

// Within an epoch the fast engine's daily block counts are Poisson with
// mean H·86400/(D·2^32): mean and variance both 144 at the implied rate.
func TestFastEngineDailyCountsPoisson(t *testing.T) {
	p := &chaincfg.MainNetParams
	bits, _ := bitsForDifficulty(p, 141.7e12)
	var counts []float64
	for path := 0; path < 400; path++ {
		c := newChain(p, EngineFast, rand.NewPCG(9, uint64(path)), 2016*463, bits)
		h := economics.ImpliedHashrateHs(c.difficulty)
		for day := 0; day < 10; day++ { // well inside the first epoch
			counts = append(counts, float64(c.advance(secondsPerDay, h)))
		}
	}
	m, v := stat.MeanVariance(counts, nil)
	n := float64(len(counts))
	if math.Abs(m-144) > 5*math.Sqrt(144/n) {
		t.Errorf("mean blocks/day = %.3f, want 144", m)
	}
	if math.Abs(v-144) > 5*144*math.Sqrt(2/n) {
		t.Errorf("variance of blocks/day = %.3f, want 144 (Poisson)", v)
	}
}

// The block engine's hot loop must not allocate: a day inside an epoch
// (≈144 blocks, no retarget) costs zero allocations.
func TestBlockEngineDoesNotAllocate(t *testing.T) {
	p := &chaincfg.MainNetParams
	bits, _ := bitsForDifficulty(p, 141.7e12)
	c := newChain(p, EngineBlock, rand.NewPCG(1, 3), 2016*463+1, bits)
	h := economics.ImpliedHashrateHs(c.difficulty)
	allocs := testing.AllocsPerRun(5, func() {
		c.advance(secondsPerDay, h)
	})
	if allocs != 0 {
		t.Errorf("a day of the block engine allocates %.0f times", allocs)
	}
	if len(c.events) != 0 {
		t.Fatalf("the test days crossed a retarget")
	}
}
