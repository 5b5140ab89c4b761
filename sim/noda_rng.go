package sim

import (
	"math"
	"math/rand/v2"
)

// The Noda model draws one standard normal per 10-minute price step, about
// one per block, so it gets the same treatment as expPCG: Marsaglia and
// Tsang's 128-layer normal ziggurat (Marsaglia & Tsang 2000, "The Ziggurat
// Method for Generating Random Variables", J. Stat. Softw. 5(8)) run
// directly on the concrete *rand.PCG instead of through rand.Rand's
// interface call. The tables are built at start-up from the paper's
// recurrence, for f(x) = e^{−x²/2}:
//
//	x_{i−1} = √(−2·ln(v/x_i + f(x_i))),   x_127 = r = 3.442619855899,
//	v = 9.91256303526217e-3 (the area of each layer and of the base with its tail).
const (
	zigNormR = 3.442619855899
	zigNormV = 9.91256303526217e-3
)

var (
	zigNormK [128]uint32  // acceptance thresholds scaled to 2^31
	zigNormW [128]float64 // layer widths / 2^31
	zigNormF [128]float64 // f(x_i)
)

func init() {
	const m1 = 2147483648.0
	dn, tn := zigNormR, zigNormR
	q := zigNormV / math.Exp(-0.5*dn*dn)
	zigNormK[0] = uint32((dn / q) * m1)
	zigNormK[1] = 0
	zigNormW[0] = q / m1
	zigNormW[127] = dn / m1
	zigNormF[0] = 1
	zigNormF[127] = math.Exp(-0.5 * dn * dn)
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigNormV/dn+math.Exp(-0.5*dn*dn)))
		zigNormK[i+1] = uint32((dn / tn) * m1)
		tn = dn
		zigNormF[i] = math.Exp(-0.5 * dn * dn)
		zigNormW[i] = dn / m1
	}
}

// normPCG returns a standard normal variate from src. About 99% of calls
// take normFrom's first branch: one Uint64, one multiply, one compare.
func normPCG(src *rand.PCG) float64 { return normFrom(src, src.Uint64()) }

// fillExp fills buf with Exp(1) variates, the same sequence expPCG would
// return call after call: the ziggurat's first branch is written out here
// so that the loop makes no call for ~99% of the draws, and expFrom
// finishes the others from the same first word.
func fillExp(src *rand.PCG, buf []float64) {
	for k := range buf {
		u := src.Uint64()
		j := uint32(u)
		i := uint8(u >> 32)
		if j < zigK[i] {
			buf[k] = float64(j) * zigW[i]
			continue
		}
		buf[k] = expFrom(src, u)
	}
}

// expFrom continues expPCG's loop after its first word u failed the fast
// test.
func expFrom(src *rand.PCG, u uint64) float64 {
	for {
		j := uint32(u)
		i := uint8(u >> 32)
		x := float64(j) * zigW[i]
		if j < zigK[i] {
			return x
		}
		if i == 0 {
			return zigR - math.Log(unitPCG(src))
		}
		if zigF[i]+unitPCG(src)*(zigF[i-1]-zigF[i]) < math.Exp(-x) {
			return x
		}
		u = src.Uint64()
	}
}

// normFrom is the normal ziggurat from its first word u: the fast test,
// the tail beyond r by Marsaglia's (1964) method, the wedges, and a new
// word on rejection.
func normFrom(src *rand.PCG, u uint64) float64 {
	for {
		j := int32(u)
		i := (u >> 32) & 0x7f
		x := float64(j) * zigNormW[i]
		aj := uint32(j)
		if j < 0 {
			aj = uint32(-j)
		}
		if aj < zigNormK[i] {
			return x
		}
		if i == 0 {
			for {
				x = -math.Log(unitPCG(src)) / zigNormR
				y := -math.Log(unitPCG(src))
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return zigNormR + x
			}
			return -zigNormR - x
		}
		if zigNormF[i]+unitPCG(src)*(zigNormF[i-1]-zigNormF[i]) < math.Exp(-0.5*x*x) {
			return x
		}
		u = src.Uint64()
	}
}
