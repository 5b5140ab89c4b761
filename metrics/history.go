package metrics

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// Source names for PeriodObservation.Source, in the order they win.
const (
	SourceBlocks   = "synced blocks"
	SourceBitcoinj = "bitcoinj checkpoints"
	SourceElectrum = "electrum checkpoints"
)

// PeriodObservation is what one source says about one difficulty period
// (heights 2016·Index … 2016·Index+2015 on mainnet).
type PeriodObservation struct {
	Index int64
	Bits  uint32
	// StartTimeS is the timestamp of the period's first block, LastTimeS
	// that of its last block, in Unix seconds; 0 when the source does not
	// know it.
	StartTimeS int64
	LastTimeS  int64
	Source     string
}

// ObservationsFromElectrum turns Electrum checkpoints into periods. Entry i
// holds the target of period i+1 (Electrum verifies period i+1 with it);
// period 0 has the genesis target, p.PowLimitBits on mainnet. Electrum
// knows no timestamps. A target that is not exactly a compact value is an
// error: every real target is one.
func ObservationsFromElectrum(p *chaincfg.Params, eps []chain.Epoch) ([]PeriodObservation, error) {
	out := make([]PeriodObservation, 0, len(eps)+1)
	if len(eps) > 0 && eps[0].Index == 0 {
		out = append(out, PeriodObservation{Index: 0, Bits: p.GenesisBlock.Header.Bits, Source: SourceElectrum})
	}
	for _, e := range eps {
		bits := consensus.TargetToCompact(e.NextTarget)
		if t, _, _ := consensus.CompactToTarget(bits); t.Cmp(e.NextTarget) != 0 {
			return nil, fmt.Errorf("electrum checkpoint %d: target %x is not a compact target", e.Index, e.NextTarget)
		}
		out = append(out, PeriodObservation{Index: e.Index + 1, Bits: bits, Source: SourceElectrum})
	}
	return out, nil
}

// ObservationsFromHeaders turns bitcoinj's header checkpoints into periods:
// a header at a period's first height gives its bits and start time;
// others are ignored.
func ObservationsFromHeaders(interval int64, cps []chain.HeaderCheckpoint) []PeriodObservation {
	out := make([]PeriodObservation, 0, len(cps))
	for _, c := range cps {
		if c.Height%interval == 0 {
			out = append(out, PeriodObservation{Index: c.Height / interval, Bits: c.Bits, StartTimeS: c.TimeS, Source: SourceBitcoinj})
		}
	}
	return out
}

// ObservationsFromBlocks turns synced blocks, in height order (any subset,
// typically each period's first and last block), into periods: any block
// gives its period's bits, the first block its start time, the last block
// its last time. Blocks of one period with different bits (testnet's
// minimum-difficulty blocks) are an error.
func ObservationsFromBlocks(interval int64, blocks []chain.Block) ([]PeriodObservation, error) {
	var out []PeriodObservation
	for _, b := range blocks {
		k := b.Height / interval
		if len(out) == 0 || out[len(out)-1].Index != k {
			out = append(out, PeriodObservation{Index: k, Bits: b.Bits, Source: SourceBlocks})
		}
		o := &out[len(out)-1]
		if o.Bits != b.Bits {
			return nil, fmt.Errorf("synced block %d has bits %08x, its period's other block %08x", b.Height, b.Bits, o.Bits)
		}
		switch b.Height % interval {
		case 0:
			o.StartTimeS = b.TimeS
		case interval - 1:
			o.LastTimeS = b.TimeS
		}
	}
	return out, nil
}

// Period is one row of the difficulty history.
//
// Conventions: a change is dated by StartTime, the timestamp of the
// period's first block, the first block mined at the new difficulty.
// Core's retarget measures RetargetSpanS over the period's 2015 intervals
// (first to last block), while DurationS runs from this period's first
// block to the next one's, 2016 intervals.
type Period struct {
	Index       int64      `json:"index"`
	StartHeight int64      `json:"start_height"`
	StartTime   *time.Time `json:"start_time,omitempty"`
	Bits        string     `json:"bits"`
	Difficulty  float64    `json:"difficulty"`
	// ChangePct is 100·(D_k/D_{k−1} − 1), exact from the two targets;
	// absent when period k−1 is unknown.
	ChangePct *float64 `json:"change_pct,omitempty" table:"%+.2f"`
	// DurationS is t(first block of k+1) − t(first block of k), 2016
	// intervals; MeanBlockTimeS is DurationS/2016.
	DurationS      *int64   `json:"duration_s,omitempty"`
	MeanBlockTimeS *float64 `json:"mean_block_time_s,omitempty" table:"%.1f"`
	// RetargetSpanS is t(last) − t(first) of this period, 2015 intervals,
	// from timestamps when both are known (SpanFrom "timestamps"), else
	// 1,209,600 s · T_{k+1}/T_k from the next target (SpanFrom "targets",
	// exact up to compact rounding, under 2^−15 relative), absent when that
	// retarget was clamped to ×4 or ÷4 or capped at the proof-of-work limit.
	RetargetSpanS *float64 `json:"retarget_span_s,omitempty" table:"%.0f"`
	SpanFrom      string   `json:"span_from,omitempty"`
	// ImpliedHashrateHs is work(bits) / 600 s: the hashrate that the
	// difficulty implies at ten-minute blocks.
	ImpliedHashrateHs float64 `json:"implied_hashrate_hs"`
	// MeasuredHashrateHs is 2015 · work(bits) / RetargetSpanS, the
	// period's hashrate by Core's own span.
	MeasuredHashrateHs *float64 `json:"measured_hashrate_hs,omitempty"`
	// DrawdownPct is 100·(D/D_peak − 1) against the highest difficulty up
	// to this period: the implied hashrate's drawdown from its running peak.
	DrawdownPct float64 `json:"drawdown_pct" table:"%.2f"`
	Sources     string  `json:"sources"`

	target *big.Int
}

// DifficultyHistory merges observations from several sources into one
// period table in index order. Sources win in the order given (pass synced
// blocks first): the first source with a start or last time supplies it.
// Two sources that disagree on a period's bits or start time are an error
// naming both. The input is independent of any store.
func DifficultyHistory(p *chaincfg.Params, sources ...[]PeriodObservation) ([]Period, error) {
	type merged struct {
		PeriodObservation
		startFrom, lastFrom string
		sources             []string
	}
	byIndex := map[int64]*merged{}
	for _, obs := range sources {
		for _, o := range obs {
			if o.Index < 0 {
				return nil, fmt.Errorf("%s: period %d < 0", o.Source, o.Index)
			}
			m, ok := byIndex[o.Index]
			if !ok {
				m = &merged{PeriodObservation: PeriodObservation{Index: o.Index, Bits: o.Bits}, startFrom: o.Source}
				byIndex[o.Index] = m
				m.sources = append(m.sources, o.Source)
			} else {
				if m.Bits != o.Bits {
					return nil, fmt.Errorf("period %d (height %d): %s say bits %08x, %s say %08x",
						o.Index, o.Index*consensus.RetargetIntervalBlocks(p), m.sources[0], m.Bits, o.Source, o.Bits)
				}
				if !containsString(m.sources, o.Source) {
					m.sources = append(m.sources, o.Source)
				}
			}
			if o.StartTimeS != 0 {
				if m.StartTimeS != 0 && m.StartTimeS != o.StartTimeS {
					return nil, fmt.Errorf("period %d (height %d): %s say it started at %d, %s say %d",
						o.Index, o.Index*consensus.RetargetIntervalBlocks(p), m.startFrom, m.StartTimeS, o.Source, o.StartTimeS)
				}
				if m.StartTimeS == 0 {
					m.StartTimeS, m.startFrom = o.StartTimeS, o.Source
				}
			}
			if o.LastTimeS != 0 && m.LastTimeS == 0 {
				m.LastTimeS, m.lastFrom = o.LastTimeS, o.Source
			}
		}
	}
	idx := make([]int64, 0, len(byIndex))
	for k := range byIndex {
		idx = append(idx, k)
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })

	interval := consensus.RetargetIntervalBlocks(p)
	spacingS := p.TargetTimePerBlock.Seconds()
	targetSpanS := float64(consensus.TargetTimespanS(p))
	limit, _, _ := consensus.CompactToTarget(p.PowLimitBits)
	out := make([]Period, len(idx))
	peak := 0.0
	for i, k := range idx {
		m := byIndex[k]
		target, neg, overflow := consensus.CompactToTarget(m.Bits)
		if neg || overflow || target.Sign() <= 0 {
			return nil, fmt.Errorf("period %d: bits %08x are not a valid target", k, m.Bits)
		}
		work, _ := new(big.Float).SetInt(consensus.BlockWork(m.Bits)).Float64()
		r := Period{
			Index: k, StartHeight: k * interval, Bits: fmt.Sprintf("%08x", m.Bits),
			Difficulty:        consensus.DifficultyFromBits(m.Bits),
			ImpliedHashrateHs: work / spacingS,
			Sources:           strings.Join(m.sources, "+"),
			target:            target,
		}
		if m.StartTimeS != 0 {
			t := time.Unix(m.StartTimeS, 0).UTC()
			r.StartTime = &t
		}
		if i > 0 && idx[i-1] == k-1 {
			prev := &out[i-1]
			c := ratioPct(prev.target, target)
			r.ChangePct = &c
			if next := m.StartTimeS; next != 0 && prev.StartTime != nil {
				d := next - prev.StartTime.Unix()
				prev.DurationS = &d
				mean := float64(d) / float64(interval)
				prev.MeanBlockTimeS = &mean
			}
			if prev.RetargetSpanS == nil {
				if ratio, _ := new(big.Rat).SetFrac(target, prev.target).Float64(); ratio > 0.25 && ratio < 4 && target.Cmp(limit) < 0 {
					span := targetSpanS * ratio
					prev.RetargetSpanS, prev.SpanFrom = &span, "targets"
				}
			}
		}
		if m.StartTimeS != 0 && m.LastTimeS != 0 {
			span := float64(m.LastTimeS - m.StartTimeS)
			r.RetargetSpanS, r.SpanFrom = &span, "timestamps"
		}
		out[i] = r
	}
	for i := range out {
		r := &out[i]
		if r.RetargetSpanS != nil && *r.RetargetSpanS > 0 {
			work := r.ImpliedHashrateHs * spacingS
			h := float64(interval-1) * work / *r.RetargetSpanS
			r.MeasuredHashrateHs = &h
		}
		peak = math.Max(peak, r.Difficulty)
		r.DrawdownPct = 100 * (r.Difficulty/peak - 1)
	}
	return out, nil
}

// HistoryFrom is DifficultyHistory over what a store holds: synced
// blocks (each period's first and last block, store.PeriodEnds), bitcoinj
// header checkpoints and Electrum checkpoints, in that order of precedence.
// The checkpoints are mainnet's and are ignored for any other network.
func HistoryFrom(p *chaincfg.Params, periodEnds []chain.Block, cps []chain.HeaderCheckpoint, eps []chain.Epoch) ([]Period, error) {
	interval := consensus.RetargetIntervalBlocks(p)
	synced, err := ObservationsFromBlocks(interval, periodEnds)
	if err != nil {
		return nil, err
	}
	sources := [][]PeriodObservation{synced}
	if p.Net == chaincfg.MainNetParams.Net {
		eo, err := ObservationsFromElectrum(p, eps)
		if err != nil {
			return nil, err
		}
		sources = append(sources, ObservationsFromHeaders(interval, cps), eo)
	}
	return DifficultyHistory(p, sources...)
}

// ratioPct is 100·(prev/cur − 1): the difficulty change when the target
// goes from prev to cur (difficulty is inversely proportional to target).
func ratioPct(prev, cur *big.Int) float64 {
	f, _ := new(big.Rat).SetFrac(prev, cur).Float64()
	return 100 * (f - 1)
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// FilterPeriods keeps the periods that started in [since, until]; a zero
// bound is open. With a bound set, a period of unknown start time is
// dropped.
func FilterPeriods(ps []Period, since, until time.Time) []Period {
	if since.IsZero() && until.IsZero() {
		return ps
	}
	var out []Period
	for _, r := range ps {
		if r.StartTime == nil || (!since.IsZero() && r.StartTime.Before(since)) || (!until.IsZero() && r.StartTime.After(until)) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// RankedChange is one difficulty change in a ranking.
type RankedChange struct {
	Rank        int        `json:"rank"`
	StartHeight int64      `json:"start_height"`
	StartTime   *time.Time `json:"start_time,omitempty"`
	Bits        string     `json:"bits"`
	Difficulty  float64    `json:"difficulty"`
	ChangePct   float64    `json:"change_pct" table:"%+.2f"`
}

// LargestChanges ranks the n largest drops (drops = true; the most
// negative ChangePct first) or rises among ps. Equal changes share a rank
// (1, 2, 2, 4); ties are listed oldest first.
func LargestChanges(ps []Period, n int, drops bool) []RankedChange {
	all := changes(ps, drops)
	if n < len(all) {
		// Keep everything tied with the n-th.
		cut := n
		for cut < len(all) && n > 0 && all[cut].ChangePct == all[n-1].ChangePct {
			cut++
		}
		all = all[:cut]
	}
	return all
}

func changes(ps []Period, drops bool) []RankedChange {
	var out []RankedChange
	for _, r := range ps {
		if r.ChangePct == nil || (drops && *r.ChangePct >= 0) || (!drops && *r.ChangePct <= 0) {
			continue
		}
		out = append(out, RankedChange{StartHeight: r.StartHeight, StartTime: r.StartTime, Bits: r.Bits, Difficulty: r.Difficulty, ChangePct: *r.ChangePct})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if drops {
			return out[i].ChangePct < out[j].ChangePct
		}
		return out[i].ChangePct > out[j].ChangePct
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].ChangePct == out[i-1].ChangePct {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// ChangeRank says where a change of ChangePct would rank in history.
type ChangeRank struct {
	ChangePct float64 `json:"change_pct" table:"%+.2f"`
	Direction string  `json:"direction"`
	// Rank is 1 + the number of past changes in the same direction that
	// are strictly larger in size: a new change of this size would rank
	// there. AsLarge counts the past changes at least as large.
	Rank    int `json:"rank"`
	AsLarge int `json:"as_large"`
	Changes int `json:"changes"`
	// LastAsLarge is the most recent change at least as large.
	LastAsLargeHeight    *int64     `json:"last_as_large_height,omitempty"`
	LastAsLargeTime      *time.Time `json:"last_as_large_time,omitempty"`
	LastAsLargeChangePct *float64   `json:"last_as_large_change_pct,omitempty" table:"%+.2f"`
	// DataThroughHeight (and Time) is the start of the last period compared.
	DataThroughHeight int64      `json:"data_through_height"`
	DataThroughTime   *time.Time `json:"data_through_time,omitempty"`
}

// RankOf ranks a change of pct percent (negative: a drop) against ps.
// Sizes are compared exactly, so a past −11.157 % is not as large as
// −11.16 %.
func RankOf(ps []Period, pct float64) (ChangeRank, error) {
	if pct == 0 || math.IsNaN(pct) || math.IsInf(pct, 0) {
		return ChangeRank{}, fmt.Errorf("change %g%%: want a non-zero percentage", pct)
	}
	drops := pct < 0
	r := ChangeRank{ChangePct: pct, Direction: "rise", Rank: 1}
	if drops {
		r.Direction = "drop"
	}
	if len(ps) > 0 {
		r.DataThroughHeight, r.DataThroughTime = ps[len(ps)-1].StartHeight, ps[len(ps)-1].StartTime
	}
	for _, c := range changes(ps, drops) {
		r.Changes++
		size := math.Abs(c.ChangePct)
		if size > math.Abs(pct) {
			r.Rank++
		}
		if size >= math.Abs(pct) {
			r.AsLarge++
			if r.LastAsLargeHeight == nil || c.StartHeight > *r.LastAsLargeHeight {
				h, pc := c.StartHeight, c.ChangePct
				r.LastAsLargeHeight, r.LastAsLargeTime, r.LastAsLargeChangePct = &h, c.StartTime, &pc
			}
		}
	}
	return r, nil
}

// Drawdown is one episode of the difficulty-implied hashrate below its
// running peak: from the peak period to the first period back at or above
// it (absent while still below).
type Drawdown struct {
	Rank           int        `json:"rank"`
	PeakHeight     int64      `json:"peak_height"`
	PeakTime       *time.Time `json:"peak_time,omitempty"`
	TroughHeight   int64      `json:"trough_height"`
	TroughTime     *time.Time `json:"trough_time,omitempty"`
	DepthPct       float64    `json:"depth_pct" table:"%.2f"`
	RecoveryHeight *int64     `json:"recovery_height,omitempty"`
	RecoveryTime   *time.Time `json:"recovery_time,omitempty"`
}

// Drawdowns lists the n deepest drawdown episodes of ps (DrawdownPct), the
// deepest first.
func Drawdowns(ps []Period, n int) []Drawdown {
	var out []Drawdown
	peak := -1
	var cur *Drawdown
	for i, r := range ps {
		if peak < 0 || r.Difficulty >= ps[peak].Difficulty {
			if cur != nil {
				h := r.StartHeight
				cur.RecoveryHeight, cur.RecoveryTime = &h, r.StartTime
				out = append(out, *cur)
				cur = nil
			}
			peak = i
			continue
		}
		depth := 100 * (r.Difficulty/ps[peak].Difficulty - 1)
		if cur == nil {
			cur = &Drawdown{PeakHeight: ps[peak].StartHeight, PeakTime: ps[peak].StartTime, DepthPct: 0}
		}
		if depth < cur.DepthPct {
			cur.DepthPct, cur.TroughHeight, cur.TroughTime = depth, r.StartHeight, r.StartTime
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DepthPct < out[j].DepthPct })
	if n < len(out) {
		out = out[:n]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}
