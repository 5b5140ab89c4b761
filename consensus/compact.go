package consensus

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Compact ("nBits") layout: bits 24–31 hold the size in bytes, bit 23 the
// sign and bits 0–22 the mantissa.
const (
	compactSignBit      = 0x00800000
	compactMantissaMask = 0x007fffff
)

// setCompact is Bitcoin Core's arith_uint256::SetCompact on a u256.
func setCompact(bits uint32) (target u256, negative, overflow bool) {
	size := uint(bits >> 24)
	word := uint64(bits & compactMantissaMask)
	if size <= 3 {
		word >>= 8 * (3 - size)
		target = u256{word}
	} else {
		target = u256{word}.shl(8 * (size - 3))
	}
	negative = word != 0 && bits&compactSignBit != 0
	overflow = word != 0 && (size > 34 ||
		(word > 0xff && size > 33) ||
		(word > 0xffff && size > 32))
	return target, negative, overflow
}

// getCompact is Bitcoin Core's arith_uint256::GetCompact(fNegative).
func getCompact(target u256, negative bool) uint32 {
	size := uint((target.bitLen() + 7) / 8)
	var compact uint32
	if size <= 3 {
		compact = uint32(target[0] << (8 * (3 - size)))
	} else {
		compact = uint32(target.shr(8 * (size - 3))[0])
	}
	// The 0x00800000 bit is the sign, so a mantissa that would set it is
	// shifted one byte right and the size grows by one.
	if compact&compactSignBit != 0 {
		compact >>= 8
		size++
	}
	compact |= uint32(size) << 24
	if negative && compact&compactMantissaMask != 0 {
		compact |= compactSignBit
	}
	return compact
}

// CompactToTarget decodes compact bits into a 256-bit target, exactly as
// Bitcoin Core's arith_uint256::SetCompact:
//
//	size = bits >> 24 (bytes), mantissa = bits & 0x007fffff
//	target = mantissa >> 8·(3−size)        if size ≤ 3
//	target = mantissa << 8·(size−3) mod 2^256 otherwise
//
// negative is set when the sign bit 0x00800000 is set and the mantissa is
// non-zero; overflow when the mantissa does not fit in 256 bits. The target
// is unitless (a hash, read as a 256-bit integer, must not exceed it). On
// overflow the returned target is Core's truncated value, which no
// consensus check accepts.
func CompactToTarget(bits uint32) (target *big.Int, negative, overflow bool) {
	t, negative, overflow := setCompact(bits)
	return t.toBig(), negative, overflow
}

// TargetToCompact encodes a non-negative target as compact bits, exactly as
// Bitcoin Core's arith_uint256::GetCompact(false): the three most
// significant bytes are kept (rounding down, i.e. truncating the target) and
// the size is the target's length in bytes; a mantissa with its top bit set
// is shifted right one byte so that the result never reads as negative.
// Targets outside [0, 2^256) are first reduced modulo 2^256, as an
// arith_uint256 would hold them.
func TargetToCompact(target *big.Int) uint32 {
	return getCompact(u256FromBig(target), false)
}

// ParseBits reads compact bits written as 1 to 8 hexadecimal digits, with or
// without a 0x prefix ("1d00ffff", "0x1d00ffff"). It rejects encodings that
// Bitcoin Core's proof-of-work check rejects: a negative, overflowing or
// zero target.
func ParseBits(s string) (uint32, error) {
	digits := strings.TrimSpace(s)
	if len(digits) >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') {
		digits = digits[2:]
	}
	if digits == "" {
		return 0, fmt.Errorf("bits %q: no hex digits", s)
	}
	for _, c := range []byte(digits) {
		if !isHexDigit(c) {
			return 0, fmt.Errorf("bits %q: %q is not a hex digit", s, c)
		}
	}
	if len(digits) > 8 {
		return 0, fmt.Errorf("bits %q: %d hex digits, at most 8 fit in 32 bits", s, len(digits))
	}
	v, err := strconv.ParseUint(digits, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("bits %q: %w", s, err)
	}
	bits := uint32(v)
	target, negative, overflow := setCompact(bits)
	switch {
	case negative:
		return 0, fmt.Errorf("bits %#08x: negative target (sign bit 0x00800000 set)", bits)
	case overflow:
		return 0, fmt.Errorf("bits %#08x: target overflows 256 bits", bits)
	case target.isZero():
		return 0, fmt.Errorf("bits %#08x: zero target", bits)
	}
	return bits, nil
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// DifficultyFromBits is Bitcoin Core's GetDifficulty: the ratio of the
// difficulty-1 target (0x1d00ffff) to the block's target, computed in
// float64 exactly as Core does it:
//
//	difficulty = 0xffff / (bits & 0x00ffffff) · 256^(29 − (bits >> 24))
//
// Unitless. The mantissa includes the sign bit, as in Core, and a zero
// mantissa gives +Inf.
func DifficultyFromBits(bits uint32) float64 {
	shift := int(bits>>24) & 0xff
	diff := float64(0x0000ffff) / float64(bits&0x00ffffff)
	// Repeated ×256 and ÷256, not one power, so that the float64 rounding
	// matches Core's bit for bit.
	for ; shift < 29; shift++ {
		diff *= 256.0
	}
	for ; shift > 29; shift-- {
		diff /= 256.0
	}
	return diff
}

// two256 is 2^256.
var two256 = new(big.Int).Lsh(big.NewInt(1), 256)

// WorkFromTarget is the expected number of hashes to find a block at the
// given target: work = ⌊2^256 / (target + 1)⌋ hashes. Bitcoin Core computes
// the same value as ~target/(target+1) + 1 to stay inside 256 bits. A
// negative target has no meaning and gives 0.
func WorkFromTarget(target *big.Int) *big.Int {
	if target.Sign() < 0 {
		return new(big.Int)
	}
	d := new(big.Int).Add(target, big.NewInt(1))
	return d.Quo(two256, d)
}

// BlockWork is Bitcoin Core's GetBlockProof: the work of one block with the
// given compact bits, ⌊2^256 / (target + 1)⌋ hashes, or 0 when the bits
// encode a negative, overflowing or zero target.
func BlockWork(bits uint32) *big.Int {
	t, negative, overflow := setCompact(bits)
	if negative || overflow || t.isZero() {
		return new(big.Int)
	}
	return WorkFromTarget(t.toBig())
}

// PeriodWork is the chainwork added by a run of blocks that share the same
// compact bits, such as a 2016-block difficulty period:
// work = blocks · ⌊2^256 / (target + 1)⌋ hashes.
// Chainwork at height h is the sum of BlockWork over blocks 0..h.
func PeriodWork(bits uint32, blocks int64) *big.Int {
	w := BlockWork(bits)
	return w.Mul(w, big.NewInt(blocks))
}
