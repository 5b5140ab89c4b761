package sim

import (
	"math"
	"testing"

	"golang.org/x/sys/cpu"
)

func needAVX2(t *testing.T) {
	t.Helper()
	if !cpu.X86.HasAVX2 {
		t.Skip("this CPU has no AVX2; the Go kernels run instead")
	}
}

// The AVX2 draw kernels must write exactly what the Go ones write and
// leave the streams in the same state, for walks of odd and even length
// and for a strided draw buffer.
func TestNodaFillAVX2MatchesGo(t *testing.T) {
	needAVX2(t)
	var a, b nodaStreams4
	for j := range 4 {
		a.load(j, nodaStream(21, uint64(j)))
	}
	b = a
	const stride = 16
	for _, n := range []int{1, 2, 7, 300} {
		got, want := make([]float64, (n-1)*stride+8), make([]float64, (n-1)*stride+8)
		nodaFillExpVec(&a, got[4:], stride, n)
		nodaFillExpGo(&b, want[4:], stride, n)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("Exp draws, n=%d: element %d is %v, Go %v", n, i, got[i], want[i])
			}
		}
		if a != b {
			t.Fatalf("Exp draws, n=%d: the streams diverged", n)
		}
	}
	for _, points := range []int{2, 3, 4, 12097} {
		got, want := make([]float64, 4*points), make([]float64, 4*points)
		for j := range 4 {
			got[j], want[j] = 5400-float64(j), 5400-float64(j)
		}
		nodaFillGridVec(&a, got, points, 1, 0.0035)
		nodaFillGridGo(&b, want, points, 1, 0.0035)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("walk of %d points: element %d is %v, Go %v", points, i, got[i], want[i])
			}
		}
		if a != b {
			t.Fatalf("walk of %d points: the streams diverged", points)
		}
	}
}

// The AVX2 chain kernel must leave every field of every group exactly as
// the Go kernel leaves it, on states that reach both of its side exits: a
// sigmoid argument beyond the peer's clip in either direction, and lanes
// that cross the horizon in different blocks (one in the first).
func TestNodaChainAVX2MatchesGo(t *testing.T) {
	needAVX2(t)
	m := nodaScenario(t, "noda-btc").Noda
	m.Length = 600
	k := newNodaChainConsts(&m)
	const groups, blocks = 3, 500
	points := m.Length + 1
	src := nodaStream(31, 0)
	grid := make([]float64, groups*4*points)
	for i := range grid {
		grid[i] = 4000 + 3000*nodaUnit(src.Uint64())
	}
	exps := make([]float64, blocks*groups*4)
	for i := range exps {
		exps[i] = nodaExp(src.Uint64())
	}
	var a [groups]nodaGroup
	for g := range a {
		for j := range 4 {
			gr := &a[g]
			w := m.PrevWinningRate * (0.5 + nodaUnit(src.Uint64()))
			gr.w[j] = w
			gr.aw[j], gr.invUW[j] = m.nodaRates(w)
			gr.s[j] = 5400
			gr.elapsed[j] = float64(m.Length)*m.BTarget - 4000*nodaUnit(src.Uint64())
			gr.active[j] = ^uint64(0)
			gr.gridBase[j] = int32(4*g*points + j)
		}
	}
	a[0].aw[1] *= 1e4  // y far below −range: σ clipped to 1 − 1e-15
	a[1].aw[2] *= -100 // y above +range: σ clipped to 1e-15, very long blocks
	a[2].elapsed[3] = float64(m.Length)*m.BTarget - 1e-9
	b := a
	// As nodaBatchBuf.run calls it: the unreported first block alone,
	// then the rest.
	for _, call := range []struct {
		stats    uint64
		from, to int
	}{{0, 0, 1}, {^uint64(0), 1, blocks}} {
		for l := range 4 {
			k.statsOn[l], k.firstBlock[l] = call.stats, float64(call.from+1)
		}
		draws := exps[call.from*groups*4:]
		nodaChainVec(a[:], k, draws, grid, call.to-call.from)
		nodaChainGo(b[:], k, draws, grid, call.to-call.from)
	}
	finished := 0
	for g := range a {
		if a[g] != b[g] {
			t.Fatalf("group %d:\nAVX2 %+v\nGo   %+v", g, a[g], b[g])
		}
		for j := range 4 {
			if a[g].active[j] == 0 {
				finished++
			}
		}
	}
	if finished < 6 || a[2].simulated[3] != 1 || a[2].lastS[3] != 0 {
		t.Fatalf("%d of %d lanes finished, the first-block lane at %v: the test does not reach the finishing path", finished, groups*4, a[2].simulated[3])
	}
}

// The floor's AVX2 sigmoid sum must equal the Go one up to the order of
// summation, for lengths that are and are not whole vectors.
func TestNodaSigmoidSumAVX2(t *testing.T) {
	needAVX2(t)
	m := nodaScenario(t, "noda-btc").Noda
	k := newNodaChainConsts(&m)
	src := nodaStream(41, 0)
	exps := make([]float64, 1003)
	for i := range exps {
		exps[i] = nodaExp(src.Uint64())
	}
	for _, n := range []int{0, 3, 4, 1000, 1003} {
		got, want := nodaSigmoidSumVec(exps[:n], k), nodaSigmoidSumGo(exps[:n])
		if math.Abs(got-want) > 1e-13*math.Abs(want) {
			t.Errorf("%d draws: AVX2 %v, Go %v", n, got, want)
		}
	}
}
