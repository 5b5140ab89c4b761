package consensus

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/chaincfg/v2"
)

// randomBits draws compact bits that exercise every size byte the consensus
// code can meet, plus fully random words.
func randomBits(r *rand.Rand) uint32 {
	if r.IntN(4) == 0 {
		return r.Uint32()
	}
	return uint32(r.IntN(36))<<24 | r.Uint32N(1<<24)
}

func TestCompactMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		bits := randomBits(r)
		got, gotNeg, gotOver := CompactToTarget(bits)
		want, wantNeg, wantOver := refSetCompact(bits)
		if got.Cmp(want) != 0 || gotNeg != wantNeg || gotOver != wantOver {
			t.Fatalf("CompactToTarget(%#08x) = %x %v %v, reference %x %v %v", bits, got, gotNeg, gotOver, want, wantNeg, wantOver)
		}
		if c, ref := TargetToCompact(got), refGetCompact(got); c != ref {
			t.Fatalf("TargetToCompact(%x) = %#08x, reference %#08x", got, c, ref)
		}
	}
}

// TargetToCompact truncates: the decoded value never exceeds the target and
// differs from it only below the three kept bytes.
func TestTargetToCompactTruncates(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 32)
	for range 50_000 {
		n := r.IntN(33)
		for i := range buf[:n] {
			buf[i] = byte(r.Uint32())
		}
		target := new(big.Int).SetBytes(buf[:n])
		bits := TargetToCompact(target)
		decoded, negative, overflow := CompactToTarget(bits)
		if negative || overflow {
			t.Fatalf("TargetToCompact(%x) = %#08x decodes negative=%v overflow=%v", target, bits, negative, overflow)
		}
		if decoded.Cmp(target) > 0 {
			t.Fatalf("TargetToCompact(%x) rounds up to %x", target, decoded)
		}
		size := int(bits >> 24)
		ulp := new(big.Int).Lsh(big.NewInt(1), uint(8*max(size-3, 0)))
		if new(big.Int).Sub(target, decoded).Cmp(ulp) >= 0 {
			t.Fatalf("TargetToCompact(%x) = %#08x loses more than one unit of the mantissa", target, bits)
		}
		if want := blockchain.BigToCompact(target); bits != want {
			t.Fatalf("TargetToCompact(%x) = %#08x, btcd BigToCompact %#08x", target, bits, want)
		}
	}
}

func TestTargetToCompactWrapsLikeArithUint256(t *testing.T) {
	// -1 held in 256 bits is 2^256-1, whose compact form is 0x2100ffff.
	if got := TargetToCompact(big.NewInt(-1)); got != 0x2100ffff {
		t.Errorf("TargetToCompact(-1) = %#08x, want 0x2100ffff", got)
	}
	if got := TargetToCompact(new(big.Int).Lsh(big.NewInt(1), 256)); got != 0 {
		t.Errorf("TargetToCompact(2^256) = %#08x, want 0 (wraps to zero)", got)
	}
}

// DifficultyFromBits against the exact ratio powLimit/target evaluated in
// big.Float: Core's float64 loop must agree to a few ulps.
func TestDifficultyMatchesExactRatio(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	diff1 := new(big.Float).SetInt(new(big.Int).Lsh(big.NewInt(0xffff), 208))
	for range 20_000 {
		bits := uint32(3+r.IntN(30))<<24 | (1 + r.Uint32N(0x7fffff))
		target, _, _ := CompactToTarget(bits)
		if target.Sign() == 0 {
			continue
		}
		want, _ := new(big.Float).Quo(diff1, new(big.Float).SetInt(target)).Float64()
		got := DifficultyFromBits(bits)
		if math.Abs(got-want) > 1e-14*want {
			t.Fatalf("DifficultyFromBits(%#08x) = %v, exact ratio %v", bits, got, want)
		}
	}
	if d := DifficultyFromBits(chaincfg.MainNetParams.PowLimitBits); d != 1 {
		t.Errorf("difficulty of powLimit bits = %v, want 1", d)
	}
}

func TestBlockWorkMatchesBtcd(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 20_000 {
		bits := uint32(1+r.IntN(32))<<24 | r.Uint32N(0x800000)
		if got, want := BlockWork(bits), blockchain.CalcWork(bits); got.Cmp(want) != 0 {
			t.Fatalf("BlockWork(%#08x) = %v, btcd CalcWork %v", bits, got, want)
		}
	}
	// Core's GetBlockProof gives 0 for negative, overflowing or zero targets.
	for _, bits := range []uint32{0x04923456, 0xff123456, 0x1d000000, 0} {
		if w := BlockWork(bits); w.Sign() != 0 {
			t.Errorf("BlockWork(%#08x) = %v, want 0", bits, w)
		}
	}
	// Difficulty 1 is 2^32 hashes per block to within a part in 2^16:
	// 2^256/(0xffff·2^208 + 1) = 4295032833 exactly.
	if w := BlockWork(0x1d00ffff); w.Cmp(big.NewInt(4295032833)) != 0 {
		t.Errorf("BlockWork(0x1d00ffff) = %v, want 4295032833", w)
	}
	if w := WorkFromTarget(big.NewInt(-5)); w.Sign() != 0 {
		t.Errorf("WorkFromTarget(-5) = %v, want 0", w)
	}
	if w := PeriodWork(0x1d00ffff, 2016); w.Cmp(big.NewInt(2016*4295032833)) != 0 {
		t.Errorf("PeriodWork(0x1d00ffff, 2016) = %v", w)
	}
}

func TestNextWorkMatchesReference(t *testing.T) {
	p := &chaincfg.MainNetParams
	r := rand.New(rand.NewPCG(9, 10))
	for range 100_000 {
		bits := randomBits(r)
		first := int64(1_231_006_505 + r.IntN(2_000_000_000))
		last := first + int64(r.IntN(12_000_000)) - 2_000_000
		got := NextWorkRequired(p, bits, first, last)
		if want := refNextWork(p.PowLimit, bits, last-first); got.Bits != want {
			t.Fatalf("NextWorkRequired(%#08x, span %d s) = %#08x, reference %#08x", bits, last-first, got.Bits, want)
		}
		if got.ActualTimespanS != last-first {
			t.Fatalf("ActualTimespanS = %d, want %d", got.ActualTimespanS, last-first)
		}
		if got.ClampedTimespanS < 302400 || got.ClampedTimespanS > 4838400 {
			t.Fatalf("ClampedTimespanS %d outside [302400, 4838400]", got.ClampedTimespanS)
		}
		if got.Clamped != (got.ClampedTimespanS != last-first) {
			t.Fatalf("Clamped flag %v for span %d → %d", got.Clamped, last-first, got.ClampedTimespanS)
		}
		if got.Target.Cmp(p.PowLimit) > 0 {
			t.Fatalf("target %x above powLimit", got.Target)
		}
		// Whatever NextWorkRequired returns at a retarget height must be a
		// permitted transition (for bits that encode a usable target).
		if _, neg, over := CompactToTarget(bits); !neg && !over {
			if !PermittedDifficultyTransition(p, 2016, bits, got.Bits) {
				t.Fatalf("NextWorkRequired(%#08x, span %d) = %#08x is not a permitted transition", bits, last-first, got.Bits)
			}
		}
	}
}

func TestNextWorkNoRetargeting(t *testing.T) {
	r := NextWorkRequired(&chaincfg.RegressionNetParams, 0x207fffff, 0, 1)
	if r.Bits != 0x207fffff || r.Clamped || r.PowLimited {
		t.Errorf("regtest retarget = %+v, want bits unchanged", r)
	}
}

func TestPermittedDifficultyTransition(t *testing.T) {
	p := &chaincfg.MainNetParams
	if PermittedDifficultyTransition(p, 2017, 0x1d00ffff, 0x1d00fffe) {
		t.Error("bits changed off a retarget height, but permitted")
	}
	if !PermittedDifficultyTransition(p, 2017, 0x1d00ffff, 0x1d00ffff) {
		t.Error("unchanged bits off a retarget height refused")
	}
	// Testnet allows minimum-difficulty blocks, so anything goes.
	if !PermittedDifficultyTransition(&chaincfg.TestNet3Params, 2017, 0x1c00ffff, 0x1d00ffff) {
		t.Error("testnet transition refused")
	}
	// A fourfold easing from powLimit is capped at powLimit: easier is refused.
	if PermittedDifficultyTransition(p, 4032, 0x1d00ffff, 0x1d01fffe) {
		t.Error("target above powLimit permitted")
	}
	// Exactly ×4 and ÷4 from a mid-range target are the extremes allowed.
	if !PermittedDifficultyTransition(p, 4032, 0x1b040000, 0x1b100000) || !PermittedDifficultyTransition(p, 4032, 0x1b040000, 0x1b010000) {
		t.Error("×4 or ÷4 transition refused")
	}
	if PermittedDifficultyTransition(p, 4032, 0x1b040000, 0x1b100001) || PermittedDifficultyTransition(p, 4032, 0x1b040000, 0x1b00ffff) {
		t.Error("beyond ×4 or ÷4 permitted")
	}
}

func TestSubsidySchedule(t *testing.T) {
	p := &chaincfg.MainNetParams
	cases := []struct {
		height, subsidySat, halvings, nextHalving int64
	}{
		{0, 50e8, 0, 210000},
		{209999, 50e8, 0, 210000},
		{210000, 25e8, 1, 420000},
		{420000, 1_250_000_000, 2, 630000},
		{630000, 625_000_000, 3, 840000},
		{840000, 312_500_000, 4, 1050000},
		{1_050_000, 156_250_000, 5, 1260000},
		{32*210000 + 5, 1, 32, 33 * 210000}, // 5e9 >> 32 = 1 sat
		{33 * 210000, 0, 33, 34 * 210000},
		{64 * 210000, 0, 64, 65 * 210000},
		{-1, 0, 0, 210000},
	}
	for _, c := range cases {
		if got := BlockSubsidy(p, c.height); got != c.subsidySat {
			t.Errorf("BlockSubsidy(%d) = %d, want %d", c.height, got, c.subsidySat)
		}
		if got := Halvings(p, c.height); got != c.halvings {
			t.Errorf("Halvings(%d) = %d, want %d", c.height, got, c.halvings)
		}
		if got := NextHalvingHeight(p, c.height); got != c.nextHalving {
			t.Errorf("NextHalvingHeight(%d) = %d, want %d", c.height, got, c.nextHalving)
		}
	}
	if got := NextHalvingHeight(p, math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("NextHalvingHeight(MaxInt64) = %d, want saturation", got)
	}
	// btcd's CalcBlockSubsidy is a second, independent implementation.
	for h := int32(0); h < 34*210000; h += 7919 {
		if got, want := BlockSubsidy(p, int64(h)), blockchain.CalcBlockSubsidy(h, p); got != want {
			t.Fatalf("BlockSubsidy(%d) = %d, btcd %d", h, got, want)
		}
	}
}

// SupplyThrough against a block-by-block sum, on regtest (150-block eras) so
// that every halving up to the 64th is walked.
func TestSupplyThroughMatchesBruteForce(t *testing.T) {
	p := &chaincfg.RegressionNetParams
	var sum int64
	for h := int64(0); h < 70*150; h++ {
		sum += BlockSubsidy(p, h)
		if got := SupplyThrough(p, h); got != sum {
			t.Fatalf("SupplyThrough(%d) = %d, block-by-block sum %d", h, got, sum)
		}
	}
	if SupplyThrough(p, -1) != 0 {
		t.Error("SupplyThrough(-1) != 0")
	}
	// Mainnet, through the fourth halving's first block (840000):
	// 210000·(50+25+12.5+6.25) BTC + 3.125 BTC.
	if got, want := SupplyThrough(&chaincfg.MainNetParams, 840000), int64(210000*(5e9+25e8+125e7+625e6)+3125e5); got != want {
		t.Errorf("SupplyThrough(840000) = %d, want %d", got, want)
	}
}

func TestParseBits(t *testing.T) {
	good := map[string]uint32{"1d00ffff": 0x1d00ffff, "0x1d00ffff": 0x1d00ffff, "0X17034219": 0x17034219, " 1c05a3f4 ": 0x1c05a3f4, "207fffff": 0x207fffff}
	for s, want := range good {
		if got, err := ParseBits(s); err != nil || got != want {
			t.Errorf("ParseBits(%q) = %#08x, %v; want %#08x", s, got, err, want)
		}
	}
	bad := map[string]string{
		"":            "no hex digits",
		"0x":          "no hex digits",
		"1d00fffg":    "not a hex digit",
		"-1d00ffff":   "not a hex digit",
		"1d00ffff00":  "at most 8",
		"04923456":    "negative",
		"ff123456":    "overflows",
		"1d000000":    "zero target",
		"0":           "zero target",
		"1d00 ffff":   "not a hex digit",
		"0x0x1d00fff": "not a hex digit",
	}
	for s, want := range bad {
		_, err := ParseBits(s)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseBits(%q) error %v, want one line mentioning %q", s, err, want)
		}
	}
}

func TestParseHeight(t *testing.T) {
	if h, err := ParseHeight("840000"); err != nil || h != 840000 {
		t.Errorf("ParseHeight(840000) = %d, %v", h, err)
	}
	for s, want := range map[string]string{"-1": "negative", "abc": "not a whole number", "1.5": "not a whole number", "99999999999999999999": "not a whole number"} {
		if _, err := ParseHeight(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseHeight(%q) error %v, want %q", s, err, want)
		}
	}
}
