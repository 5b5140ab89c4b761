package sim

import (
	"math"
	"math/rand/v2"
)

// The block engine draws one Exp(1) variate per block. math/rand/v2's
// ExpFloat64 reaches its source through the rand.Source interface, which
// costs an indirect call per variate in the hottest loop of the package, so
// the same Marsaglia–Tsang ziggurat (Marsaglia & Tsang 2000, "The Ziggurat
// Method for Generating Random Variables", J. Stat. Softw. 5(8)) runs here
// directly on the concrete *rand.PCG. The 256-layer tables are built at
// start-up from the paper's recurrence instead of being pasted in.
//
// Layers i = 1..255 have right edges x_i with equal area v:
//
//	x_{i-1} = −ln(v/x_i + e^{−x_i}),   x_255 = r = 7.69711747013104972,
//	v = 3.949659822581572e-3 (area of each layer and of the base with its tail).
const (
	zigR = 7.69711747013104972
	zigV = 3.949659822581572e-3
)

var (
	zigK [256]uint32  // acceptance thresholds scaled to 2^32
	zigW [256]float64 // layer widths / 2^32
	zigF [256]float64 // e^{−x_i}
)

func init() {
	const m2 = 4294967296.0
	de, te := zigR, zigR
	q := zigV / math.Exp(-de)
	zigK[0] = uint32((de / q) * m2)
	zigK[1] = 0
	zigW[0] = q / m2
	zigW[255] = de / m2
	zigF[0] = 1
	zigF[255] = math.Exp(-de)
	for i := 254; i >= 1; i-- {
		de = -math.Log(zigV/de + math.Exp(-de))
		zigK[i+1] = uint32((de / te) * m2)
		te = de
		zigF[i] = math.Exp(-de)
		zigW[i] = de / m2
	}
}

// expPCG returns an Exp(1) variate (mean 1) from src. About 98.9% of calls
// take the first branch: one Uint64, one multiply, one compare.
func expPCG(src *rand.PCG) float64 {
	for {
		u := src.Uint64()
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
	}
}

// unitPCG returns a uniform variate in (0, 1): 53 random bits, offset by
// half an ulp so that ln(u) is always finite.
func unitPCG(src *rand.PCG) float64 {
	return (float64(src.Uint64()>>11) + 0.5) / (1 << 53)
}
