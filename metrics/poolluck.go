package metrics

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/mathext"

	"github.com/hashfall/hashfall/chain"
)

// PoolLuck is one pool's blocks in a window against the number its
// hashrate share predicts.
type PoolLuck struct {
	Pool   string `json:"pool"`
	Blocks int64  `json:"blocks"`
	// SharePct is the hashrate share the expectation uses and ShareFrom
	// says where it came from: an input, or blocks outside the window.
	SharePct       float64 `json:"share_pct"`
	ShareFrom      string  `json:"share_from"`
	ExpectedBlocks float64 `json:"expected_blocks"`
	// LuckPct is 100 · blocks / expected.
	LuckPct float64 `json:"luck_pct" table:"%.1f"`
	// Tail is "upper" when the pool found at least the expected number,
	// else "lower"; PValue is the Poisson probability of a count at least
	// this far out on that side.
	Tail   string  `json:"tail"`
	PValue float64 `json:"p_value"`
}

// PoissonTail is the probability that a Poisson(λ) count is at least k
// (upper = true) or at most k (upper = false), by the regularized
// incomplete gamma function, which stays accurate far into the tails:
//
//	P[X ≥ k] = P(k, λ)        (lower regularized gamma; 1 for k ≤ 0)
//	P[X ≤ k] = Q(k + 1, λ)    (upper regularized gamma)
func PoissonTail(lambda float64, k int64, upper bool) float64 {
	if upper {
		if k <= 0 {
			return 1
		}
		if lambda == 0 {
			return 0
		}
		return mathext.GammaIncReg(float64(k), lambda)
	}
	if k < 0 {
		return 0
	}
	if lambda == 0 {
		return 1
	}
	return mathext.GammaIncRegComp(float64(k+1), lambda)
}

// SharesFrom turns a run of blocks into hashrate shares (fractions) per
// identified pool, for use as the expectation of a later, disjoint window.
func (p *Pools) SharesFrom(blocks []chain.Block) map[string]float64 {
	out := map[string]float64{}
	if len(blocks) == 0 {
		return out
	}
	for _, b := range blocks {
		if name := p.Identify(b); name != Unknown {
			out[name]++
		}
	}
	for k := range out {
		out[k] /= float64(len(blocks))
	}
	return out
}

// LuckAfter is Luck with the shares estimated by SharesFrom from earlier,
// the blocks stamped in (fromS, toS] (Unix seconds) before the window,
// and ShareFrom naming their heights and UTC dates. earlier must not be
// empty.
func (p *Pools) LuckAfter(window, earlier []chain.Block, fromS, toS int64) ([]PoolLuck, error) {
	from := fmt.Sprintf("blocks %d..%d (%s to %s, before the window)", earlier[0].Height, earlier[len(earlier)-1].Height,
		time.Unix(fromS, 0).UTC().Format(time.DateOnly), time.Unix(toS, 0).UTC().Format(time.DateOnly))
	return p.Luck(window, p.SharesFrom(earlier), from)
}

// Luck compares each pool's blocks in window with the expectation
// λ = share · len(window) from shares (fractions of the total hashrate),
// which must not have been estimated from window itself: shareFrom names
// their source in the output. Pools with a share but no blocks in the
// window are listed too (luck 0). Rows are sorted by expected blocks.
func (p *Pools) Luck(window []chain.Block, shares map[string]float64, shareFrom string) ([]PoolLuck, error) {
	if len(window) == 0 {
		return nil, fmt.Errorf("luck: empty window")
	}
	found := map[string]int64{}
	for _, b := range window {
		found[p.Identify(b)]++
	}
	var out []PoolLuck
	for pool, s := range shares {
		if !(s > 0 && s <= 1) {
			return nil, fmt.Errorf("luck: %s share %g not in (0, 1]", pool, s)
		}
		lambda := s * float64(len(window))
		k := found[pool]
		r := PoolLuck{Pool: pool, Blocks: k, SharePct: 100 * s, ShareFrom: shareFrom, ExpectedBlocks: lambda,
			LuckPct: 100 * float64(k) / lambda, Tail: "lower"}
		if float64(k) >= lambda {
			r.Tail = "upper"
		}
		r.PValue = PoissonTail(lambda, k, r.Tail == "upper")
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b PoolLuck) int {
		if a.ExpectedBlocks != b.ExpectedBlocks {
			return cmpFloat(b.ExpectedBlocks, a.ExpectedBlocks)
		}
		return strings.Compare(a.Pool, b.Pool)
	})
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// PoolBucket is one pool's blocks in one day or week (long format: one
// row per bucket and pool, so that a CSV is one table).
type PoolBucket struct {
	Start    time.Time `json:"start"`
	Pool     string    `json:"pool"`
	Blocks   int64     `json:"blocks"`
	SharePct float64   `json:"share_pct" table:"%.2f"`
	// EmptyBlocks counts coinbase-only blocks (one transaction).
	EmptyBlocks int64 `json:"empty_blocks"`
}

// Concentration is one bucket's decentralisation: the Nakamoto
// coefficient (as Shares computes it) and the Herfindahl–Hirschman index
// over identified pools,
//
//	HHI = Σ_i (100 · blocks_i / total)²            (0 … 10,000)
//
// Unknown blocks count in the total but not as a pool, so both are bounds:
// N from above, HHI from below.
type Concentration struct {
	Start       time.Time `json:"start"`
	Blocks      int64     `json:"blocks"`
	Nakamoto    int       `json:"nakamoto_coefficient"`
	HHI         float64   `json:"hhi" table:"%.0f"`
	UnknownPct  float64   `json:"unknown_pct" table:"%.1f"`
	EmptyBlocks int64     `json:"empty_blocks"`
}

// HHI is the Herfindahl–Hirschman index of shares (identified pools only).
func HHI(shares []PoolShare) float64 {
	h := 0.0
	for _, s := range shares {
		if s.Pool != Unknown {
			h += s.SharePct * s.SharePct
		}
	}
	return h
}

// Series cuts blocks (in height order) into UTC buckets of bucket length
// (a day or a week; weeks start on Monday) by block timestamp, and gives
// each bucket's pool shares and concentration.
func (p *Pools) Series(blocks []chain.Block, bucket time.Duration) ([]PoolBucket, []Concentration, error) {
	if bucket != 24*time.Hour && bucket != 7*24*time.Hour {
		return nil, nil, fmt.Errorf("bucket must be a day or a week, got %s", bucket)
	}
	startOf := func(ts int64) time.Time {
		t := time.Unix(ts, 0).UTC().Truncate(24 * time.Hour)
		if bucket > 24*time.Hour {
			t = t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		}
		return t
	}
	groups := map[time.Time][]chain.Block{}
	var keys []time.Time
	for _, b := range blocks {
		k := startOf(b.TimeS)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], b)
	}
	slices.SortFunc(keys, func(a, b time.Time) int { return a.Compare(b) })
	var rows []PoolBucket
	var conc []Concentration
	for _, k := range keys {
		g := groups[k]
		shares, n := p.Shares(g)
		empty := map[string]int64{}
		var emptyAll int64
		for _, b := range g {
			if b.TxCount == 1 {
				empty[p.Identify(b)]++
				emptyAll++
			}
		}
		c := Concentration{Start: k, Blocks: int64(len(g)), Nakamoto: n, HHI: HHI(shares), EmptyBlocks: emptyAll}
		for _, s := range shares {
			rows = append(rows, PoolBucket{Start: k, Pool: s.Pool, Blocks: s.Blocks, SharePct: s.SharePct, EmptyBlocks: empty[s.Pool]})
			if s.Pool == Unknown {
				c.UnknownPct = s.SharePct
			}
		}
		conc = append(conc, c)
	}
	return rows, conc, nil
}
