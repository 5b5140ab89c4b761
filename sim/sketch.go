package sim

import (
	"math"
	"slices"
)

// sketchAlpha is the relative accuracy of the daily quantile sketches.
const sketchAlpha = 0.002

var (
	sketchGamma    = (1 + sketchAlpha) / (1 - sketchAlpha)
	sketchLnGamma  = math.Log(sketchGamma)
	sketchMinValue = 1e-12 // smaller values count as zero
)

// Sketch is a mergeable quantile sketch with relative accuracy α
// (DDSketch; Masson, Rim & Lee 2019, "DDSketch: a fast and fully-mergeable
// quantile sketch with relative-error guarantees", PVLDB 12(12)). A value
// x > 0 falls in bucket i = ⌈ln x / ln γ⌉, γ = (1+α)/(1−α), whose
// representative 2γ^i/(γ+1) is within α·x of x. Counts are integers, so a
// merge is exact and order-free: shards merged in any order give the
// sketch one run would have built, and so the same quantiles.
type Sketch struct {
	Zero   uint64   // values ≤ sketchMinValue (all metrics are ≥ 0)
	Offset int32    // bucket index of Counts[0]
	Counts []uint32 // dense counts from Offset up
}

// zeroKey marks a value that counts as zero in a batch of keys.
const zeroKey = math.MinInt32

// sketchKey returns the bucket index of x, or zeroKey.
func sketchKey(x float64) int32 {
	if !(x > sketchMinValue) {
		return zeroKey
	}
	if math.IsInf(x, 1) {
		x = math.MaxFloat64
	}
	return int32(math.Ceil(math.Log(x) / sketchLnGamma))
}

// Add records one value.
func (s *Sketch) Add(x float64) { s.addKeys([]int32{sketchKey(x)}) }

// addKeys records a batch of keys from sketchKey, growing Counts at most
// once per batch.
func (s *Sketch) addKeys(keys []int32) {
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32+1)
	for _, k := range keys {
		if k != zeroKey {
			lo, hi = min(lo, k), max(hi, k)
		}
	}
	if lo <= hi {
		s.grow(lo, hi)
	}
	for _, k := range keys {
		if k == zeroKey {
			s.Zero++
		} else {
			s.Counts[k-s.Offset]++
		}
	}
}

// grow makes Counts cover bucket indexes [lo, hi], with slack in the
// direction it grows so that a run of new extremes costs amortised O(1).
func (s *Sketch) grow(lo, hi int32) {
	if len(s.Counts) == 0 {
		s.Offset = lo
		s.Counts = make([]uint32, hi-lo+1)
		return
	}
	if lo < s.Offset {
		lo -= int32(len(s.Counts)/2) + 8
		c := make([]uint32, int(s.Offset-lo)+len(s.Counts))
		copy(c[s.Offset-lo:], s.Counts)
		s.Counts, s.Offset = c, lo
	}
	if top := s.Offset + int32(len(s.Counts)) - 1; hi > top {
		n, need := len(s.Counts), int(hi-top)
		if cap(s.Counts)-n < need {
			s.Counts = slices.Grow(s.Counts, need+n/2+8)
		}
		s.Counts = s.Counts[:n+need]
		clear(s.Counts[n:])
	}
}

// trim drops empty buckets at both ends, so that equal sketches have equal
// representations whatever order their values came in.
func (s *Sketch) trim() {
	lo, hi := 0, len(s.Counts)
	for lo < hi && s.Counts[lo] == 0 {
		lo++
	}
	for hi > lo && s.Counts[hi-1] == 0 {
		hi--
	}
	if lo == hi {
		s.Counts, s.Offset = nil, 0
		return
	}
	s.Counts = append([]uint32(nil), s.Counts[lo:hi]...)
	s.Offset += int32(lo)
}

// Merge adds o's counts to s.
func (s *Sketch) Merge(o *Sketch) {
	s.Zero += o.Zero
	if len(o.Counts) == 0 {
		return
	}
	s.grow(o.Offset, o.Offset+int32(len(o.Counts))-1)
	for j, c := range o.Counts {
		s.Counts[int(o.Offset-s.Offset)+j] += c
	}
}

// N returns the number of values added.
func (s *Sketch) N() uint64 {
	n := s.Zero
	for _, c := range s.Counts {
		n += uint64(c)
	}
	return n
}

// Quantile returns the q-quantile as the representative of the bucket
// holding the value of rank ⌈q·n⌉ (1-based, at least 1): within α of the
// exact lower empirical quantile.
func (s *Sketch) Quantile(q float64) float64 {
	n := s.N()
	if n == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(n)))
	if rank < 1 {
		rank = 1
	}
	seen := s.Zero
	if seen >= rank {
		return 0
	}
	for j, c := range s.Counts {
		seen += uint64(c)
		if seen >= rank {
			i := float64(s.Offset + int32(j))
			return 2 * math.Exp(i*sketchLnGamma) / (sketchGamma + 1)
		}
	}
	return math.NaN()
}
