package sim

import "math"

// The Noda model's sigmoid needs e^y once per block, without branches or
// calls so that the AVX2 kernels can run it four lanes at a time; it uses
// Tang's table method (P. T. P. Tang, "Table-driven implementation of the
// exponential function in IEEE floating-point arithmetic", ACM TOMS 15(2),
// 1989):
//
//	y = (64k + j)·ln2/64 + r,  |r| ≤ ln2/128,  j = 0..63
//	e^y = t + t·q,  t = 2^k·2^{j/64},  q = e^r − 1 ≈ r + r²·((1/2 + r/6) + r²·(1/24 + r/120))
//
// The truncation error of the degree-5 polynomial is below
// (ln2/128)^6/720 < 4e-17 relative; ln2/64 is split into a high part with
// trailing zero bits and a low part so that n·ln2/64 is exact for
// |n| < 2^16, and 2^{j/64} comes from a table rounded once by math.Exp2.

// The method's constants: 64/ln2; the shifter 1.5·2^52, whose addition rounds
// to an integer held in the low mantissa bits; ln2/64 split in two.
const (
	expInvStep = 64 / math.Ln2
	expShifter = 0x1.8p52
	expStepHi  = 0x1.62e42fefa0000p-7
	expStepLo  = math.Ln2/64 - expStepHi
)

// expTable[j] = 2^{j/64}.
var expTable = func() (t [64]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 64)
	}
	return t
}()

// nodaBlock is the block time B = e/(H·W·60) min for the draw e, the
// winning rate w (invUW = 1/(hash_ubd·W·60)) and y = c − aw·S: with
// H = hash_ubd/(1 + e^y), B = e·(1 + e^y)/(hash_ubd·W·60), one exponential
// and no division (nodaBlockTime), unless the peer's clip applies.
func nodaBlock(y, e, w, invUW, hashUbd float64) float64 {
	if y > -sigmoidRange && y < sigmoidRange {
		return nodaBlockTime(y, e*invUW)
	}
	return e / (hashUbd * nodaSigmoid(-y) * w * 60)
}

// nodaBlockTime is the Noda model's block time B = e/(H·W·60) with
// H = hash_ubd/(1 + e^{y}), y = −hash_slope·(S·W·M − hash_center), written
// as B = eI·(1 + e^y), eI = e/(hash_ubd·W·60), with the steps above
// arranged so that the chain from y to B is short: everything that does
// not depend on q (the table, the scale, eI·t) is computed beside it. Each
// product is converted to float64 so that no compiler fuses it with the
// following addition (Go may emit FMA for GOAMD64=v3): the AVX2 kernel,
// nodaChainAVX2, rounds every step and must return the same bits.
func nodaBlockTime(y, eI float64) float64 {
	t := float64(y*expInvStep) + expShifter
	n := int64(math.Float64bits(t))
	kf := t - expShifter
	r := (y - float64(kf*expStepHi)) - float64(kf*expStepLo)
	r2 := float64(r * r)
	q := r + float64(r2*((1.0/2+float64(r*(1.0/6)))+float64(r2*(1.0/24+float64(r*(1.0/120))))))
	eI = float64(eI) // the caller's e·invUW must not fuse with the sums below
	eIts := float64(eI * (expTable[n&63] * math.Float64frombits(uint64(1023+(n<<12>>12)>>6)<<52)))
	return eI + (eIts + float64(eIts*q))
}
