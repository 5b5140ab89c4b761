package metrics

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashfall/hashfall/chain"
)

// yearOfTaggedBlocks is a SYNTHETIC year: 52,560 blocks at 600 s whose
// coinbases carry one of the embedded list's tags in rotation.
func yearOfTaggedBlocks() []chain.Block {
	tags := []string{"/Foundry USA Pool #dropgold/", "Mined by AntPool", "/F2Pool/", "/ViaBTC/", "/Binance/", "anonymous"}
	bs := make([]chain.Block, 52560)
	for i := range bs {
		bs[i] = cb(fmt.Sprintf("%s%d", tags[i%len(tags)], i))
		bs[i].Height, bs[i].TimeS, bs[i].TxCount = int64(i), 1735689600+int64(i)*600, 1+int64(i%3)
	}
	return bs
}

var sinkInt int64

// BenchmarkFloorScanYear is the floor: one pass over the year's blocks.
func BenchmarkFloorScanYear(b *testing.B) {
	bs := yearOfTaggedBlocks()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, blk := range bs {
			sinkInt += blk.TxCount
		}
	}
}

// BenchmarkLuckYear: shares from one year, luck over the next (the same
// blocks stand in for both), with the embedded pool list.
func BenchmarkLuckYear(b *testing.B) {
	bs := yearOfTaggedBlocks()
	p := DefaultPools()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, err := p.Luck(bs, p.SharesFrom(bs), "bench")
		if err != nil || len(rows) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkPoolSeriesYearWeekly: 53 weekly buckets of shares and
// concentration.
func BenchmarkPoolSeriesYearWeekly(b *testing.B) {
	bs := yearOfTaggedBlocks()
	p := DefaultPools()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := p.Series(bs, 7*24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
