package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hashfall/hashfall/units"
)

// floatRange is the physical range a float flag accepts: lo ≤ x ≤ hi, with
// the end excluded where loOpen or hiOpen is set. Every range is finite, so
// NaN and ±Inf are outside all of them. unit is shown in errors and help.
type floatRange struct {
	lo, hi         float64
	loOpen, hiOpen bool
	unit           string
}

// contains reports whether x is a finite number inside r.
func (r floatRange) contains(x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return false
	}
	aboveLo := x >= r.lo
	if r.loOpen {
		aboveLo = x > r.lo
	}
	belowHi := x <= r.hi
	if r.hiOpen {
		belowHi = x < r.hi
	}
	return aboveLo && belowHi
}

func (r floatRange) String() string {
	lo, hi := "[", "]"
	if r.loOpen {
		lo = "("
	}
	if r.hiOpen {
		hi = ")"
	}
	s := fmt.Sprintf("%s%s, %s%s", lo, fmtBound(r.lo), fmtBound(r.hi), hi)
	if r.unit != "" {
		s += " " + r.unit
	}
	return s
}

func fmtBound(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// maxDifficulty is the difficulty of the largest target a block can have
// (target 1): 0xffff·2^208 ≈ 2.696e67. No difficulty above it exists.
var maxDifficulty = 0xffff * math.Pow(2, 208)

// The physical ranges of hashfall's float flags. A flag outside its range is
// a usage error (exit 2) naming the flag; the ranges are documented in each
// flag's help text.
var (
	// A BTC price above $10M is a typo, not a forecast.
	rangePriceUSD = floatRange{lo: 0, hi: 1e7, loOpen: true, unit: "USD"}
	// No grid or generator sells power above $10/kWh.
	rangePowerUSDPerKWh = floatRange{lo: 0, hi: 10, unit: "USD/kWh"}
	// A percentage change per period: −100% or below would make a
	// quantity zero or negative.
	rangeDriftPct = floatRange{lo: -100, hi: 1000, loOpen: true, unit: "%"}
	// A retarget's change: consensus clamps the timespan to a factor of 4,
	// so −75% to +300%.
	rangeRetargetPct = floatRange{lo: -75, hi: 300, unit: "%"}
	// A percentage of something: 0 to 100.
	rangePct = floatRange{lo: 0, hi: 100, unit: "%"}
	// A fee or loss that must leave something: 0 to 100 excluded.
	rangePctBelow100 = floatRange{lo: 0, hi: 100, hiOpen: true, unit: "%"}
	// A fraction, 0 to 1.
	rangeFraction = floatRange{lo: 0, hi: 1}
	// An amount of BTC to sell: positive, at most the supply.
	rangeBTCAmount = floatRange{lo: 0, hi: 21e6, loOpen: true, unit: "BTC"}
	// Hashrate growth of the exogenous scenario, percent per two weeks.
	rangeGrowthPct = floatRange{lo: 0, hi: 300, unit: "%"}
	// A fraction strictly between 0 and 1, such as a probability or a share.
	rangeOpenUnit = floatRange{lo: 0, hi: 1, loOpen: true, hiOpen: true}
	// A share of the network, 0 (excluded) to 1 (included).
	rangeShare = floatRange{lo: 0, hi: 1, loOpen: true}
	// A facility's power usage effectiveness.
	rangePUE = floatRange{lo: 1, hi: 10}
	// Fees in one block can never exceed the BTC that will ever exist.
	rangeBTC = floatRange{lo: 0, hi: 21e6, unit: "BTC"}
	// A duration in days, up to a century.
	rangeDays = floatRange{lo: 0, hi: 36500, loOpen: true, unit: "days"}
	// A duration in hours, up to a year.
	rangeHours = floatRange{lo: 0, hi: 8784, loOpen: true, unit: "hours"}
	// Money per unit of hardware or hashrate-time, generously bounded.
	rangeUSDPerUnit = floatRange{lo: 0, hi: 1e7, unit: "USD"}
	// A budget: up to the world's GDP, about $1.1e14.
	rangeBudgetUSD = floatRange{lo: 0, hi: 1e15, unit: "USD"}
	// Efficiency of a mining fleet, J/TH; 0 means "the catalog's best".
	rangeJPerTH = floatRange{lo: 0, hi: 10000, unit: "J/TH"}
	// Efficiency of a reference fleet, J/TH, which must be positive.
	rangeJPerTHPositive = floatRange{lo: 0, hi: 10000, loOpen: true, unit: "J/TH"}
	// The level of a sweep metric: a probability, a share, USD per day or
	// H/s, all non-negative.
	rangeLevel = floatRange{lo: 0, hi: 1e30}
	// A model coefficient in USD terms (impact, volatility), bounded so
	// that products with prices and quantities stay finite.
	rangeCoefficient = floatRange{lo: 0, hi: 1e9}
	// Risk aversion λ, 1/USD.
	rangeLambda = floatRange{lo: 0, hi: 1}
	// A basis-point cost: up to 100%.
	rangeBps = floatRange{lo: 0, hi: 10000, unit: "bps"}
	// rangeMW bounds a site's power change per interval: the largest
	// mining sites draw about 1 GW.
	rangeMW = floatRange{lo: 0, hi: 10000, unit: "MW"}
	// Difficulty: at least 1, at most the difficulty of target 1.
	rangeDifficulty = floatRange{lo: 1, hi: maxDifficulty}
	// Network hashrate: positive, at most what maxDifficulty implies.
	rangeHashrateHs = floatRange{lo: 0, hi: maxDifficulty * 4294967296 / 600, loOpen: true, unit: "H/s"}
)

// floatValue is a pflag.Value for a float flag: it parses with parse
// (strconv.ParseFloat unless a flag takes SI prefixes) and rejects any value
// outside its range, NaN and ±Inf included, before a command runs.
type floatValue struct {
	p     *float64
	r     floatRange
	parse func(string) (float64, error)
}

func (v *floatValue) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	if !v.r.contains(x) {
		return fmt.Errorf("must be in %s, got %s", v.r, strings.TrimSpace(s))
	}
	*v.p = x
	return nil
}

func (v *floatValue) String() string { return strconv.FormatFloat(*v.p, 'g', -1, 64) }

func (v *floatValue) Type() string { return "float" }

func parsePlainFloat(s string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return x, nil
}

// floatVar defines a float flag that accepts only values in r; its range is
// appended to the help text.
func floatVar(f *pflag.FlagSet, p *float64, name string, value float64, r floatRange, usage string) {
	*p = value
	f.Var(&floatValue{p: p, r: r, parse: parsePlainFloat}, name, usage+" "+r.String())
}

// siFloatVar is floatVar for a flag that also takes SI prefixes
// (141.7T, 890E, 1Z).
func siFloatVar(f *pflag.FlagSet, p *float64, name string, value float64, r floatRange, usage string) {
	*p = value
	f.Var(&floatValue{p: p, r: r, parse: units.ParseSI}, name, usage+" "+r.String())
}

// hashrateVar is floatVar for a hashrate in H/s written as units.ParseHashrate
// reads it (890E, 473TH/s, 1Z).
func hashrateVar(f *pflag.FlagSet, p *float64, name string, value float64, r floatRange, usage string) {
	*p = value
	f.Var(&floatValue{p: p, r: r, parse: units.ParseHashrate}, name, usage+" "+r.String())
}

// intValue is a pflag.Value for an integer flag bounded to [lo, hi]: a
// value outside is a usage error naming the flag and the real bounds.
type intValue struct {
	p      *int
	lo, hi int
}

func (v *intValue) Set(s string) error {
	x, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || x < int64(v.lo) || x > int64(v.hi) {
		return fmt.Errorf("must be an integer in [%d, %d], got %s", v.lo, v.hi, strings.TrimSpace(s))
	}
	*v.p = int(x)
	return nil
}

func (v *intValue) String() string { return strconv.Itoa(*v.p) }

func (v *intValue) Type() string { return "int" }

// intVar defines an integer flag that accepts only lo ≤ x ≤ hi; the bounds
// are appended to the help text.
func intVar(f *pflag.FlagSet, p *int, name string, value, lo, hi int, usage string) {
	*p = value
	f.Var(&intValue{p: p, lo: lo, hi: hi}, name, fmt.Sprintf("%s [%d, %d]", usage, lo, hi))
}

// Upper bounds on the work one command may be asked for. At about 2,500
// paths per second for the default scenario's year on one core (issue 15:
// 20,000 paths in 8 s), maxPaths is roughly 7 minutes; more belongs in a
// sweep split over tasks.
const (
	maxPaths       = 1_000_000
	maxHorizonDays = 36500
	maxThreads     = 1024
)
