package metrics

import (
	"context"
	"math"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/internal/mainnetblk"
)

var (
	mainnetOnce   sync.Once
	mainnetBlocks []chain.Block
	mainnetErr    error
)

// mainnet returns btcd's real mainnet blocks 0..14131 from the module cache.
func mainnet(tb testing.TB) []chain.Block {
	tb.Helper()
	mainnetOnce.Do(func() {
		src, err := chain.OpenBlk(mainnetblk.Path(tb), &chaincfg.MainNetParams)
		if err != nil {
			mainnetErr = err
			return
		}
		tip, _ := src.Tip(context.Background())
		mainnetBlocks, mainnetErr = src.Blocks(context.Background(), 0, tip.Height)
	})
	if mainnetErr != nil {
		tb.Skipf("btcd mainnet blocks unavailable: %v", mainnetErr)
	}
	return mainnetBlocks
}

// All 14,132 real blocks are at difficulty 1, whose work is exactly
// 2^256/(target+1) = 0x100010001 = 4295032833 hashes. So getnetworkhashps
// has the closed form lookup·4295032833/(max t − min t), computed here
// from the timestamps alone.
func TestNetworkHashPSMainnetClosedForm(t *testing.T) {
	blocks := mainnet(t)
	tip := blocks[len(blocks)-1].Height
	for _, c := range [][2]int64{{120, -1}, {-1, -1}, {1, 500}, {2016, 4031}, {-1, 4032}, {-1, 4031}, {50000, 9000}, {10, 1}} {
		first, last, ok, err := CoreWindow(tip, c[0], c[1], 2016)
		if err != nil || !ok {
			t.Fatalf("%v: %v %v", c, ok, err)
		}
		got := NetworkHashPS(blocks[first : last+1])
		minT, maxT := int64(math.MaxInt64), int64(math.MinInt64)
		for h := first; h <= last; h++ {
			minT, maxT = min(minT, blocks[h].TimeS), max(maxT, blocks[h].TimeS)
		}
		want := float64(last-first) * 4295032833 / float64(maxT-minT)
		if math.Abs(got-want) > want*1e-15 {
			t.Errorf("getnetworkhashps%v = %.17g, want %.17g", c, got, want)
		}
	}
	// Core's argument handling.
	if _, _, ok, _ := CoreWindow(tip, 120, 0, 2016); ok {
		t.Error("height 0 must give 0")
	}
	if f, l, _, _ := CoreWindow(tip, -1, 4031, 2016); f != 2015 || l != 4031 {
		t.Errorf("-1 at 4031: %d..%d, want since the retarget at 2016, from its parent 2015", f, l)
	}
	for _, bad := range [][2]int64{{0, -1}, {-2, -1}, {120, tip + 1}, {120, -2}} {
		if _, _, _, err := CoreWindow(tip, bad[0], bad[1], 2016); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// synthetic builds a chain of n+1 blocks at constant bits whose intervals
// are exponential at hashrate hs (synthetic data, for estimator checks).
func synthetic(rng *rand.Rand, n int, bits uint32, hs float64, startS int64) []chain.Block {
	w := consensus.BlockWork(bits)
	wf, _ := new(big.Float).SetInt(w).Float64()
	blocks := make([]chain.Block, n+1)
	t := float64(startS)
	work := new(big.Int)
	for i := range blocks {
		if i > 0 {
			t += rng.ExpFloat64() * wf / hs
		}
		work = new(big.Int).Add(work, w)
		blocks[i] = chain.Block{Height: int64(i), TimeS: int64(math.Round(t)), Bits: bits, ChainWork: work}
	}
	return blocks
}

// Monte Carlo: over many synthetic windows the unbiased estimator averages
// to the true hashrate, getnetworkhashps to n/(n−1) times it, and the 90%
// interval covers the truth 90% of the time.
func TestUnbiasedMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, trials = 12, 20000
	const hs = 1e20
	bits := uint32(0x17053894)
	var sumUnbiased, sumCore float64
	covered := 0
	for range trials {
		bs := synthetic(rng, n, bits, hs, 1_700_000_000)
		e, err := Unbiased(bs, 0.9)
		if err != nil {
			continue // a zero span after rounding to seconds: vanishingly rare
		}
		sumUnbiased += e.HashrateHs
		// Core's W/T with T = t_last − t_first (timestamps are monotone here).
		sumCore += e.HashrateHs * n / (n - 1)
		if e.CILowHs <= hs && hs <= e.CIHighHs {
			covered++
		}
	}
	if m := sumUnbiased / trials / hs; math.Abs(m-1) > 0.01 {
		t.Errorf("unbiased mean / truth = %.4f, want 1 ± 0.01", m)
	}
	if m := sumCore / trials / hs; math.Abs(m-float64(n)/(n-1)) > 0.012 {
		t.Errorf("W/T mean / truth = %.4f, want n/(n−1) = %.4f", m, float64(n)/(n-1))
	}
	if c := float64(covered) / trials; math.Abs(c-0.9) > 0.01 {
		t.Errorf("90%% interval coverage = %.4f", c)
	}
}

// With 3 blocks (n = 2 intervals) the Gamma(2, 1) CDF is 1 − e^−x(1+x):
// the interval's ends must sit at those quantiles.
func TestUnbiasedIntervalClosedForm(t *testing.T) {
	w := consensus.BlockWork(0x1d00ffff)
	bs := []chain.Block{
		{Height: 10, TimeS: 1000, ChainWork: big.NewInt(0)},
		{Height: 11, TimeS: 1500, ChainWork: new(big.Int).Set(w)},
		{Height: 12, TimeS: 2200, ChainWork: new(big.Int).Lsh(w, 1)},
	}
	e, err := Unbiased(bs, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	wf := 4295032833.0
	cdf := func(x float64) float64 { return 1 - math.Exp(-x)*(1+x) }
	if got := cdf(e.CILowHs * 1200 / wf); math.Abs(got-0.1) > 1e-9 {
		t.Errorf("CDF at low end = %.12f, want 0.1", got)
	}
	if got := cdf(e.CIHighHs * 1200 / wf); math.Abs(got-0.9) > 1e-9 {
		t.Errorf("CDF at high end = %.12f, want 0.9", got)
	}
	if want := wf * 1 / 1200; math.Abs(e.HashrateHs-want) > want*1e-15 {
		t.Errorf("hashrate = %g, want %g", e.HashrateHs, want)
	}
}

func TestUnbiasedErrors(t *testing.T) {
	bs := mainnet(t)
	if _, err := Unbiased(bs[:2], 0.9); err == nil {
		t.Error("2 blocks accepted")
	}
	if _, err := Unbiased(bs[:100], 1); err == nil {
		t.Error("confidence 1 accepted")
	}
	flat := []chain.Block{bs[5], bs[6], bs[7]}
	flat[2].TimeS = flat[0].TimeS
	if _, err := Unbiased(flat, 0.9); err == nil {
		t.Error("zero span accepted")
	}
}
