package metrics

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// epochAt returns synthetic blocks (exponential intervals at hashrate hs)
// from the period start S = 2016·k through S+m, plus the rest of the
// period continued at the same rate.
func epochAt(rng *rand.Rand, k int64, m int, bits uint32, hs float64) (sofar, full []chain.Block) {
	bs := synthetic(rng, 2015, bits, hs, 1_700_000_000)
	for i := range bs {
		bs[i].Height += 2016 * k
	}
	return bs[:m+1], bs
}

// Calibration: R·λ ~ Gamma(r) and T·λ ~ Gamma(n) under the true rate, so
// the forecast's 5–95% date band is an exact 90% prediction interval. The
// realised end of simulated periods must fall inside it 90% of the time.
func TestNextRetargetCalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	p := &chaincfg.MainNetParams
	const trials = 3000
	inside := 0
	for range trials {
		sofar, full := epochAt(rng, 400, 300, 0x17053894, 7e20)
		f, err := NextRetarget(p, sofar, sofar, 0)
		if err != nil {
			t.Fatal(err)
		}
		end := full[len(full)-1].TimeS
		if f.TimeP5S <= end && end <= f.TimeP95S {
			inside++
		}
	}
	if c := float64(inside) / trials; math.Abs(c-0.9) > 0.02 {
		t.Errorf("coverage of the 5–95%% band = %.3f, want 0.90", c)
	}
}

// The Beta-quantile closed form against direct sampling of the posterior:
// λ from Gamma(n, T), then R as a sum of r exponentials at λ.
func TestNextRetargetMatchesSampling(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	p := &chaincfg.MainNetParams
	sofar, _ := epochAt(rng, 400, 800, 0x17053894, 7e20)
	nowS := sofar[len(sofar)-1].TimeS + 900
	f, err := NextRetarget(p, sofar, sofar, nowS)
	if err != nil {
		t.Fatal(err)
	}
	n := float64(len(sofar) - 1)
	r := 2015 - n
	exposure := float64(nowS - sofar[0].TimeS)
	src := rand.New(rand.NewPCG(15, 16))
	post := distuv.Gamma{Alpha: n, Beta: exposure, Src: src}
	ends := make([]float64, 40000)
	for i := range ends {
		ends[i] = float64(nowS) + distuv.Gamma{Alpha: r, Beta: post.Rand(), Src: src}.Rand()
	}
	slices.Sort(ends)
	for _, c := range []struct {
		q    float64
		gotS int64
	}{{0.05, f.TimeP5S}, {0.5, f.TimeP50S}, {0.95, f.TimeP95S}} {
		want := ends[int(c.q*float64(len(ends)))]
		if math.Abs(float64(c.gotS)-want) > 0.01*(want-float64(nowS)) {
			t.Errorf("p%.0f end = %d, sampling gives %.0f", c.q*100, c.gotS, want)
		}
	}
	if !(f.ChangeP5Pct <= f.ChangeP50Pct && f.ChangeP50Pct <= f.ChangeP95Pct) {
		t.Errorf("change quantiles out of order: %+v", f)
	}
	// Every level of Quantiles against the same sampling (1% of the
	// remaining time, 2% at the 1% and 99% tails), and the change's
	// q-quantile is the consensus rule applied at the date's (1−q).
	if len(f.Quantiles) != len(RetargetQuantileLevels) {
		t.Fatalf("%d quantiles", len(f.Quantiles))
	}
	byQ := map[float64]RetargetQuantile{}
	for i, qt := range f.Quantiles {
		byQ[qt.Q] = qt
		want := ends[int(qt.Q*float64(len(ends)))]
		tol := 0.01
		if qt.Q < 0.05 || qt.Q > 0.95 {
			tol = 0.02
		}
		if math.Abs(float64(qt.TimeS)-want) > tol*(want-float64(nowS)) {
			t.Errorf("q%.2f end = %d, sampling gives %.0f", qt.Q, qt.TimeS, want)
		}
		if i > 0 && (qt.TimeS < f.Quantiles[i-1].TimeS || qt.ChangePct < f.Quantiles[i-1].ChangePct) {
			t.Errorf("quantiles not monotone at q%.2f: %+v after %+v", qt.Q, qt, f.Quantiles[i-1])
		}
	}
	for _, qt := range f.Quantiles {
		other := byQ[math.Round((1-qt.Q)*100)/100]
		rt := consensus.NextWorkRequired(p, sofar[0].Bits, sofar[0].TimeS, other.TimeS)
		if want := 100 * (consensus.DifficultyFromBits(rt.Bits)/f.Difficulty - 1); qt.ChangePct != want {
			t.Errorf("q%.2f change %g%%, the rule at the q%.2f date gives %g%%", qt.Q, qt.ChangePct, other.Q, want)
		}
	}
	if byQ[0.05].ChangePct != f.ChangeP5Pct || byQ[0.5].TimeS != f.TimeP50S || byQ[0.95].ChangePct != f.ChangeP95Pct {
		t.Errorf("quantiles disagree with p5/p50/p95: %+v vs %+v", f.Quantiles, f)
	}
}

// Regular 300 s blocks: the point estimate extrapolates the period at
// 300 s a block, a span of 2015·300 s, and Core's rule multiplies the
// difficulty by 1209600/604500 (then rounds to compact form).
func TestNextRetargetPointClosedForm(t *testing.T) {
	p := &chaincfg.MainNetParams
	bits := uint32(0x17053894)
	w := consensus.BlockWork(bits)
	var bs []chain.Block
	for i := range 1001 {
		bs = append(bs, chain.Block{Height: 2016*400 + int64(i), TimeS: 1_700_000_000 + 300*int64(i), Bits: bits, ChainWork: new(big.Int).Mul(w, big.NewInt(int64(i+1)))})
	}
	f, err := NextRetarget(p, bs, bs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.PointTimeS != 1_700_000_000+2015*300 {
		t.Errorf("point end = %d, want %d", f.PointTimeS, 1_700_000_000+2015*300)
	}
	want := 100 * (1209600.0/604500 - 1)
	if math.Abs(f.PointChangePct-want) > 0.01 {
		t.Errorf("point change = %.4f%%, want %.4f%%", f.PointChangePct, want)
	}
	if f.ProbDecrease > 1e-6 {
		t.Errorf("P(decrease) = %g at twice the target pace", f.ProbDecrease)
	}
}

// At the period's last block nothing is uncertain; on the real 2009 chain
// the retarget at 2016 stays at the proof-of-work limit.
func TestNextRetargetLastBlockMainnet(t *testing.T) {
	bs := mainnet(t)
	f, err := NextRetarget(&chaincfg.MainNetParams, bs[0:2016], bs[0:2016], 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.BlocksLeft != 0 || f.PointChangePct != 0 || f.ChangeP5Pct != f.ChangeP95Pct || f.PointTimeS != bs[2015].TimeS {
		t.Errorf("%+v", f)
	}
	// Mid-period at the limit, a decrease is impossible however slow.
	f, err = NextRetarget(&chaincfg.MainNetParams, bs[2016:2100], bs[2016:2100], bs[2099].TimeS+1e7)
	if err != nil || f.ProbDecrease != 0 {
		t.Errorf("P(decrease) at the pow limit = %g (%v)", f.ProbDecrease, err)
	}
	if bs[2016].Bits != 0x1d00ffff {
		t.Errorf("real block 2016 bits %08x", bs[2016].Bits)
	}
}
