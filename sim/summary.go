package sim

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hashfall/hashfall/output"
)

// The daily metrics summarised as quantile bands, in report order.
const (
	mHashrate = iota
	mDifficulty
	mBlockTime
	mHashprice
	mPrice
	mUnderwater
	mTierLt20
	mTier20to25
	mTier25to30
	mTierGt30
	mSecurityBudget
	mBuild51
	mRent51
	mConfirmations
	mSales
	mFees
	mAIMW
	mAIOnline
	mAICapex
	numMetrics
)

var metricNames = [numMetrics]string{
	"hashrate_hs", "difficulty", "block_time_s", "hashprice_usd_per_ph_day", "price_usd",
	"underwater_share", "hashrate_lt20_j_per_th_hs", "hashrate_20to25_j_per_th_hs",
	"hashrate_25to30_j_per_th_hs", "hashrate_gt30_j_per_th_hs", "security_budget_usd_per_day",
	"cost_to_build_51pct_usd", "cost_to_rent_51pct_usd_per_day", "confirmations_needed", "miner_sales_btc_per_day",
	"fees_per_block_btc", "ai_mw_converted", "ai_mw_online", "ai_capex_usd",
}

// Thresholds of the "difficulty falls more than X% in one adjustment" events.
var fallThresholdsPct = [3]float64{5, 10, 20}

// summaryVersion changes whenever the shard file format does.
const summaryVersion = 2

// Summary is the mergeable result of a run or of a shard of one: exact
// integer counts and DDSketches for economic scenarios, exact per-path
// totals for the exogenous one. Merging the shards of a run gives the
// Summary of the whole run, bit for bit.
type Summary struct {
	Version      int
	ScenarioName string
	ScenarioKind string
	ScenarioHash string
	Engine       string
	Seed         uint64
	HorizonDays  int
	TotalPaths   int
	Ranges       [][2]int // path index ranges [from, to) this summary covers

	Daily         [][]Sketch // [metric][day]
	FallCounts    [3]int64   // paths with a single-adjustment fall > 5, 10, 20 %
	BelowLevelsHs []float64
	BelowCounts   []int64
	Dipped        int64
	DeadPaths     int64   // paths with zero running hashrate on some day: network death
	RecoveryDays  []int64 // [d] = dipped paths back after d days; [horizon] = never back
	Blocks        int64
	// RecoveryUSDPerPHDay is the hashprice level of the recovery event.
	RecoveryUSDPerPHDay float64

	Exogenous   []exoPath       // exogenous scenario, in path order
	Noda        []NodaPathStats // Noda scenarios, in path order
	ComputeTime time.Duration
	Scenario    Scenario // for the report's notes and start state

	// keys buffers the sketch keys of up to keyBatch paths, laid out as
	// [(metric·horizon + day)·keyBatch + path], so that each sketch grows
	// once per batch instead of once per new extreme.
	keys     []int32
	buffered int
}

const keyBatch = 64

// RunControl selects a shard and reports progress.
type RunControl struct {
	Shard, Shards int                   // run shard Shard (0-based) of Shards; Shards ≤ 1 runs all paths
	Progress      func(done, total int) // called after each path
}

// ShardRange returns the paths [from, to) of shard k of n.
func ShardRange(paths, k, n int) (int, int) {
	if n <= 1 {
		return 0, paths
	}
	return int(int64(paths) * int64(k) / int64(n)), int(int64(paths) * int64(k+1) / int64(n))
}

// Run simulates the scenario (or one shard of it) and returns its Summary.
func Run(ctx context.Context, s *Scenario, o Options, rc RunControl) (*Summary, error) {
	o, err := o.normalize(s)
	if err != nil {
		return nil, err
	}
	if rc.Shards > 1 && (rc.Shard < 0 || rc.Shard >= rc.Shards) {
		return nil, fmt.Errorf("shard %d is outside 0..%d", rc.Shard, rc.Shards-1)
	}
	if rc.Shards > o.Paths {
		return nil, fmt.Errorf("%d shards for %d paths: each shard needs at least one path", rc.Shards, o.Paths)
	}
	from, to := ShardRange(o.Paths, rc.Shard, rc.Shards)
	sum := &Summary{
		Version: summaryVersion, ScenarioName: s.Name, ScenarioKind: s.Kind, ScenarioHash: s.hash(),
		Engine: o.Engine, Seed: o.Seed, HorizonDays: o.HorizonDays, TotalPaths: o.Paths,
		Ranges: [][2]int{{from, to}}, Scenario: *s,
	}
	var progress func(int)
	if rc.Progress != nil {
		progress = func(done int) { rc.Progress(done, to-from) }
	}
	if s.Kind == KindNoda {
		paths, elapsed, err := runNoda(ctx, s, o, from, to, progress)
		if err != nil {
			return nil, err
		}
		sum.Noda, sum.ComputeTime = paths, elapsed
		for _, p := range paths {
			sum.Blocks += int64(p.Simulated)
		}
		return sum, nil
	}
	w, err := newWorld(s)
	if err != nil {
		return nil, err
	}
	if s.Kind == KindExogenous {
		paths, elapsed, err := runExogenous(ctx, w, o, from, to, progress)
		if err != nil {
			return nil, err
		}
		sum.Exogenous, sum.ComputeTime = paths, elapsed
		for _, p := range paths {
			sum.Blocks += p.Blocks
		}
		return sum, nil
	}
	sum.RecoveryUSDPerPHDay = w.recoveryUSDPerPHDay
	// One partial summary per worker, merged at the end; integer counts
	// make the result independent of which worker ran which path.
	began := time.Now()
	workers := max(1, min(o.Threads, to-from))
	parts := make(chan *Summary, workers)
	for range workers {
		part := &Summary{}
		part.initEconomic(s, o.HorizonDays)
		parts <- part
	}
	err = forPaths(ctx, from, to, workers, progress, func(i int) {
		part := <-parts
		part.addPath(w, i, o)
		parts <- part
	})
	if err != nil {
		return nil, err
	}
	close(parts)
	for part := range parts {
		part.flushKeys()
		if sum.Daily == nil {
			sum.adoptCounts(part)
		} else {
			sum.mergeCounts(part)
		}
	}
	sum.trim()
	sum.ComputeTime = time.Since(began)
	return sum, nil
}

func (s *Summary) initEconomic(sc *Scenario, horizon int) {
	s.Daily = make([][]Sketch, numMetrics)
	for m := range s.Daily {
		s.Daily[m] = make([]Sketch, horizon)
	}
	s.BelowLevelsHs = append([]float64(nil), sc.Events.HashrateBelowHs...)
	s.BelowCounts = make([]int64, len(sc.Events.HashrateBelowHs))
	s.RecoveryDays = make([]int64, horizon+1)
}

// flushKeys moves the buffered keys into the sketches.
func (s *Summary) flushKeys() {
	if s.buffered == 0 {
		return
	}
	horizon := len(s.RecoveryDays) - 1
	for m := range s.Daily {
		for d := range s.Daily[m] {
			at := (m*horizon + d) * keyBatch
			s.Daily[m][d].addKeys(s.keys[at : at+s.buffered])
		}
	}
	s.buffered = 0
}

func (s *Summary) addPath(w *world, idx int, o Options) {
	if s.keys == nil {
		s.keys = make([]int32, numMetrics*o.HorizonDays*keyBatch)
	}
	ev := w.simulatePath(idx, o, func(d int, r *dayRecord) {
		v := [numMetrics]float64{
			r.HashrateHs, r.Difficulty, r.blockTimeS, r.HashpriceUSDPerPHDay, r.PriceUSD,
			r.underwaterShare, r.tierHs[0], r.tierHs[1], r.tierHs[2], r.tierHs[3],
			r.securityBudgetUSDPerDay, r.build51USD, r.rent51USDPerDay, r.confirmationsNeeded, r.salesBTCPerDay,
			r.FeesPerBlockBTC, r.aiMWConverted, r.aiMWOnline, r.aiCapexUSD,
		}
		for m, x := range v {
			s.keys[(m*o.HorizonDays+d)*keyBatch+s.buffered] = sketchKey(x)
		}
	})
	if s.buffered++; s.buffered == keyBatch {
		s.flushKeys()
	}
	for i, t := range fallThresholdsPct {
		if ev.maxFallPct > t {
			s.FallCounts[i]++
		}
	}
	for i, l := range s.BelowLevelsHs {
		if ev.minHashrateHs < l {
			s.BelowCounts[i]++
		}
	}
	if ev.minHashrateHs == 0 {
		s.DeadPaths++
	}
	switch {
	case ev.recoveryDays > 0:
		s.Dipped++
		s.RecoveryDays[ev.recoveryDays]++
	case ev.recoveryDays < 0:
		s.Dipped++
		s.RecoveryDays[len(s.RecoveryDays)-1]++
	}
	s.Blocks += ev.blocks
}

// adoptCounts takes over o's counts and sketches (o is not used again).
func (s *Summary) adoptCounts(o *Summary) {
	s.Daily, s.FallCounts, s.BelowLevelsHs, s.BelowCounts = o.Daily, o.FallCounts, o.BelowLevelsHs, o.BelowCounts
	s.Dipped, s.DeadPaths, s.RecoveryDays, s.Blocks = o.Dipped, o.DeadPaths, o.RecoveryDays, o.Blocks
}

// mergeCounts adds o's counts and sketches to s.
func (s *Summary) mergeCounts(o *Summary) {
	for m := range s.Daily {
		for d := range s.Daily[m] {
			s.Daily[m][d].Merge(&o.Daily[m][d])
		}
	}
	for i := range s.FallCounts {
		s.FallCounts[i] += o.FallCounts[i]
	}
	for i := range s.BelowCounts {
		s.BelowCounts[i] += o.BelowCounts[i]
	}
	s.Dipped += o.Dipped
	s.DeadPaths += o.DeadPaths
	for i := range s.RecoveryDays {
		s.RecoveryDays[i] += o.RecoveryDays[i]
	}
	s.Blocks += o.Blocks
}

func (s *Summary) trim() {
	for m := range s.Daily {
		for d := range s.Daily[m] {
			s.Daily[m][d].trim()
		}
	}
}

// hash identifies the scenario's content, so that shards of different
// scenarios are never merged.
func (s *Scenario) hash() string {
	b, _ := yaml.Marshal(s)
	h := sha256.New()
	h.Write(b)
	for _, r := range s.bootstrapLogReturns {
		h.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(r)))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// WriteFile stores the summary as gzipped gob for `hashfall merge`.
func (s *Summary) WriteFile(path string) error {
	f, err := os.CreateTemp(dirOf(path), ".shard-*")
	if err != nil {
		return output.WriteError(path, err)
	}
	defer os.Remove(f.Name())
	zw := gzip.NewWriter(f)
	if err := gob.NewEncoder(zw).Encode(s); err != nil {
		f.Close()
		return output.WriteError(path, err)
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return output.WriteError(path, err)
	}
	if err := f.Close(); err != nil {
		return output.WriteError(path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return output.WriteError(path, err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}

// ReadSummaryFile reads a shard file written by WriteFile.
func ReadSummaryFile(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a hashfall shard file: %v", path, err)
	}
	var s Summary
	if err := gob.NewDecoder(zr).Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: not a hashfall shard file: %v", path, err)
	}
	if s.Version != summaryVersion {
		return nil, fmt.Errorf("%s: shard format %d, this hashfall reads %d", path, s.Version, summaryVersion)
	}
	return &s, nil
}

// MergeSummaries combines shard summaries of one run. They must share the
// scenario, engine, seed, horizon and path count, cover disjoint ranges,
// and together cover every path.
func MergeSummaries(parts []*Summary) (*Summary, error) {
	if len(parts) == 0 {
		return nil, errors.New("nothing to merge")
	}
	first := parts[0]
	var ranges [][2]int
	for i, p := range parts {
		if p.ScenarioHash != first.ScenarioHash || p.Engine != first.Engine || p.Seed != first.Seed ||
			p.HorizonDays != first.HorizonDays || p.TotalPaths != first.TotalPaths {
			return nil, fmt.Errorf("shard %d is from a different run (scenario %s/%s, engine %s, seed %d, horizon %d, paths %d) than shard 0 (%s/%s, %s, %d, %d, %d)",
				i, p.ScenarioName, p.ScenarioHash, p.Engine, p.Seed, p.HorizonDays, p.TotalPaths,
				first.ScenarioName, first.ScenarioHash, first.Engine, first.Seed, first.HorizonDays, first.TotalPaths)
		}
		ranges = append(ranges, p.Ranges...)
	}
	sort.Slice(ranges, func(i, j int) bool { return ranges[i][0] < ranges[j][0] })
	next := 0
	for _, r := range ranges {
		if r[0] < next {
			return nil, fmt.Errorf("shards overlap at path %d", r[0])
		}
		if r[0] > next {
			return nil, fmt.Errorf("paths %d..%d are in no shard", next, r[0]-1)
		}
		next = r[1]
	}
	if next != first.TotalPaths {
		return nil, fmt.Errorf("paths %d..%d are in no shard", next, first.TotalPaths-1)
	}
	out := &Summary{
		Version: summaryVersion, ScenarioName: first.ScenarioName, ScenarioKind: first.ScenarioKind,
		ScenarioHash: first.ScenarioHash, Engine: first.Engine, Seed: first.Seed, HorizonDays: first.HorizonDays,
		TotalPaths: first.TotalPaths, Ranges: [][2]int{{0, first.TotalPaths}}, Scenario: first.Scenario,
	}
	sorted := append([]*Summary(nil), parts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Ranges[0][0] < sorted[j].Ranges[0][0] })
	if first.ScenarioKind == KindExogenous || first.ScenarioKind == KindNoda {
		for _, p := range sorted {
			out.Exogenous = append(out.Exogenous, p.Exogenous...)
			out.Noda = append(out.Noda, p.Noda...)
			out.Blocks += p.Blocks
			out.ComputeTime += p.ComputeTime
		}
		return out, nil
	}
	out.initEconomic(&first.Scenario, first.HorizonDays)
	out.BelowLevelsHs = first.BelowLevelsHs
	out.RecoveryUSDPerPHDay = first.RecoveryUSDPerPHDay
	for _, p := range sorted {
		out.mergeCounts(p)
		out.ComputeTime += p.ComputeTime
	}
	out.trim()
	return out, nil
}

// options rebuilds the Options the summary was run with.
func (s *Summary) options() Options {
	return Options{Paths: s.TotalPaths, HorizonDays: s.HorizonDays, Seed: s.Seed, Engine: s.Engine}
}

// Report is what `hashfall simulate` prints: the exogenous result, or the
// economic document with daily bands every stepDays days (and the last day).
func (s *Summary) Report(stepDays int) any {
	if s.ScenarioKind == KindNoda {
		return nodaResult(&s.Scenario, s.options(), s.Noda, s.ComputeTime)
	}
	if s.ScenarioKind == KindExogenous {
		return exogenousResult(&s.Scenario, s.options(), s.Exogenous, s.ComputeTime)
	}
	return s.document(stepDays)
}

// Band is one metric's quantiles on one day.
type Band struct {
	Day    int     `json:"day"`
	Metric string  `json:"metric"`
	P5     float64 `json:"p5" table:"%.4g"`
	P25    float64 `json:"p25" table:"%.4g"`
	P50    float64 `json:"p50" table:"%.4g"`
	P75    float64 `json:"p75" table:"%.4g"`
	P95    float64 `json:"p95" table:"%.4g"`
}

// EventProbability is the share of paths on which an event happens within
// the horizon.
type EventProbability struct {
	Event       string  `json:"event"`
	Probability float64 `json:"probability"`
	Paths       int64   `json:"paths"`
}

// Recovery describes how long the hashprice takes to come back to its
// recovery level after falling DipPct below it.
type Recovery struct {
	LevelUSDPerPHDay     float64 `json:"level_usd_per_ph_day"`
	DipPct               float64 `json:"dip_pct"`
	DippedShare          float64 `json:"dipped_share"`
	RecoveredShareDipped float64 `json:"recovered_share_of_dipped"`
	DaysP25              *int    `json:"days_p25"` // null: not back within the horizon
	DaysP50              *int    `json:"days_p50"`
	DaysP75              *int    `json:"days_p75"`
	DaysP95              *int    `json:"days_p95"`
}

// RunInfo heads the economic report.
type RunInfo struct {
	Scenario          string  `json:"scenario"`
	Engine            string  `json:"engine"`
	Paths             int     `json:"paths"`
	HorizonDays       int     `json:"horizon_days"`
	Seed              uint64  `json:"seed"`
	SimulatedBlocks   int64   `json:"simulated_blocks"`
	StartPriceUSD     float64 `json:"start_price_usd"`
	StartDifficulty   float64 `json:"start_difficulty"`
	SketchAccuracyPct float64 `json:"quantile_accuracy_pct"`
}

func (s *Summary) document(stepDays int) output.Document {
	n := float64(s.TotalPaths)
	info := RunInfo{
		Scenario: s.ScenarioName, Engine: s.Engine, Paths: s.TotalPaths, HorizonDays: s.HorizonDays,
		Seed: s.Seed, SimulatedBlocks: s.Blocks, StartPriceUSD: s.Scenario.Start.PriceUSD,
		StartDifficulty: s.Scenario.Start.Difficulty, SketchAccuracyPct: sketchAlpha * 100,
	}
	var events []EventProbability
	for i, t := range fallThresholdsPct {
		events = append(events, EventProbability{Event: fmt.Sprintf("difficulty_falls_over_%gpct_in_one_adjustment", t), Probability: float64(s.FallCounts[i]) / n, Paths: s.FallCounts[i]})
	}
	for i, l := range s.BelowLevelsHs {
		events = append(events, EventProbability{Event: fmt.Sprintf("hashrate_below_%g_eh_s", l/1e18), Probability: float64(s.BelowCounts[i]) / n, Paths: s.BelowCounts[i]})
	}
	events = append(events, EventProbability{Event: "network_death_zero_hashrate", Probability: float64(s.DeadPaths) / n, Paths: s.DeadPaths})
	rec := s.recovery()
	var bands []Band
	qs := [5]float64{0.05, 0.25, 0.5, 0.75, 0.95}
	for m := 0; m < numMetrics; m++ {
		for d := 0; d < s.HorizonDays; d++ {
			if stepDays > 1 && d%stepDays != 0 && d != s.HorizonDays-1 {
				continue
			}
			sk := &s.Daily[m][d]
			var v [5]float64
			for i, q := range qs {
				v[i] = sk.Quantile(q)
			}
			bands = append(bands, Band{Day: d, Metric: metricNames[m], P5: v[0], P25: v[1], P50: v[2], P75: v[3], P95: v[4]})
		}
	}
	notes := []string{
		fmt.Sprintf("quantiles are DDSketch estimates within %.1f%% of the exact value; shards merge exactly", sketchAlpha*100),
	}
	if l := s.Scenario.Fleet.Label; l != "" {
		notes = append(notes, "fleet: "+l)
	}
	if d := s.Scenario.Description; d != "" {
		notes = append(notes, d)
	}
	notes = append(notes, floorNote(&s.Scenario.Fleet, s.DeadPaths, s.TotalPaths))
	return output.Document{
		Title: "hashfall simulate: " + s.ScenarioName,
		Notes: notes,
		Sections: []output.Section{
			{Name: "run", Data: info},
			{Name: "events", Data: events},
			{Name: "hashprice_recovery", Data: rec},
			{Name: "daily_bands", Data: bands},
		},
	}
}

func (s *Summary) recovery() Recovery {
	r := Recovery{LevelUSDPerPHDay: s.RecoveryUSDPerPHDay, DipPct: s.Scenario.Events.DipPct, DippedShare: float64(s.Dipped) / float64(s.TotalPaths)}
	if s.Dipped == 0 {
		return r
	}
	never := s.RecoveryDays[len(s.RecoveryDays)-1]
	r.RecoveredShareDipped = float64(s.Dipped-never) / float64(s.Dipped)
	quantile := func(q float64) *int {
		rank := int64(math.Ceil(q * float64(s.Dipped)))
		rank = max(rank, 1)
		var seen int64
		for d, c := range s.RecoveryDays[:len(s.RecoveryDays)-1] {
			seen += c
			if seen >= rank {
				return &d
			}
		}
		return nil
	}
	r.DaysP25, r.DaysP50, r.DaysP75, r.DaysP95 = quantile(0.25), quantile(0.5), quantile(0.75), quantile(0.95)
	return r
}

// floorNote states what keeps some hashrate running in the model, all of
// it ASSUMED unless the scenario file names a source, and, when some path
// lost every machine, that network death's probability and the
// assumptions that allow it.
func floorNote(f *FleetModel, dead int64, paths int) string {
	floor := "no must-run floor (fleet.stranded.share 0)"
	if st := f.Stranded; st.Share > 0 {
		floor = fmt.Sprintf("a must-run floor of %.3g%% of day-0 hashrate on stranded power (%s at $%.3g/kWh, never retired for days off)", st.Share*100, st.Model, st.USDPerKWh)
	}
	contracted := "no contracted hashrate"
	if f.ContractedShare > 0 && f.ContractedDays > 0 {
		contracted = fmt.Sprintf("%.3g%% of the fleet contracted to run whatever its margin for %d days", f.ContractedShare*100, f.ContractedDays)
	}
	runThrough := "no run-through of a retarget"
	if n := f.RunThroughRetargetDays; n > 0 {
		runThrough = fmt.Sprintf("within %d days of a retarget, revenue judged at the projected next difficulty", n)
	}
	note := fmt.Sprintf("ASSUMED behaviour: %s; %s; %s; shutdown below cost·(1−%.3g), restart above cost·(1+%.3g) after %d days (fleet.stop_loss_frac, restart_margin_frac, restart_delay_days)",
		floor, contracted, runThrough, f.StopLossFrac, f.RestartMarginFrac, f.RestartDelayDays)
	if dead > 0 {
		note += fmt.Sprintf("; NETWORK DEATH (zero hashrate on some day) in %d of %d paths (%.3g%%): it happens only when the price falls below the breakeven of the most efficient machine on the cheapest power in these assumptions, at a difficulty that cannot retarget without blocks; no such shutdown has happened on the real network",
			dead, paths, 100*float64(dead)/float64(paths))
	}
	return note
}
