package sim

import (
	"math"

	"gonum.org/v1/gonum/mathext/prng"
)

// The Noda model's random numbers. Each run has two xoshiro256++ streams
// (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 47(4), 2021), one for its price walk and one for its block
// draws, seeded through gonum's prng. The variates are made without
// branches or tables so that four streams can run in one AVX2 vector
// (nodaFillExpAVX2, nodaFillGridAVX2) and give the same bits as the scalar
// code here:
//
//	U = (2m + 1)/2^53 ∈ (0, 1),  m = the top 52 bits of a word
//	Exp(1):  e = −ln U                                  (inversion)
//	N(0,1):  z₀, z₁ = √(−2 ln U₁)·(cos θ, sin θ)        (Box & Muller 1958)
//
// For Box–Muller, θ is uniform on [0, 2π): x = U₂·π/4 is uniform on
// (0, π/4), and three further bits of U₂'s word pick one of the eight
// images of x under the symmetries of the square (swap cos and sin,
// negate either), which together cover the circle uniformly. ln, sin and
// cos are written out (nodaLog, nodaSinCos) because every step must round
// as the vector code does; each product that meets an addition is
// converted to float64 so that no compiler fuses the two into an FMA.

// nodaStream returns stream number stream of seed: xoshiro256++ seeded,
// as gonum seeds it, by splitmix64 from the key splitmix64(seed) ⊕ stream.
func nodaStream(seed, stream uint64) *prng.Xoshiro256plusplus {
	return prng.NewXoshiro256plusplus(prng.NewSplitMix64(seed).Uint64() ^ stream)
}

// nodaUnit is U = (2m + 1)/2^53 for m = w>>12, in (0, 1) and never 0 or 1:
// 1.m − 1 is exact, and so is adding half of its last place.
func nodaUnit(w uint64) float64 {
	return (math.Float64frombits(w>>12|0x3ff<<52) - 1) + 0x1p-53
}

// nodaExp is an Exp(1) variate from the word w: −ln U.
func nodaExp(w uint64) float64 { return -nodaLog(nodaUnit(w)) }

// nodaNormals are two independent N(0,1) variates from the words w1, w2 by
// Box–Muller: the radius from U(w1), the angle from U(w2) and w2's three
// lowest bits (which U does not use).
func nodaNormals(w1, w2 uint64) (float64, float64) {
	r := math.Sqrt(-2 * nodaLog(nodaUnit(w1)))
	sin, cos := nodaSinCos(nodaUnit(w2) * (math.Pi / 4))
	a, b := cos, sin
	if w2&1 != 0 {
		a, b = sin, cos
	}
	a = math.Float64frombits(math.Float64bits(a) ^ (w2 << 62 & (1 << 63)))
	b = math.Float64frombits(math.Float64bits(b) ^ (w2 << 61 & (1 << 63)))
	return r * a, r * b
}

// nodaLog is ln x for a normal x > 0, to within 1 ulp: the argument
// reduction and polynomial of FreeBSD's e_log.c, as Go's math.Log
// implements them in Go,
//
//	x = 2^k·(1 + f),  √2/2 ≤ 1 + f < √2,  s = f/(2 + f)
//	ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)),  R a degree-7 minimax polynomial
//	ln x = k·ln2_hi − ((f²/2 − (s·(f²/2 + R) + k·ln2_lo)) − f),
//
// without its special cases (zero, negative, subnormal, Inf, NaN), which
// U ∈ [2^−53, 1) never meets.
func nodaLog(x float64) float64 {
	b := math.Float64bits(x)
	k := float64(int64(b>>52)) - 1022
	f1 := math.Float64frombits(b&(1<<52-1) | 0x3fe<<52) // [1/2, 1)
	if f1 < math.Sqrt2/2 {
		f1 += f1
		k--
	}
	f := f1 - 1
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := float64(s2 * (logL1 + float64(s4*(logL3+float64(s4*(logL5+float64(s4*logL7)))))))
	t2 := float64(s4 * (logL2 + float64(s4*(logL4+float64(s4*logL6)))))
	r := t1 + t2
	hfsq := float64(0.5 * f * f)
	return float64(k*logLn2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*logLn2Lo))) - f)
}

// nodaLog's constants (FreeBSD's e_log.c): ln2 split so that k·ln2Hi is
// exact, and the minimax coefficients of R.
const (
	logLn2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	logLn2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	logL1    = 6.666666666666735130e-01
	logL2    = 3.999999999940941908e-01
	logL3    = 2.857142874366239149e-01
	logL4    = 2.222219843214978396e-01
	logL5    = 1.818357216161805012e-01
	logL6    = 1.531383769920937332e-01
	logL7    = 1.479819860511658591e-01
)

// nodaSinCos is sin x and cos x for 0 ≤ x ≤ π/4 by the Cephes polynomials
// that Go's math.Sincos uses on that interval,
//
//	sin x = x + x·z·P(z),  cos x = 1 − z/2 + z²·Q(z),  z = x²,
//
// P and Q of degree 5 (math/sin.go's _sin and _cos).
func nodaSinCos(x float64) (sin, cos float64) {
	z := x * x
	ps := float64(sinP0*z) + sinP1
	ps = float64(ps*z) + sinP2
	ps = float64(ps*z) + sinP3
	ps = float64(ps*z) + sinP4
	ps = float64(ps*z) + sinP5
	pc := float64(cosQ0*z) + cosQ1
	pc = float64(pc*z) + cosQ2
	pc = float64(pc*z) + cosQ3
	pc = float64(pc*z) + cosQ4
	pc = float64(pc*z) + cosQ5
	sin = x + float64(float64(x*z)*ps)
	cos = (1 - float64(0.5*z)) + float64(float64(z*z)*pc)
	return sin, cos
}

// nodaSinCos's coefficients, math/sin.go's _sin and _cos.
const (
	sinP0 = 1.58962301576546568060e-10
	sinP1 = -2.50507477628578072866e-8
	sinP2 = 2.75573136213857245213e-6
	sinP3 = -1.98412698295895385996e-4
	sinP4 = 8.33333333332211858878e-3
	sinP5 = -1.66666666666666307295e-1
	cosQ0 = -1.13585365213876817300e-11
	cosQ1 = 2.08757008419747316778e-9
	cosQ2 = -2.75573141792967388112e-7
	cosQ3 = 2.48015872888517045348e-5
	cosQ4 = -1.38888888888730564116e-3
	cosQ5 = 4.16666666666665929218e-2
)
