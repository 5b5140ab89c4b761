package consensus

import (
	"math/big"
)

// The functions in this file are an independent math/big reading of the
// consensus rules, written from their definitions rather than from the
// limb arithmetic in the package, so that tests compare two derivations.

func bigInt(v int64) *big.Int { return big.NewInt(v) }

var refTwo256 = new(big.Int).Lsh(big.NewInt(1), 256)

// refSetCompact: value = mantissa · 256^(size−3) (a right shift for size < 3),
// held modulo 2^256; overflow means the exact value needs more than 256 bits.
func refSetCompact(bits uint32) (target *big.Int, negative, overflow bool) {
	size := int(bits >> 24)
	word := int64(bits & 0x007fffff)
	if size < 3 {
		word >>= 8 * (3 - size)
	}
	v := big.NewInt(word)
	if size > 3 {
		v.Lsh(v, uint(8*(size-3)))
	}
	negative = word != 0 && bits&0x00800000 != 0
	overflow = v.BitLen() > 256
	return v.Mod(v, refTwo256), negative, overflow
}

// refGetCompact: the target's big-endian bytes without leading zeros, the
// first three as mantissa (zero-padded on the right), the byte count as
// size; if the mantissa's top bit is set, one more leading zero byte.
func refGetCompact(target *big.Int) uint32 {
	b := target.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	var m [3]byte
	copy(m[:], b)
	return uint32(len(b))<<24 | uint32(m[0])<<16 | uint32(m[1])<<8 | uint32(m[2])
}

// refNextWork: ⌊old · clamp(timespan) / two weeks⌋ capped at powLimit, with
// the mainnet constants written out.
func refNextWork(powLimit *big.Int, lastBits uint32, timespanS int64) uint32 {
	const twoWeeksS = 14 * 24 * 60 * 60
	timespanS = min(max(timespanS, twoWeeksS/4), twoWeeksS*4)
	old, _, _ := refSetCompact(lastBits)
	v := new(big.Int).Mul(old, big.NewInt(timespanS))
	v.Mod(v, refTwo256) // arith_uint256 wraps
	v.Quo(v, big.NewInt(twoWeeksS))
	if v.Cmp(powLimit) > 0 {
		v.Set(powLimit)
	}
	return refGetCompact(v)
}
