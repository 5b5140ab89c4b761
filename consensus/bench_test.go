package consensus

import (
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
)

// sinkBits and sinkSat keep the compiler from discarding benchmarked calls.
var (
	sinkBits uint32
	sinkSat  int64
)

func BenchmarkNextWorkRequired(b *testing.B) {
	p := &chaincfg.MainNetParams
	bits := uint32(0x17023a04)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// Alternate fast and slow periods so that both clamps and the
		// unclamped path are taken.
		r := NextWorkRequired(p, bits, 1_700_000_000, 1_700_000_000+int64(300_000+i%5_000_000))
		sinkBits = r.Bits
	}
}

func BenchmarkCompactToTarget(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		t, _, _ := CompactToTarget(0x17023a04 + uint32(i&0xffff))
		sinkBits = uint32(t.BitLen())
	}
}

func BenchmarkBlockSubsidy(b *testing.B) {
	p := &chaincfg.MainNetParams
	for i := 0; b.Loop(); i++ {
		sinkSat = BlockSubsidy(p, int64(i%14_000_000))
	}
}

// SupplyThrough is O(halvings): the cost at height 13,999,999 (64 eras)
// should be a few dozen nanoseconds, not millions of block visits.
func BenchmarkSupplyThrough(b *testing.B) {
	p := &chaincfg.MainNetParams
	for _, h := range []struct {
		name   string
		height int64
	}{{"h=840000", 840_000}, {"h=13999999", 13_999_999}} {
		b.Run(h.name, func(b *testing.B) {
			for b.Loop() {
				sinkSat = SupplyThrough(p, h.height)
			}
		})
	}
}

// BenchmarkNextWorkMathBig runs the math/big reference from the tests on
// the same inputs as BenchmarkNextWorkRequired: the cost the fixed-size
// 256-bit arithmetic saves in the simulator's loop.
func BenchmarkNextWorkMathBig(b *testing.B) {
	p := &chaincfg.MainNetParams
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkBits = refNextWork(p.PowLimit, 0x17023a04, int64(300_000+i%5_000_000))
	}
}

func BenchmarkBlockWork(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkBits = uint32(BlockWork(0x17023a04 + uint32(i&0xffff)).BitLen())
	}
}
