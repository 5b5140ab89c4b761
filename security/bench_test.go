package security

import (
	"math"
	"testing"
)

var sink float64

// BenchmarkFloorLog is the floor: one math.Log per op, to compare the
// formulas against on a shared machine.
func BenchmarkFloorLog(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += math.Log(float64(i + 2))
	}
}

func BenchmarkRosenfeldZ1000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		l, _ := Rosenfeld.LogP(0.3, 1000)
		sink += l
	}
}

func BenchmarkNakamotoZ1000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		l, _ := Nakamoto.LogP(0.3, 1000)
		sink += l
	}
}

func BenchmarkRosenfeldConfirmationsQ045(b *testing.B) {
	for i := 0; i < b.N; i++ {
		z, _ := Rosenfeld.ConfirmationsNeeded(0.45, 0.001)
		sink += float64(z)
	}
}
