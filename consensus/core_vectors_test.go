package consensus

import (
	"fmt"
	"math"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
)

// The vectors in this file are copied from Bitcoin Core's unit tests; each
// test names the file and BOOST_AUTO_TEST_CASE it comes from.

// Bitcoin Core src/test/arith_uint256_tests.cpp, BOOST_AUTO_TEST_CASE(bignum_SetCompact).
func TestCoreBignumSetCompact(t *testing.T) {
	cases := []struct {
		bits        uint32
		hex         string // num.GetHex() after SetCompact; "" when Core does not check it
		compact     uint32 // num.GetCompact(negative)
		getNegative bool   // Core calls GetCompact(true) for this row
		negative    bool
		overflow    bool
	}{
		{0, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x00123456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x01003456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x02000056, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x03000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x04000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x00923456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x01803456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x02800056, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x03800000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x04800000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false, false},
		{0x01123456, "0000000000000000000000000000000000000000000000000000000000000012", 0x01120000, false, false, false},
		{0x01fedcba, "000000000000000000000000000000000000000000000000000000000000007e", 0x01fe0000, true, true, false},
		{0x02123456, "0000000000000000000000000000000000000000000000000000000000001234", 0x02123400, false, false, false},
		{0x03123456, "0000000000000000000000000000000000000000000000000000000000123456", 0x03123456, false, false, false},
		{0x04123456, "0000000000000000000000000000000000000000000000000000000012345600", 0x04123456, false, false, false},
		{0x04923456, "0000000000000000000000000000000000000000000000000000000012345600", 0x04923456, true, true, false},
		{0x05009234, "0000000000000000000000000000000000000000000000000000000092340000", 0x05009234, false, false, false},
		{0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456, false, false, false},
		{0xff123456, "", 0, false, false, true},
	}
	for _, c := range cases {
		target, negative, overflow := CompactToTarget(c.bits)
		if negative != c.negative || overflow != c.overflow {
			t.Errorf("SetCompact(%#08x): negative=%v overflow=%v, Core says %v %v", c.bits, negative, overflow, c.negative, c.overflow)
		}
		if c.hex == "" {
			continue
		}
		if got := fmt.Sprintf("%064x", target); got != c.hex {
			t.Errorf("SetCompact(%#08x).GetHex() = %s, Core says %s", c.bits, got, c.hex)
		}
		var compact uint32
		if c.getNegative {
			compact = getCompact(u256FromBig(target), true)
		} else {
			compact = TargetToCompact(target)
		}
		if compact != c.compact {
			t.Errorf("GetCompact after SetCompact(%#08x) = %#08x, Core says %#08x", c.bits, compact, c.compact)
		}
	}
	// "Make sure that we don't generate compacts with the 0x00800000 bit set":
	// num = 0x80; GetCompact() == 0x02008000.
	if got := TargetToCompact(bigInt(0x80)); got != 0x02008000 {
		t.Errorf("GetCompact(0x80) = %#08x, Core says 0x02008000", got)
	}
}

// Bitcoin Core src/test/blockchain_tests.cpp, the get_difficulty_for_* cases,
// compared with Core's own DoubleEquals(…, 0.00001).
func TestCoreGetDifficulty(t *testing.T) {
	cases := []struct {
		name string
		bits uint32
		want float64
	}{
		{"get_difficulty_for_very_low_target", 0x1f111111, 0.000001},
		{"get_difficulty_for_low_target", 0x1ef88f6f, 0.000016},
		{"get_difficulty_for_mid_target", 0x1df88f6f, 0.004023},
		{"get_difficulty_for_high_target", 0x1cf88f6f, 1.029916},
		{"get_difficulty_for_very_high_target", 0x12345678, 5913134931067755359633408.0},
	}
	for _, c := range cases {
		if got := DifficultyFromBits(c.bits); math.Abs(got-c.want) >= 0.00001 {
			t.Errorf("%s: DifficultyFromBits(%#08x) = %v, Core expects %v", c.name, c.bits, got, c.want)
		}
	}
}

// Bitcoin Core src/test/pow_tests.cpp: get_next_work, get_next_work_pow_limit,
// get_next_work_lower_limit_actual and get_next_work_upper_limit_actual,
// each with its PermittedDifficultyTransition checks at height
// pindexLast.nHeight+1, including the ±1 bits that must be refused.
func TestCorePowNextWork(t *testing.T) {
	p := &chaincfg.MainNetParams
	cases := []struct {
		name               string
		lastRetargetTime   int64
		lastHeight         int64
		lastTime           int64
		lastBits, expected uint32
		invalid            []uint32 // bits Core asserts are not permitted
		clamped, powLimit  bool     // which constraint the case exercises
	}{
		{"get_next_work", 1261130161, 32255, 1262152739, 0x1d00ffff, 0x1d00d86a, nil, false, false},
		{"get_next_work_pow_limit", 1231006505, 2015, 1233061996, 0x1d00ffff, 0x1d00ffff, nil, false, true},
		{"get_next_work_lower_limit_actual", 1279008237, 68543, 1279297671, 0x1c05a3f4, 0x1c0168fd, []uint32{0x1c0168fd - 1}, true, false},
		{"get_next_work_upper_limit_actual", 1263163443, 46367, 1269211443, 0x1c387f6f, 0x1d00e1fd, []uint32{0x1d00e1fd + 1}, true, false},
	}
	for _, c := range cases {
		r := NextWorkRequired(p, c.lastBits, c.lastRetargetTime, c.lastTime)
		if r.Bits != c.expected {
			t.Errorf("%s: CalculateNextWorkRequired = %#08x, Core expects %#08x", c.name, r.Bits, c.expected)
		}
		if r.Clamped != c.clamped || r.PowLimited != c.powLimit {
			t.Errorf("%s: clamped=%v powLimited=%v, want %v %v", c.name, r.Clamped, r.PowLimited, c.clamped, c.powLimit)
		}
		if want, _, _ := CompactToTarget(c.expected); r.Target.Cmp(want) != 0 {
			t.Errorf("%s: Target %x is not the decoded bits %x", c.name, r.Target, want)
		}
		if !PermittedDifficultyTransition(p, c.lastHeight+1, c.lastBits, c.expected) {
			t.Errorf("%s: PermittedDifficultyTransition(%#08x→%#08x) = false, Core says true", c.name, c.lastBits, c.expected)
		}
		for _, bad := range c.invalid {
			if PermittedDifficultyTransition(p, c.lastHeight+1, c.lastBits, bad) {
				t.Errorf("%s: PermittedDifficultyTransition(%#08x→%#08x) = true, Core says false", c.name, c.lastBits, bad)
			}
		}
	}
}

// Bitcoin Core src/test/validation_tests.cpp, BOOST_AUTO_TEST_CASE(subsidy_limit_test):
// GetBlockSubsidy sampled every 1000 blocks up to 14,000,000, times 1000,
// sums to 2099999997690000 sat.
func TestCoreSubsidyLimit(t *testing.T) {
	p := &chaincfg.MainNetParams
	var sum int64
	for h := int64(0); h < 14_000_000; h += 1000 {
		s := BlockSubsidy(p, h)
		if s > 50*100_000_000 {
			t.Fatalf("subsidy at %d is %d sat, above 50 BTC", h, s)
		}
		sum += s * 1000
	}
	const coreSumSat = 2099999997690000
	if sum != coreSumSat {
		t.Errorf("sampled subsidy sum = %d sat, Core expects %d", sum, coreSumSat)
	}
	// SupplyThrough sums the same subsidy exactly, era by era; 1000 divides
	// 210000, so the sampling above is exact too.
	if got := SupplyThrough(p, 14_000_000); got != coreSumSat {
		t.Errorf("SupplyThrough(14e6) = %d sat, Core's total is %d", got, coreSumSat)
	}
}
