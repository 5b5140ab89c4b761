package metrics

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
)

// Real January 2009: every block is difficulty 1, so a day's hashrate is
// its block count × 4295032833 / 86400, and its subsidy 50 BTC a block.
func TestDailyMainnet(t *testing.T) {
	bs := mainnet(t)
	days := Daily(&chaincfg.MainNetParams, bs)
	if len(days) < 30 {
		t.Fatalf("%d days", len(days))
	}
	var blocks int64
	for _, d := range days {
		blocks += d.Blocks
		want := float64(d.Blocks) * 4295032833 / 86400
		if math.Abs(d.HashrateHs-want) > want*1e-12 {
			t.Errorf("%s: %g H/s, want %g", d.Day.Format(time.DateOnly), d.HashrateHs, want)
		}
		if d.SubsidySat != d.Blocks*5_000_000_000 || d.Difficulty != 1 {
			t.Errorf("%s: subsidy %d difficulty %g", d.Day.Format(time.DateOnly), d.SubsidySat, d.Difficulty)
		}
	}
	last := days[len(days)-1]
	if lastDay := time.Unix(bs[len(bs)-1].TimeS, 0).UTC().Truncate(24 * time.Hour); !last.Day.Before(lastDay) {
		t.Errorf("the partial last day %s was kept", lastDay)
	}
	if days[0].Day.Format(time.DateOnly) != "2009-01-03" {
		t.Errorf("first day %s, want the genesis day", days[0].Day)
	}
	if blocks >= int64(len(bs)) {
		t.Errorf("counted %d blocks of %d with the last day dropped", blocks, len(bs))
	}
}

func TestSMA(t *testing.T) {
	got := SMA([]float64{1, 2, 3, 4, 5}, 3)
	want := []float64{math.NaN(), math.NaN(), 2, 3, 4}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Errorf("SMA[%d] = %g, want %g", i, got[i], want[i])
		}
	}
}

// Synthetic hashrate: flat, then a 30% drop for 40 days, then back. The
// ribbons must flag capitulation after the drop and its end after the
// recovery, with SMA30 and SMA60 at hand-computed values.
func TestHashRibbonsSynthetic(t *testing.T) {
	var days []Day
	day0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		h := 1000.0
		if i >= 100 && i < 140 {
			h = 700
		}
		days = append(days, Day{Day: day0.AddDate(0, 0, i), HashrateHs: h})
	}
	r := HashRibbonsOf(days)
	if len(r.Events) != 2 || r.Events[0].Kind != "capitulation_start" || !r.Events[0].Day.Equal(day0.AddDate(0, 0, 100)) {
		t.Fatalf("events %+v", r.Events)
	}
	// SMA30 at day d ≥ 140 over days d−29..d: back above SMA60 when
	// 1000 − 300·k30/30 > 1000 − 300·k60/60, k = drop days in window.
	var end int
	for d := 140; d < 200; d++ {
		k30 := max(0, min(140, d+1)-max(100, d-29))
		k60 := max(0, min(140, d+1)-max(100, d-59))
		if float64(k30)/30 <= float64(k60)/60 { // no longer below
			end = d
			break
		}
	}
	if r.Events[1].Kind != "capitulation_end" || !r.Events[1].Day.Equal(day0.AddDate(0, 0, end)) {
		t.Errorf("end event %+v, want day %d", r.Events[1], end)
	}
	if r.InCapitulation || r.SMA30Hs != 1000 {
		t.Errorf("state %+v", r)
	}
}

func TestDifficultyRibbonCompression(t *testing.T) {
	var days []Day
	for range 250 {
		days = append(days, Day{Difficulty: 100})
	}
	if c := DifficultyRibbonCompression(days); c != 0 {
		t.Errorf("flat difficulty: compression %g, want 0", c)
	}
	// Linear growth 1/day: SMA_k at the end is last − (k−1)/2, so the
	// spread is (200−9)/2 over the mean of the eight SMAs.
	for i := range days {
		days[i].Difficulty = float64(i)
	}
	var mean float64
	for _, k := range DifficultyRibbonWindows {
		mean += 249 - float64(k-1)/2
	}
	mean /= 8
	want := (200.0 - 9) / 2 / mean
	if c := DifficultyRibbonCompression(days); math.Abs(c-want) > 1e-12 {
		t.Errorf("compression %g, want %g", c, want)
	}
	if !math.IsNaN(DifficultyRibbonCompression(days[:100])) {
		t.Error("100 days gave a value")
	}
}

// StampedIn keeps every block stamped in (start, end], however the
// stamps are ordered: here heights 2 and 4 are stamped out of order.
func TestStampedInNonMonotonic(t *testing.T) {
	var bs []chain.Block
	for h, ts := range []int64{100, 200, 150, 300, 90, 400} {
		bs = append(bs, chain.Block{Height: int64(h), TimeS: ts})
	}
	var heights []int64
	for _, b := range StampedIn(bs, 100, 300) {
		heights = append(heights, b.Height)
	}
	if fmt.Sprint(heights) != "[1 2 3]" {
		t.Errorf("heights %v, want [1 2 3] (stamps 200, 150, 300)", heights)
	}
	if StampedIn(bs, 400, 500) != nil {
		t.Error("no block after 400, want nil")
	}
}
