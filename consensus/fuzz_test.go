package consensus

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/chaincfg/v2"
)

// FuzzCompactRoundTrip checks CompactToTarget and TargetToCompact against the
// math/big reference in reference_test.go and against btcd's
// CompactToBig/BigToCompact where btcd's semantics coincide with Core's
// (non-negative, non-overflowing values).
func FuzzCompactRoundTrip(f *testing.F) {
	for _, bits := range []uint32{0, 0x1d00ffff, 0x17023a04, 0x01fedcba, 0x04923456, 0xff123456, 0x2100ffff, 0x22000100} {
		f.Add(bits, []byte{0x80})
	}
	f.Add(uint32(0x207fffff), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, bits uint32, targetBytes []byte) {
		got, neg, over := CompactToTarget(bits)
		want, wantNeg, wantOver := refSetCompact(bits)
		if got.Cmp(want) != 0 || neg != wantNeg || over != wantOver {
			t.Fatalf("CompactToTarget(%#08x) = %x %v %v, reference %x %v %v", bits, got, neg, over, want, wantNeg, wantOver)
		}
		if !neg && !over {
			if b := blockchain.CompactToBig(bits); b.Cmp(got) != 0 {
				t.Fatalf("CompactToTarget(%#08x) = %x, btcd CompactToBig %x", bits, got, b)
			}
		}
		// Re-encoding is canonical: decoding it gives the same target.
		re := TargetToCompact(got)
		if back, _, _ := CompactToTarget(re); back.Cmp(got) != 0 {
			t.Fatalf("%#08x → %x → %#08x → %x", bits, got, re, back)
		}

		if len(targetBytes) > 32 {
			targetBytes = targetBytes[:32]
		}
		target := new(big.Int).SetBytes(targetBytes)
		c := TargetToCompact(target)
		if ref := refGetCompact(target); c != ref {
			t.Fatalf("TargetToCompact(%x) = %#08x, reference %#08x", target, c, ref)
		}
		if ref := blockchain.BigToCompact(target); c != ref {
			t.Fatalf("TargetToCompact(%x) = %#08x, btcd BigToCompact %#08x", target, c, ref)
		}
		dec, dneg, dover := CompactToTarget(c)
		if dneg || dover || dec.Cmp(target) > 0 {
			t.Fatalf("TargetToCompact(%x) = %#08x decodes to %x (negative=%v overflow=%v)", target, c, dec, dneg, dover)
		}
	})
}

// FuzzParseBits: ParseBits never panics, errors are one line, and whatever
// it accepts is a usable target that prints back to the same bits.
func FuzzParseBits(f *testing.F) {
	for _, s := range []string{"1d00ffff", "0x1d00ffff", "0X17023A04", "", "0x", "zz", "-1", "123456789", "04923456", "ff123456", "1d000000", " 1c05a3f4\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bits, err := ParseBits(s)
		if err != nil {
			if msg := err.Error(); msg == "" || containsNewline(msg) {
				t.Fatalf("ParseBits(%q): bad error %q", s, msg)
			}
			return
		}
		target, neg, over := CompactToTarget(bits)
		if neg || over || target.Sign() == 0 {
			t.Fatalf("ParseBits(%q) accepted %#08x: negative=%v overflow=%v target=%x", s, bits, neg, over, target)
		}
		if again, err := ParseBits(fmt.Sprintf("%08x", bits)); err != nil || again != bits {
			t.Fatalf("ParseBits(%q) = %#08x does not re-parse: %#08x, %v", s, bits, again, err)
		}
	})
}

// FuzzParseHeight: ParseHeight never panics and never accepts a negative.
func FuzzParseHeight(f *testing.F) {
	for _, s := range []string{"0", "840000", "-1", "abc", "1e6", "9223372036854775808", " 42 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHeight(s)
		if err != nil {
			if containsNewline(err.Error()) {
				t.Fatalf("ParseHeight(%q): multi-line error", s)
			}
			return
		}
		if h < 0 {
			t.Fatalf("ParseHeight(%q) = %d, negative", s, h)
		}
	})
}

func containsNewline(s string) bool {
	for _, c := range s {
		if c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

// FuzzNextWorkRequired checks the retarget against the math/big reference
// for any bits and block times.
func FuzzNextWorkRequired(f *testing.F) {
	f.Add(uint32(0x1d00ffff), int64(1261130161), int64(1262152739))
	f.Add(uint32(0x1c05a3f4), int64(1279008237), int64(1279297671))
	f.Add(uint32(0x1c387f6f), int64(1263163443), int64(1269211443))
	f.Add(uint32(0x2100ffff), int64(0), int64(1<<40))
	f.Fuzz(func(t *testing.T, bits uint32, firstS, lastS int64) {
		p := &chaincfg.MainNetParams
		r := NextWorkRequired(p, bits, firstS, lastS)
		if want := refNextWork(p.PowLimit, bits, lastS-firstS); r.Bits != want {
			t.Fatalf("NextWorkRequired(%#08x, %d, %d) = %#08x, reference %#08x", bits, firstS, lastS, r.Bits, want)
		}
	})
}
