package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/internal/btcdtest"
	"github.com/hashfall/hashfall/store"
)

// PoissonTail (incomplete gamma) against gonum's Poisson distribution,
// which sums the probability mass: P[X ≥ k] = Survival(k − 1) and
// P[X ≤ k] = CDF(k). gonum's Survival is 1 − CDF, exact to an absolute
// 1e−16 or so, so far upper tails are compared absolutely.
func TestPoissonTailAgainstGonum(t *testing.T) {
	for _, lambda := range []float64{0.3, 3, 20, 144, 1008} {
		d := distuv.Poisson{Lambda: lambda}
		for _, f := range []float64{0, 0.2, 0.5, 0.8, 1, 1.2, 1.5, 2} {
			k := int64(math.Round(f * lambda))
			for _, c := range []struct {
				upper bool
				want  float64
			}{{true, d.Survival(float64(k) - 1)}, {false, d.CDF(float64(k))}} {
				if k == 0 && c.upper {
					c.want = 1
				}
				got := PoissonTail(lambda, k, c.upper)
				if math.Abs(got-c.want) > 1e-9*c.want+1e-15 {
					t.Errorf("λ=%g k=%d upper=%v: %.15g, gonum %.15g", lambda, k, c.upper, got, c.want)
				}
			}
		}
	}
}

// A pool with half the hashrate (an input) finds 65 of 100 blocks:
// λ = 50, luck 130 %, P[X ≥ 65] from gonum.
func TestLuckInputShare(t *testing.T) {
	p, _ := ParsePools([]byte(`{"coinbase_tags": {"/A/": {"name": "A"}, "/B/": {"name": "B"}}}`))
	var window []chain.Block
	for i := range 100 {
		tag := "/B/"
		if i < 65 {
			tag = "/A/"
		}
		window = append(window, cb(tag))
	}
	rows, err := p.Luck(window, map[string]float64{"A": 0.5, "B": 0.5}, "input")
	if err != nil {
		t.Fatal(err)
	}
	a, b := rows[0], rows[1]
	if a.Pool != "A" || a.ExpectedBlocks != 50 || a.LuckPct != 130 || a.Tail != "upper" {
		t.Fatalf("A: %+v", a)
	}
	if want := (distuv.Poisson{Lambda: 50}).Survival(64); math.Abs(a.PValue-want) > 1e-9*want {
		t.Errorf("A p = %g, gonum %g", a.PValue, want)
	}
	if want := (distuv.Poisson{Lambda: 50}).CDF(35); b.Tail != "lower" || math.Abs(b.PValue-want) > 1e-9*want {
		t.Errorf("B: %+v, want p %g", b, want)
	}
	if _, err := p.Luck(window, map[string]float64{"A": 1.5}, "input"); err == nil {
		t.Error("share 1.5 accepted")
	}
}

// LuckAfter takes the shares from the earlier blocks (A 60 of 100, so
// λ = 0.6 · 10 = 6 in a window of 10) and names them by height and date.
func TestLuckAfterEarlierShares(t *testing.T) {
	p, _ := ParsePools([]byte(`{"coinbase_tags": {"/A/": {"name": "A"}, "/B/": {"name": "B"}}}`))
	var earlier, window []chain.Block
	for i := range 100 {
		b := cb("/B/")
		if i < 60 {
			b = cb("/A/")
		}
		b.Height = int64(1000 + i)
		earlier = append(earlier, b)
	}
	for range 10 {
		window = append(window, cb("/A/"))
	}
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	rows, err := p.LuckAfter(window, earlier, from.Unix(), to.Unix())
	if err != nil {
		t.Fatal(err)
	}
	want := "blocks 1000..1099 (2026-01-01 to 2026-01-31, before the window)"
	if len(rows) != 2 || rows[0].Pool != "A" || rows[0].ExpectedBlocks != 6 || rows[0].Blocks != 10 || rows[0].ShareFrom != want {
		t.Fatalf("rows %+v, want A first with λ 6, 10 blocks, share_from %q", rows, want)
	}
	if rows[1].Pool != "B" || math.Abs(rows[1].SharePct-40) > 1e-9 || rows[1].Blocks != 0 {
		t.Errorf("B: %+v, want share 40 %% and no blocks", rows[1])
	}
}

// A real btcd chain whose coinbases carry the pool tags this test sets:
// an earlier window sets the shares, a later disjoint window is judged
// against them, and the day series and concentration are recounted here.
func TestPoolsOnTaggedHarnessChain(t *testing.T) {
	h := btcdtest.StartNode(t)
	rng := rand.New(rand.NewPCG(21, 22))
	repeat := func(counts ...any) []string {
		var out []string
		for i := 0; i < len(counts); i += 2 {
			for range counts[i+1].(int) {
				out = append(out, counts[i].(string))
			}
		}
		rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	before := repeat("/PoolA/", 30, "/PoolB/", 20, "/PoolC/", 10)
	window := repeat("/PoolA/", 25, "/PoolB/", 10, "/PoolC/", 5)
	btcdtest.MineTagged(t, h, append(before, window...), btcdtest.ExponentialIntervals(rng))
	ctx := context.Background()
	st, err := store.OpenSQLite(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := store.Sync(ctx, btcdtest.Dial(t, h, 0), st, store.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	bs, err := st.Blocks(ctx, 1, 100)
	if err != nil || len(bs) != 100 {
		t.Fatalf("%d blocks, %v", len(bs), err)
	}
	p, _ := ParsePools([]byte(`{"coinbase_tags": {"/PoolA/": {"name": "A"}, "/PoolB/": {"name": "B"}, "/PoolC/": {"name": "C"}}}`))
	shares := p.SharesFrom(bs[:60])
	if shares["A"] != 0.5 || math.Abs(shares["B"]-1.0/3) > 1e-15 || math.Abs(shares["C"]-1.0/6) > 1e-15 {
		t.Fatalf("shares from blocks 1..60: %v", shares)
	}
	luck, err := p.Luck(bs[60:], shares, "blocks 1..60")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"A": 25, "B": 10, "C": 5}
	for _, r := range luck {
		lambda := shares[r.Pool] * 40
		if r.Blocks != want[r.Pool] || math.Abs(r.ExpectedBlocks-lambda) > 1e-12 {
			t.Errorf("%s: %+v, want %d blocks against %g", r.Pool, r, want[r.Pool], lambda)
		}
		d := distuv.Poisson{Lambda: lambda}
		p := d.CDF(float64(r.Blocks))
		if r.Tail == "upper" {
			p = d.Survival(float64(r.Blocks) - 1)
		}
		if math.Abs(r.PValue-p) > 1e-9*p {
			t.Errorf("%s: p %g, gonum %g", r.Pool, r.PValue, p)
		}
	}
	rows, conc, err := p.Series(bs, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	total := map[string]int64{}
	var empty int64
	for _, r := range rows {
		total[r.Pool] += r.Blocks
		empty += r.EmptyBlocks
	}
	if total["A"] != 55 || total["B"] != 30 || total["C"] != 15 || empty != 100 {
		t.Errorf("series totals %v, %d empty (every harness block is coinbase-only)", total, empty)
	}
	for _, c := range conc {
		// Recount the day independently.
		counts := map[string]int{}
		n := 0
		for _, b := range bs {
			if time.Unix(b.TimeS, 0).UTC().Truncate(24 * time.Hour).Equal(c.Start) {
				counts[p.Identify(b)]++
				n++
			}
		}
		hhi, sorted := 0.0, []int{}
		for _, k := range counts {
			s := 100 * float64(k) / float64(n)
			hhi += s * s
			sorted = append(sorted, k)
		}
		nak, sum := 0, 0
		for len(sorted) > 0 && 2*sum <= n {
			mi := 0
			for i := range sorted {
				if sorted[i] > sorted[mi] {
					mi = i
				}
			}
			sum += sorted[mi]
			sorted = append(sorted[:mi], sorted[mi+1:]...)
			nak++
		}
		if int(c.Blocks) != n || math.Abs(c.HHI-hhi) > 1e-9 || c.Nakamoto != nak {
			t.Errorf("day %s: %+v, recount %d blocks, HHI %g, N %d", c.Start.Format(time.DateOnly), c, n, hhi, nak)
		}
	}
}
