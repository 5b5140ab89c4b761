package consensus

import (
	"math/big"
	"math/bits"
)

// u256 is an unsigned 256-bit integer, four 64-bit limbs, least significant
// first. It exists for two reasons: Bitcoin Core's arith_uint256 wraps
// modulo 2^256 (SetCompact of an overflowing encoding, multiplication in
// the retarget), and exact consensus results depend on that; and the
// simulator calls the retarget once per simulated epoch, where math/big's
// allocations would dominate.
type u256 [4]uint64

func (a u256) isZero() bool { return a[0]|a[1]|a[2]|a[3] == 0 }

// bitLen is the number of significant bits, as arith_uint256::bits().
func (a u256) bitLen() int {
	for i := 3; i >= 0; i-- {
		if a[i] != 0 {
			return 64*i + bits.Len64(a[i])
		}
	}
	return 0
}

// cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a u256) cmp(b u256) int {
	for i := 3; i >= 0; i-- {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// shl shifts left by n bits, discarding bits beyond 2^256 (n ≥ 256 gives 0).
func (a u256) shl(n uint) u256 {
	var r u256
	if n >= 256 {
		return r
	}
	limbs, rem := int(n/64), n%64
	for i := 3; i >= limbs; i-- {
		r[i] = a[i-limbs] << rem
		if rem != 0 && i-limbs-1 >= 0 {
			r[i] |= a[i-limbs-1] >> (64 - rem)
		}
	}
	return r
}

// shr shifts right by n bits (n ≥ 256 gives 0).
func (a u256) shr(n uint) u256 {
	var r u256
	if n >= 256 {
		return r
	}
	limbs, rem := int(n/64), n%64
	for i := 0; i+limbs <= 3; i++ {
		r[i] = a[i+limbs] >> rem
		if rem != 0 && i+limbs+1 <= 3 {
			r[i] |= a[i+limbs+1] << (64 - rem)
		}
	}
	return r
}

// mul64 returns a·m mod 2^256, as arith_uint256::operator*=(uint32_t).
func (a u256) mul64(m uint64) u256 {
	var r u256
	var carry uint64
	for i := 0; i < 4; i++ {
		hi, lo := bits.Mul64(a[i], m)
		var c uint64
		r[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c
	}
	return r
}

// div64 returns ⌊a/d⌋ for d > 0.
func (a u256) div64(d uint64) u256 {
	var r u256
	var rem uint64
	for i := 3; i >= 0; i-- {
		r[i], rem = bits.Div64(rem, a[i], d)
	}
	return r
}

// mask256 is 2^256 − 1, used to reduce arbitrary big.Ints to 256 bits the
// way a C++ arith_uint256 would hold them (two's complement for negatives).
var mask256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// u256FromBig returns x mod 2^256.
func u256FromBig(x *big.Int) u256 {
	if x.Sign() < 0 || x.BitLen() > 256 {
		x = new(big.Int).And(x, mask256)
	}
	var r u256
	// Place each word by its bit offset: big.Word is 32 bits on 32-bit
	// platforms and 64 bits elsewhere.
	for i, w := range x.Bits() {
		bit := uint(i) * bits.UintSize
		r[bit/64] |= uint64(w) << (bit % 64)
	}
	return r
}

// bigWithStorage lets toBig allocate a big.Int and its words together.
type bigWithStorage struct {
	n big.Int
	w [256 / bits.UintSize]big.Word
}

// toBig converts to a freshly allocated *big.Int with one allocation.
func (a u256) toBig() *big.Int {
	s := new(bigWithStorage)
	for i := range s.w {
		bit := uint(i) * bits.UintSize
		s.w[i] = big.Word(a[bit/64] >> (bit % 64))
	}
	return s.n.SetBits(s.w[:])
}
