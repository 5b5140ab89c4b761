package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// siPrefixes maps an SI prefix letter to its power of ten. Lower-case "k" is
// the SI spelling of kilo; upper-case "K" is accepted because mining
// dashboards write it that way.
var siPrefixes = map[byte]float64{
	'k': 1e3, 'K': 1e3,
	'M': 1e6,
	'G': 1e9,
	'T': 1e12,
	'P': 1e15,
	'E': 1e18,
	'Z': 1e21,
	'Y': 1e24,
}

// ParseSI converts a number with an optional SI prefix into a float64:
// "141.7T" → 1.417e14, "890E" → 8.9e20, "1.5e12" → 1.5e12. The result must
// be finite; the caller decides which signs make sense.
func ParseSI(s string) (float64, error) {
	orig := s
	s = strings.TrimSpace(s)
	multiplier := 1.0
	if n := len(s); n > 0 {
		if m, ok := siPrefixes[s[n-1]]; ok {
			// Only a prefix if what stands before it is a number by itself:
			// this keeps "1e" from being read as 1 exa.
			number := strings.TrimSpace(s[:n-1])
			if _, err := strconv.ParseFloat(number, 64); err == nil {
				multiplier = m
				s = number
			}
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number with an optional SI prefix (e.g. 141.7T, 890E, 1Z)", orig)
	}
	v *= multiplier
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", orig)
	}
	return v, nil
}

// ParseHashrate converts a hashrate written by a person into H/s.
//
// Accepted forms: a plain number ("8.9e20"), a number with an SI prefix
// ("890E", "473T", "1Z"), optionally followed by "H/s" or "H"
// ("890 EH/s", "473TH/s"). The result must be finite and positive.
func ParseHashrate(s string) (float64, error) {
	trimmed := strings.TrimSpace(s)
	for _, suffix := range []string{"H/s", "h/s", "H/S", "H", "h"} {
		if strings.HasSuffix(trimmed, suffix) {
			trimmed = strings.TrimSuffix(trimmed, suffix)
			break
		}
	}
	hs, err := ParseSI(trimmed)
	if err != nil {
		return 0, fmt.Errorf("hashrate %q: not a number with an optional SI prefix (e.g. 890E, 473T, 1Z)", s)
	}
	if hs <= 0 {
		return 0, fmt.Errorf("hashrate %q: must be positive", s)
	}
	return hs, nil
}

// FormatHashrate writes hs (H/s) with the largest SI prefix that keeps the
// mantissa at or above 1, to four significant digits: 8.9e20 → "890.0 EH/s",
// 1.0143e21 → "1.014 ZH/s".
func FormatHashrate(hs float64) string {
	if math.IsNaN(hs) || math.IsInf(hs, 0) {
		return fmt.Sprintf("%v H/s", hs)
	}
	prefixes := []struct {
		letter string
		scale  float64
	}{{"Z", 1e21}, {"E", 1e18}, {"P", 1e15}, {"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}}
	abs := math.Abs(hs)
	for _, p := range prefixes {
		if abs >= p.scale {
			return fourSignificant(hs/p.scale) + " " + p.letter + "H/s"
		}
	}
	return fourSignificant(hs) + " H/s"
}

func fourSignificant(mantissa float64) string {
	decimals := 3
	switch abs := math.Abs(mantissa); {
	case abs >= 100:
		decimals = 1
	case abs >= 10:
		decimals = 2
	}
	return strconv.FormatFloat(mantissa, 'f', decimals, 64)
}
