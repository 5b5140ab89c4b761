package economics

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/internal/mainnetblk"
	"github.com/hashfall/hashfall/metrics"
)

func TestFeesSMASat(t *testing.T) {
	var bs []chain.Block
	for i := range 300 {
		bs = append(bs, chain.Block{Height: 1000 + int64(i), FeesSat: int64(i)})
	}
	// Mean of 156..299 is (156+299)/2 = 227.5 → 228.
	if got := FeesSMASat(bs, 1299); got != 228 {
		t.Errorf("SMA = %d, want 228", got)
	}
	if got := FeesSMASat(bs, 1002); got != 1 {
		t.Errorf("short SMA = %d, want mean(0,1,2) = 1", got)
	}
}

// Real 2009 blocks (difficulty 1, 50 BTC subsidy, the first fees) with a
// synthetic constant price of $1: hashprice is
// (50 BTC + mean fee of the day's last 144 blocks)·1e15·86400/2^32 BTC/PH/day,
// the fees taken here straight from the coinbase outputs.
func TestHashpriceHistoryMainnet(t *testing.T) {
	src, err := chain.OpenBlk(mainnetblk.Path(t), &chaincfg.MainNetParams)
	if err != nil {
		t.Skip(err)
	}
	bs, _ := src.Blocks(context.Background(), 0, 14131)
	p := &chaincfg.MainNetParams
	days := metrics.Daily(p, bs)
	var prices []chain.Price
	for _, d := range days {
		prices = append(prices, chain.Price{Day: d.Day, CloseUSD: 1})
	}
	hist := HashpriceHistory(p, bs, days, prices[1:])
	if len(hist) != len(days)-1 {
		t.Fatalf("%d days priced, want %d", len(hist), len(days)-1)
	}
	for _, h := range hist {
		var extra int64
		for _, b := range bs[max(0, h.Height-143) : h.Height+1] {
			extra += b.CoinbaseOutSat - 5_000_000_000
		}
		// The mean fee is rounded to a satoshi, hence the 1e-9 tolerance.
		n := float64(min(144, h.Height+1))
		want := (50 + float64(extra)/n/1e8) * 1e15 * 86400 / 4294967296
		if math.Abs(h.HashpriceBTCPerPHDay-want) > want*1e-9 || h.HashpriceUSDPerPHDay != h.HashpriceBTCPerPHDay || h.PuellMultiple != 0 {
			t.Fatalf("%+v, want %g BTC/PH/day", h, want)
		}
	}
}

// Synthetic: 400 days of equal issuance at a constant price, then the
// price doubles on the last day: Puell = 2 / ((364 + 2)/365).
func TestPuellSynthetic(t *testing.T) {
	p := &chaincfg.MainNetParams
	day0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	bs := []chain.Block{{Height: 900000, Bits: 0x17053894}}
	var days []metrics.Day
	var prices []chain.Price
	for i := range 400 {
		d := day0.AddDate(0, 0, i)
		days = append(days, metrics.Day{Day: d, SubsidySat: 144 * 312_500_000, Difficulty: 1e14, LastHeight: 900000})
		price := 50000.0
		if i == 399 {
			price = 100000
		}
		prices = append(prices, chain.Price{Day: d, CloseUSD: price})
	}
	hist := HashpriceHistory(p, bs, days, prices)
	if got, want := hist[399].PuellMultiple, 2/(366.0/365); math.Abs(got-want) > 1e-12 {
		t.Errorf("Puell = %.12f, want %.12f", got, want)
	}
	if hist[398].PuellMultiple != 1 || hist[363].PuellMultiple != 0 || hist[364].PuellMultiple != 1 {
		t.Errorf("Puell series: %g %g %g", hist[363].PuellMultiple, hist[364].PuellMultiple, hist[398].PuellMultiple)
	}
}

// Synthetic prices fall for 30 days, then rise: the first day the 10-day
// mean passes the 20-day mean after the capitulation end is a recovery.
func TestHashRibbonRecoveries(t *testing.T) {
	day0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var prices []chain.Price
	for i := range 60 {
		v := 100.0 - float64(i)
		if i >= 30 {
			v = 70 + 3*float64(i-30)
		}
		prices = append(prices, chain.Price{Day: day0.AddDate(0, 0, i), CloseUSD: v})
	}
	events := []metrics.RibbonEvent{{Day: day0.AddDate(0, 0, 5), Kind: "capitulation_start"}, {Day: day0.AddDate(0, 0, 25), Kind: "capitulation_end"}}
	rec := HashRibbonRecoveries(events, prices)
	// Independent: find the crossing by brute force.
	mean := func(a, b int) float64 {
		var s float64
		for _, p := range prices[a : b+1] {
			s += p.CloseUSD
		}
		return s / float64(b-a+1)
	}
	want := -1
	for i := 25; i < 60; i++ {
		if mean(i-9, i) > mean(i-19, i) {
			want = i
			break
		}
	}
	if len(rec) != 1 || !rec[0].Day.Equal(day0.AddDate(0, 0, want)) {
		t.Errorf("recoveries %+v, want day %d", rec, want)
	}
}
