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

// ParseHashrate converts a hashrate written by a person into H/s.
//
// Accepted forms: a plain number ("8.9e20"), a number with an SI prefix
// ("890E", "473T", "1Z"), optionally followed by "H/s" or "H"
// ("890 EH/s", "473TH/s"). Spaces between number and unit are allowed.
// The result must be finite and positive.
func ParseHashrate(s string) (float64, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("hashrate %q: empty", orig)
	}
	// Strip the unit suffix first so that "EH/s" leaves "E".
	for _, suffix := range []string{"H/s", "h/s", "H/S", "H", "h"} {
		if strings.HasSuffix(s, suffix) {
			s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
			break
		}
	}
	multiplier := 1.0
	if n := len(s); n > 0 {
		if m, ok := siPrefixes[s[n-1]]; ok {
			// "1e" is not a prefix: a trailing E after a digit-less exponent
			// would be ambiguous, so require the number part to parse alone.
			number := strings.TrimSpace(s[:n-1])
			if _, err := strconv.ParseFloat(number, 64); err == nil {
				multiplier = m
				s = number
			}
		}
	}
	if s == "" {
		return 0, fmt.Errorf("hashrate %q: no number", orig)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("hashrate %q: not a number with an optional SI prefix (e.g. 890E, 473T, 1Z)", orig)
	}
	hs := v * multiplier
	if math.IsNaN(hs) || math.IsInf(hs, 0) || hs <= 0 {
		return 0, fmt.Errorf("hashrate %q: must be a positive finite number", orig)
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
