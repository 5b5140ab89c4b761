package serve

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/security"
)

// Source labels of a state.
const (
	SourceLive     = "LIVE"
	SourceSnapshot = "SNAPSHOT"
)

// Window sizes of the state's precomputed measures.
const (
	// keepDays is how much block history the state holds in memory: the
	// signals' 430 days (a year for Puell plus the 200-day ribbons).
	keepDays = 430
	// keepBlocks is keepDays at 1.5× the nominal 144 blocks/day, as the
	// signals command reads.
	keepBlocks = keepDays * 144 * 3 / 2
	// energyWindowBlocks is a week of blocks (CBECI's 7-day average).
	energyWindowBlocks = 1008
	// minRateBlocks is the fewest intervals the next-retarget block rate
	// is estimated from.
	minRateBlocks = 144
	// defaultPoolDays is the pools window precomputed per block.
	defaultPoolDays = 7
)

// AsOf names the block a state describes.
type AsOf struct {
	Height int64     `json:"height"`
	Time   time.Time `json:"time"`
}

// Quote is a BTC/USD price and where it came from.
type Quote struct {
	USD    float64   `json:"price_usd"`
	Time   time.Time `json:"price_time"`
	Source string    `json:"price_source"`
}

// Hashprice is the network's revenue per unit of hashrate, with the CLI
// hashprice command's keys.
type Hashprice struct {
	USDPerPHDay       float64 `json:"usd_per_ph_day"`
	BTCPerPHDay       float64 `json:"btc_per_ph_day"`
	USDPerTHDay       float64 `json:"usd_per_th_day"`
	ImpliedDifficulty float64 `json:"implied_difficulty"`
	ImpliedHashrateHs float64 `json:"implied_hashrate_hs"`
}

// NetworkInfo is the network state revenue depends on.
type NetworkInfo struct {
	Chain                   string  `json:"chain"`
	Difficulty              float64 `json:"difficulty"`
	Bits                    string  `json:"bits"` // compact target in hex; "" for the snapshot
	PriceUSD                float64 `json:"price_usd"`
	SubsidySat              int64   `json:"subsidy_sat"`
	FeesPerBlockSat         int64   `json:"fees_per_block_sat"`
	SecurityBudgetUSDPerDay float64 `json:"security_budget_usd_per_day"`
}

// Hashrate is the hashrate command's result.
type Hashrate struct {
	GetNetworkHashPSHs float64 `json:"getnetworkhashps_hs"`
	HashrateHs         float64 `json:"hashrate_hs"`
	CILowHs            float64 `json:"ci_low_hs"`
	CIHighHs           float64 `json:"ci_high_hs"`
	Confidence         float64 `json:"confidence"`
	Blocks             int64   `json:"blocks"`
	FromHeight         int64   `json:"from_height"`
	ToHeight           int64   `json:"to_height"`
	SpanS              int64   `json:"span_s"`
}

// Signals is the signals command's summary and ribbon state.
type Signals struct {
	economics.SignalSummary
	SMA30Hs            float64               `json:"sma30_hs"`
	SMA60Hs            float64               `json:"sma60_hs"`
	InCapitulation     bool                  `json:"in_capitulation"`
	DaysInCapitulation int                   `json:"days_in_capitulation"`
	RibbonEvents       []metrics.RibbonEvent `json:"ribbon_events"`
}

// Pools is the pools command's result over a window of days.
type Pools struct {
	Days     int                 `json:"days"`
	Blocks   int                 `json:"blocks"`
	Nakamoto int                 `json:"nakamoto_coefficient"`
	Shares   []metrics.PoolShare `json:"shares"`
}

// HashpriceRow is a day of the hashprice history; PriceAssumed marks a
// day with no imported close, priced at the current quote.
type HashpriceRow struct {
	economics.HashpriceDay
	PriceAssumed bool `json:"price_assumed"`
}

// hashpriceRows prices every day of days: at its imported close where
// there is one, else at the current quote q (ASSUMED, as the returned
// note says). A Puell multiple whose 365-day window holds an assumed day
// would compare the quote with itself, so it is 0 (unknown) there.
func hashpriceRows(p *chaincfg.Params, blocks []chain.Block, days []metrics.Day, prices []chain.Price, q Quote) ([]HashpriceRow, string) {
	have := make(map[int64]bool, len(prices))
	for _, pr := range prices {
		have[pr.Day.Unix()] = true
	}
	filled := slices.Clone(prices)
	for _, d := range days {
		if !have[d.Day.Unix()] {
			filled = append(filled, chain.Price{Day: d.Day, CloseUSD: q.USD})
		}
	}
	hist := economics.HashpriceHistory(p, blocks, days, filled)
	out := make([]HashpriceRow, len(hist))
	assumed, lastAssumed := 0, -365
	for i, h := range hist {
		out[i] = HashpriceRow{HashpriceDay: h, PriceAssumed: !have[h.Day.Unix()]}
		if out[i].PriceAssumed {
			assumed, lastAssumed = assumed+1, i
		}
		if i-lastAssumed < 365 {
			out[i].PuellMultiple = 0
		}
	}
	if assumed == 0 {
		return out, ""
	}
	return out, fmt.Sprintf("hashprice history: price $%.2f (%s) applied to %d of %d days with no imported close — ASSUMED (price_assumed); Puell multiple 0 where its year holds such a day",
		q.USD, q.Source, assumed, len(out))
}

// HashrateDay is a day of metrics.Daily with, when computable, the
// confidence interval of its fixed-window hashrate (metrics.DayInterval:
// exact Poisson on the day's block count, at Options.Confidence) and
// Core's getnetworkhashps over the Options.HashrateBlocks (120) blocks
// ending at its last block, all in H/s.
type HashrateDay struct {
	metrics.Day
	CILowHs            *float64 `json:"ci_low_hs,omitempty"`
	CIHighHs           *float64 `json:"ci_high_hs,omitempty"`
	GetNetworkHashPSHs *float64 `json:"getnetworkhashps_hs,omitempty"`
}

// hashrateDays adds the intervals and Core's estimator to days, once per
// state: the window is HashrateBlocks per day, so O(days · 120).
func hashrateDays(days []metrics.Day, blocks []chain.Block, o Options, interval int64) []HashrateDay {
	out := make([]HashrateDay, len(days))
	tip := blocks[len(blocks)-1].Height
	for i, d := range days {
		out[i].Day = d
		if lo, hi, ok := metrics.DayInterval(d, o.Confidence); ok {
			out[i].CILowHs, out[i].CIHighHs = &lo, &hi
		}
		first, last, ok, err := metrics.CoreWindow(tip, o.HashrateBlocks, d.LastHeight, interval)
		if err != nil || !ok || first < blocks[0].Height || last > tip {
			continue
		}
		core := metrics.NetworkHashPS(blocks[first-blocks[0].Height : last-blocks[0].Height+1])
		if core > 0 {
			out[i].GetNetworkHashPSHs = &core
		}
	}
	return out
}

// PoolsLuck is each pool's blocks in the last Days days against what its
// share in the ShareDays days before predicts (metrics.Pools.Luck).
type PoolsLuck struct {
	Days      int                `json:"days"`
	ShareDays int                `json:"share_days"`
	Blocks    int                `json:"blocks"`
	Pools     []metrics.PoolLuck `json:"pools"`
}

// defaultShareDays is the luck's share-estimate window, as the CLI's.
const defaultShareDays = 30

// poolsLuckOf is `hashfall pools luck --days days --share-days shareDays`
// over the blocks in memory: the window is the blocks stamped in the
// last days before the tip, the shares come from the shareDays before.
func poolsLuckOf(defs *metrics.Pools, blocks []chain.Block, days, shareDays int) (*PoolsLuck, error) {
	end := blocks[len(blocks)-1].TimeS
	start, shareStart := end-int64(days)*86400, end-int64(days+shareDays)*86400
	// The CLI reads the store back to genesis; here the window may have
	// been cut, and a share estimate from fewer days would say otherwise.
	if blocks[0].Height > 0 && blocks[0].TimeS > shareStart {
		return nil, fmt.Errorf("the blocks held in memory (from height %d) do not reach %d days back", blocks[0].Height, days+shareDays)
	}
	// The window is open at the top: a block stamped after the tip still
	// counts. The CLI's window stops at the tip's stamp.
	window, earlier := metrics.StampedIn(blocks, start, math.MaxInt64), metrics.StampedIn(blocks, shareStart, start)
	if len(window) == 0 || len(earlier) == 0 {
		return nil, fmt.Errorf("no blocks in the window or in the %d days before it", shareDays)
	}
	rows, err := defs.LuckAfter(window, earlier, shareStart, start)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []metrics.PoolLuck{}
	}
	return &PoolsLuck{Days: days, ShareDays: shareDays, Blocks: len(window), Pools: rows}, nil
}

// PoolPeriod is one bucket of `hashfall pools series`: its concentration
// (Nakamoto coefficient, HHI over identified pools, unknown share, empty
// blocks) and every pool's blocks, share and empty blocks.
type PoolPeriod struct {
	metrics.Concentration
	Shares []PoolPeriodShare `json:"shares"`
}

// PoolPeriodShare is one pool's part of a bucket.
type PoolPeriodShare struct {
	Pool        string  `json:"pool"`
	Blocks      int64   `json:"blocks"`
	SharePct    float64 `json:"share_pct"`
	EmptyBlocks int64   `json:"empty_blocks"`
}

// poolPeriods groups metrics.Pools.Series' long rows under their bucket.
func poolPeriods(defs *metrics.Pools, blocks []chain.Block, bucket time.Duration) ([]PoolPeriod, error) {
	rows, conc, err := defs.Series(blocks, bucket)
	if err != nil {
		return nil, err
	}
	out := make([]PoolPeriod, len(conc))
	j := 0
	for i, c := range conc {
		out[i] = PoolPeriod{Concentration: c, Shares: []PoolPeriodShare{}}
		for ; j < len(rows) && rows[j].Start.Equal(c.Start); j++ {
			r := rows[j]
			out[i].Shares = append(out[i].Shares, PoolPeriodShare{Pool: r.Pool, Blocks: r.Blocks, SharePct: r.SharePct, EmptyBlocks: r.EmptyBlocks})
		}
	}
	return out, nil
}

// State is everything serve answers from, computed once per block or
// price tick and never modified afterwards: handlers read it through an
// atomic pointer without locks.
type State struct {
	AsOf    AsOf
	Source  string // SourceLive or SourceSnapshot
	Params  *chaincfg.Params
	Price   Quote
	Net     economics.Network
	Options Options
	Notes   []string

	Network   NetworkInfo
	Hashprice Hashprice
	Machines  []economics.MachineEconomics // catalog at the default site
	Hashrate  *Hashrate                    // nil without blocks
	Retarget  *metrics.Forecast            // nil without blocks
	Signals   *Signals                     // nil with fewer than a day of blocks
	Pools     *Pools                       // default window
	// PoolsLuck is `hashfall pools luck` at its defaults (7 days, shares
	// from the 30 days before); nil when not computable.
	PoolsLuck *PoolsLuck
	// PoolsDaily and PoolsWeekly are metrics' pool series over the blocks
	// held in memory, per UTC day and per week (from Monday), oldest first;
	// the Follower fills them (poolCache), LiveState leaves them nil.
	PoolsDaily, PoolsWeekly []PoolPeriod
	Energy                  *economics.EnergyEstimate
	Security                *economics.Security
	// DoubleSpend is `hashfall security`'s default table at the tip:
	// Rosenfeld confirmations at risk 0.1% and the rent/build cost against
	// 10%, 30% and 45% attackers for a day (ASSUMED prices, labelled).
	DoubleSpend []security.Row
	History     []economics.HashpriceDay // daily, oldest first, imported closes only
	// HashpriceRows is what /api/v1/hashprice/history answers: History,
	// or, when days lack an imported close, every day with the current
	// price standing in for the missing closes (HashpriceNote says so).
	HashpriceRows []HashpriceRow
	HashpriceNote string
	Days          []metrics.Day // daily hashrate, oldest first
	// HashrateDays is Days with each day's interval and Core's estimator,
	// what /api/v1/hashrate/history answers.
	HashrateDays []HashrateDay
	Fleet        *plan.FleetStatus // nil without --fleet
	// DifficultyHistory is every difficulty period the store knows, from
	// synced blocks and imported checkpoints (metrics.StoredHistory);
	// nil for the SNAPSHOT.
	DifficultyHistory []metrics.Period
	// Blocks is the in-memory window the parameterised endpoints read;
	// never appended to or modified once the state is published.
	Blocks []chain.Block
	// BuildDuration is how long computing this state took.
	BuildDuration time.Duration
}

// Options are the assumptions of the computed measures.
type Options struct {
	PowerUSDPerKWh  float64 // site power price for machines, signals and energy
	PUE             float64 // site PUE for machines and fleet
	FleetJPerTH     float64 // reference fleet for signals' revenue-to-cost
	ASICUSDPerTH    float64 // 51% attack hardware price (ASSUMED)
	Confidence      float64 // hashrate interval confidence
	HashrateBlocks  int64   // default hashrate window (Core's 120)
	Catalog         *hardware.Catalog
	PoolDefinitions *metrics.Pools
}

// DefaultOptions are the CLI's defaults.
func DefaultOptions() Options {
	return Options{PowerUSDPerKWh: 0.05, PUE: 1, FleetJPerTH: 20, ASICUSDPerTH: 15, Confidence: 0.95,
		HashrateBlocks: metrics.CoreDefaultBlocks, Catalog: hardware.Default(), PoolDefinitions: metrics.DefaultPools()}
}

func (o Options) site() economics.Site {
	return economics.Site{PowerUSDPerKWh: o.PowerUSDPerKWh, PUE: o.PUE}
}

// SnapshotState is the state with no node: the embedded February 2026
// snapshot, labelled SNAPSHOT. Measures that need blocks (hashrate
// interval, next retarget, pools, signals) are absent.
func SnapshotState(o Options, price *Quote, now time.Time) *State {
	snap := economics.Snapshot2026Feb
	n := snap.Network
	q := Quote{USD: n.PriceUSD, Time: snap.AsOf, Source: SourceSnapshot}
	if price != nil {
		q = *price
		n.PriceUSD = q.USD
	}
	s := &State{
		AsOf:    AsOf{Height: snap.Height, Time: snap.AsOf},
		Source:  SourceSnapshot,
		Params:  &chaincfg.MainNetParams,
		Price:   q,
		Net:     n,
		Options: o,
		Notes:   []string{snap.Label},
	}
	s.fillNetwork("mainnet", "")
	s.fillDoubleSpend(snap.Label)
	hs := economics.ImpliedHashrateHs(n.Difficulty)
	s.fillEnergy(hs, snap.AsOf)
	return s
}

func (s *State) fillNetwork(chainName, bits string) {
	n := s.Net
	s.Network = NetworkInfo{Chain: chainName, Difficulty: n.Difficulty, Bits: bits, PriceUSD: n.PriceUSD,
		SubsidySat: n.SubsidySat, FeesPerBlockSat: n.FeesPerBlockSat, SecurityBudgetUSDPerDay: n.SecurityBudgetUSDPerDay()}
	usd := n.HashpriceUSDPerPHDay()
	s.Hashprice = Hashprice{USDPerPHDay: usd, BTCPerPHDay: n.HashpriceBTCPerPHDay(), USDPerTHDay: usd / 1000,
		ImpliedDifficulty: n.Difficulty, ImpliedHashrateHs: economics.ImpliedHashrateHs(n.Difficulty)}
	models := s.Options.Catalog.ByEfficiency()
	s.Machines = make([]economics.MachineEconomics, len(models))
	for i, m := range models {
		s.Machines[i] = economics.Machine(m, n, s.Options.site())
	}
}

// fillDoubleSpend assesses the state's network as `hashfall security`
// does with its defaults, building at the serve options' ASIC price and
// power price and the catalog's best efficiency.
func (s *State) fillDoubleSpend(label string) {
	jPerTH, efficiency := economics.BuildEfficiency(s.Options.Catalog)
	in := security.DefaultAttack(jPerTH)
	in.ASICUSDPerTH, in.PowerUSDPerKWh = s.Options.ASICUSDPerTH, s.Options.PowerUSDPerKWh
	q := security.Query{Model: security.Rosenfeld, Risk: security.DefaultRisk, Shares: security.DefaultShares, Attack: in}
	rows, err := security.Assess([]security.Scenario{economics.SecurityScenario("today", s.Net, s.AsOf.Time, label+in.AssumedLabel(efficiency))}, q)
	if err != nil {
		s.Notes = append(s.Notes, "double spend: "+err.Error())
		return
	}
	s.DoubleSpend = rows
}

func (s *State) fillEnergy(hashrateHs float64, at time.Time) {
	if !(hashrateHs > 0) || math.IsInf(hashrateHs, 0) {
		return
	}
	e, err := economics.Energy(s.Net, hashrateHs, at, s.Options.PowerUSDPerKWh, s.Options.Catalog)
	if err != nil {
		s.Notes = append(s.Notes, "energy: "+err.Error())
		return
	}
	s.Energy = &e
	sec, err := economics.SecurityOf(s.Net, hashrateHs, economics.Attack51{
		ASICUSDPerTH: s.Options.ASICUSDPerTH, JoulesPerTH: e.LowerJPerTH, PowerUSDPerKWh: s.Options.PowerUSDPerKWh,
		PUE: 1.1, Days: 1})
	if err != nil {
		s.Notes = append(s.Notes, "security: "+err.Error())
		return
	}
	s.Security = &sec
}

// LiveState computes the state at the last of blocks (a contiguous run
// ending at the store's tip) with prices for the daily history and the
// current quote. nowS is the clock, for the next-retarget forecast.
func LiveState(p *chaincfg.Params, blocks []chain.Block, prices []chain.Price, q Quote, o Options, fleet *plan.Fleet, nowS int64) (*State, error) {
	if len(blocks) == 0 {
		return nil, fmt.Errorf("no blocks")
	}
	start := time.Now()
	tip := blocks[len(blocks)-1]
	n := economics.Network{
		PriceUSD:        q.USD,
		Difficulty:      consensus.DifficultyFromBits(tip.Bits),
		SubsidySat:      consensus.BlockSubsidy(p, tip.Height+1),
		FeesPerBlockSat: max(0, economics.FeesSMASat(blocks, tip.Height)),
	}
	s := &State{AsOf: AsOf{Height: tip.Height, Time: time.Unix(tip.TimeS, 0).UTC()}, Source: SourceLive,
		Params: p, Price: q, Net: n, Options: o, Blocks: blocks}
	s.fillNetwork(p.Name, fmt.Sprintf("%08x", tip.Bits))
	s.fillDoubleSpend("LIVE: the tip's difficulty, fees and price (" + q.Source + ")")

	if h, err := hashrateOf(blocks, o.HashrateBlocks, -1, o.Confidence, consensus.RetargetIntervalBlocks(p)); err == nil {
		s.Hashrate = &h
	} else {
		s.Notes = append(s.Notes, "hashrate: "+err.Error())
	}
	interval := consensus.RetargetIntervalBlocks(p)
	epochStart := tip.Height - tip.Height%interval
	from := max(blocks[0].Height, min(epochStart, tip.Height-minRateBlocks))
	if epochStart >= blocks[0].Height {
		if f, err := metrics.NextRetarget(p, blocks[epochStart-blocks[0].Height:], blocks[from-blocks[0].Height:], nowS); err == nil {
			s.Retarget = &f
		} else {
			s.Notes = append(s.Notes, "nextretarget: "+err.Error())
		}
	}
	pools := poolsOf(o.PoolDefinitions, blocks, defaultPoolDays)
	s.Pools = &pools
	if l, err := poolsLuckOf(o.PoolDefinitions, blocks, defaultPoolDays, defaultShareDays); err == nil {
		s.PoolsLuck = l
	} else {
		s.Notes = append(s.Notes, "pools luck: "+err.Error())
	}

	week := blocks[max(0, len(blocks)-energyWindowBlocks-1):]
	if est, err := metrics.Unbiased(week, o.Confidence); err == nil {
		s.fillEnergy(est.HashrateHs, s.AsOf.Time)
	}

	s.Days = metrics.Daily(p, blocks)
	s.HashrateDays = hashrateDays(s.Days, blocks, o, interval)
	if len(s.Days) > 0 {
		s.History = economics.HashpriceHistory(p, blocks, s.Days, prices)
		s.HashpriceRows, s.HashpriceNote = hashpriceRows(p, blocks, s.Days, prices, q)
		s.Signals = signalsOf(s, prices)
	}
	if fleet != nil {
		fs := fleet.Status(n)
		s.Fleet = &fs
	}
	s.BuildDuration = time.Since(start)
	return s, nil
}

func signalsOf(s *State, prices []chain.Price) *Signals {
	o := s.Options
	ribbons := metrics.HashRibbonsOf(s.Days)
	sig := &Signals{SignalSummary: economics.SummarizeSignals(s.Net, s.Days, s.History, o.FleetJPerTH, o.PowerUSDPerKWh),
		SMA30Hs: ribbons.SMA30Hs, SMA60Hs: ribbons.SMA60Hs, InCapitulation: ribbons.InCapitulation,
		DaysInCapitulation: ribbons.DaysInCapitulation,
		RibbonEvents:       append(ribbons.Events, economics.HashRibbonRecoveries(ribbons.Events, prices)...)}
	if sig.RibbonEvents == nil {
		sig.RibbonEvents = []metrics.RibbonEvent{}
	}
	if len(s.History) == 0 {
		sig.HashpriceUSDPerPHDay, sig.HashpriceBTCPerPHDay = s.Hashprice.USDPerPHDay, s.Hashprice.BTCPerPHDay
	}
	return sig
}

// hashrateOf computes the hashrate command over the in-memory blocks: Core's
// getnetworkhashps(nblocks, height) and the unbiased estimate over the
// same window.
func hashrateOf(blocks []chain.Block, nblocks, height int64, confidence float64, interval int64) (Hashrate, error) {
	tip := blocks[len(blocks)-1].Height
	first, last, ok, err := metrics.CoreWindow(tip, nblocks, height, interval)
	if err != nil {
		return Hashrate{}, err
	}
	if !ok {
		return Hashrate{}, fmt.Errorf("height 0 has no hashrate")
	}
	if first < blocks[0].Height {
		return Hashrate{}, fmt.Errorf("window starts at height %d, before the %d blocks held in memory (from %d)", first, len(blocks), blocks[0].Height)
	}
	if last-first < 2 {
		return Hashrate{}, fmt.Errorf("the unbiased estimate needs at least 2 block intervals, got %d", last-first)
	}
	bs := blocks[first-blocks[0].Height : last-blocks[0].Height+1]
	e, err := metrics.Unbiased(bs, confidence)
	if err != nil {
		return Hashrate{}, err
	}
	return Hashrate{GetNetworkHashPSHs: metrics.NetworkHashPS(bs), HashrateHs: e.HashrateHs, CILowHs: e.CILowHs,
		CIHighHs: e.CIHighHs, Confidence: e.Confidence, Blocks: e.Blocks, FromHeight: e.FromHeight, ToHeight: e.ToHeight, SpanS: e.SpanS}, nil
}

// poolsOf counts pool shares over the blocks of the last days before the tip.
func poolsOf(defs *metrics.Pools, blocks []chain.Block, days int) Pools {
	tip := blocks[len(blocks)-1]
	since := tip.TimeS - int64(days)*86400
	i := len(blocks)
	for i > 0 && blocks[i-1].TimeS > since {
		i--
	}
	window := blocks[i:]
	shares, nakamoto := defs.Shares(window)
	if shares == nil {
		shares = []metrics.PoolShare{}
	}
	return Pools{Days: days, Blocks: len(window), Nakamoto: nakamoto, Shares: shares}
}
