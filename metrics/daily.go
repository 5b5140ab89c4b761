package metrics

import (
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// Day aggregates the blocks whose header time falls on one UTC day.
type Day struct {
	Day        time.Time `json:"day"`
	Blocks     int64     `json:"blocks"`
	HashrateHs float64   `json:"hashrate_hs"`
	Difficulty float64   `json:"difficulty"` // of the day's last block
	SubsidySat int64     `json:"subsidy_sat"`
	FeesSat    int64     `json:"fees_sat"`
	LastHeight int64     `json:"last_height"`
}

// Daily groups blocks by UTC day of their timestamps. The hashrate of a day
// is the fixed wall-clock window estimator
//
//	hashrate = Σ work of the day's blocks / 86400 s                 H/s
//
// unbiased because the window does not depend on when blocks arrive (the
// block count in a fixed window is Poisson). The first day is dropped
// unless blocks start at genesis, and the last day always, since they are
// partly outside the range. Header times are not monotone, so a block a
// few minutes across midnight may count in the neighbouring day; over a day
// this is noise of a block or two.
func Daily(p *chaincfg.Params, blocks []chain.Block) []Day {
	if len(blocks) == 0 {
		return nil
	}
	byDay := map[int64]*Day{}
	var order []int64
	// Work depends only on bits, which change once a period: convert it
	// once per run of equal bits, not once per block.
	var workBits uint32
	workF := -1.0
	for _, b := range blocks {
		d := b.TimeS - ((b.TimeS%86400)+86400)%86400
		day, ok := byDay[d]
		if !ok {
			day = &Day{Day: time.Unix(d, 0).UTC()}
			byDay[d] = day
			order = append(order, d)
		}
		day.Blocks++
		if workF < 0 || b.Bits != workBits {
			workBits = b.Bits
			workF, _ = new(big.Float).SetInt(consensus.BlockWork(b.Bits)).Float64()
		}
		day.HashrateHs += workF / 86400
		sub := consensus.BlockSubsidy(p, b.Height)
		day.SubsidySat += sub
		day.FeesSat += b.FeesSat
		if b.Height >= day.LastHeight {
			day.LastHeight = b.Height
			day.Difficulty = consensus.DifficultyFromBits(b.Bits)
		}
	}
	slices.Sort(order)
	lo, hi := 0, len(order)-1
	if blocks[0].Height > 0 {
		lo = 1
	}
	var out []Day
	for _, d := range order[lo:max(lo, hi)] {
		out = append(out, *byDay[d])
	}
	return out
}

// SMA is the simple moving average of xs over window w: out[i] is the mean
// of xs[i−w+1..i], NaN for i < w−1.
func SMA(xs []float64, w int) []float64 {
	out := make([]float64, len(xs))
	var sum float64
	for i, x := range xs {
		sum += x
		if i >= w {
			sum -= xs[i-w]
		}
		if i < w-1 {
			out[i] = math.NaN()
		} else {
			out[i] = sum / float64(w)
		}
	}
	return out
}

// RibbonEvent is a crossing of the hash ribbons.
type RibbonEvent struct {
	Day  time.Time `json:"day"`
	Kind string    `json:"kind"` // capitulation_start or capitulation_end
}

// HashRibbons is the hash-ribbons state at the last day.
type HashRibbons struct {
	SMA30Hs            float64       `json:"sma30_hs"`
	SMA60Hs            float64       `json:"sma60_hs"`
	InCapitulation     bool          `json:"in_capitulation"`
	DaysInCapitulation int           `json:"days_in_capitulation"`
	Events             []RibbonEvent `json:"events"`
}

// HashRibbonsOf computes Charles Edwards' hash ribbons from daily hashrate:
// capitulation starts the day SMA30 closes below SMA60 and ends the first
// day it is no longer below. (The "recovery" buy signal adds price momentum, so it
// lives in package economics.)
func HashRibbonsOf(days []Day) HashRibbons {
	hs := make([]float64, len(days))
	for i, d := range days {
		hs[i] = d.HashrateHs
	}
	s30, s60 := SMA(hs, 30), SMA(hs, 60)
	var r HashRibbons
	for i := 60; i < len(days); i++ {
		below := s30[i] < s60[i]
		switch {
		case below && !r.InCapitulation:
			r.Events = append(r.Events, RibbonEvent{Day: days[i].Day, Kind: "capitulation_start"})
			r.DaysInCapitulation = 0
		case !below && r.InCapitulation:
			r.Events = append(r.Events, RibbonEvent{Day: days[i].Day, Kind: "capitulation_end"})
		}
		r.InCapitulation = below
		if below {
			r.DaysInCapitulation++
		}
	}
	if n := len(days); n > 0 {
		r.SMA30Hs, r.SMA60Hs = s30[n-1], s60[n-1]
	}
	if !r.InCapitulation {
		r.DaysInCapitulation = 0
	}
	return r
}

// DifficultyRibbonWindows are the day windows of the difficulty ribbon's
// moving averages (Willy Woo's ribbon).
var DifficultyRibbonWindows = []int{9, 14, 25, 40, 60, 90, 128, 200}

// DifficultyRibbonCompression is the spread of the ribbon at the last day:
//
//	compression = (max SMA_k − min SMA_k) / mean SMA_k      (dimensionless)
//
// over the windows k in DifficultyRibbonWindows of daily difficulty. Near
// zero the ribbon is compressed: difficulty has stopped rising, the
// signature of miner capitulation. NaN with fewer than 200 days.
func DifficultyRibbonCompression(days []Day) float64 {
	n := len(days)
	if n < DifficultyRibbonWindows[len(DifficultyRibbonWindows)-1] {
		return math.NaN()
	}
	ds := make([]float64, n)
	for i, d := range days {
		ds[i] = d.Difficulty
	}
	lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, w := range DifficultyRibbonWindows {
		v := SMA(ds, w)[n-1]
		lo, hi, sum = min(lo, v), max(hi, v), sum+v
	}
	return (hi - lo) / (sum / float64(len(DifficultyRibbonWindows)))
}

// StampedIn returns the blocks whose header time is in (startS, endS]
// (Unix seconds), in their order: a filter, not a cut at the first block
// outside, since header times are not monotonic. nil when there are none.
func StampedIn(blocks []chain.Block, startS, endS int64) []chain.Block {
	var out []chain.Block
	for _, b := range blocks {
		if b.TimeS > startS && b.TimeS <= endS {
			out = append(out, b)
		}
	}
	return out
}
