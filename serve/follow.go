package serve

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/store"
)

// Follower keeps a Server's state current: it syncs the store from the
// node as `hashfall sync --follow` does, holds the recent blocks in memory
// (extended incrementally, never rescanned per request), and publishes a
// new State after each new block or price tick.
type Follower struct {
	Store store.Store
	// Dial opens the node; nil serves the store as it is.
	Dial func(ctx context.Context) (chain.Source, error)
	// Price gives the current price; nil uses the store's latest imported
	// price.
	Price   PriceSource
	Fleet   *plan.Fleet
	Options Options
	Poll    time.Duration // how often to ask the node for new blocks
	// PricePoll is how often to ask the price source.
	PricePoll time.Duration
	Server    *Server
	Log       *slog.Logger

	src    chain.Source
	params *chaincfg.Params
	window []chain.Block
	quote  Quote
	// history is the difficulty history, recomputed when the tip enters a
	// new period (historyPeriod): within a period no row changes.
	history       []metrics.Period
	historyPeriod int64
	pools         poolCache
}

func (f *Follower) log() *slog.Logger {
	if f.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Log
}

// Run follows until ctx ends. Failures of the node or the price source
// are logged and leave the last state served (it goes stale); they never
// end Run.
func (f *Follower) Run(ctx context.Context) error {
	if f.Poll <= 0 {
		f.Poll = 30 * time.Second
	}
	if f.PricePoll <= 0 {
		f.PricePoll = time.Minute
	}
	defer func() {
		if f.src != nil {
			f.src.Close()
		}
	}()
	f.tickPrice(ctx)
	f.syncOnce(ctx)
	blocks, prices := time.NewTicker(f.Poll), time.NewTicker(f.PricePoll)
	defer blocks.Stop()
	defer prices.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-blocks.C:
			f.syncOnce(ctx)
		case <-prices.C:
			if f.tickPrice(ctx) {
				f.rebuild(ctx, false)
			}
		}
	}
}

// syncOnce brings the store up to the node (when there is one) and
// publishes a new state if the tip changed.
func (f *Follower) syncOnce(ctx context.Context) {
	confirmed := f.Dial == nil
	if f.Dial != nil {
		if err := f.syncNode(ctx); err != nil {
			if ctx.Err() == nil {
				f.Server.metrics.failures.WithLabelValues("node").Inc()
				f.log().Warn("node sync failed; serving the last state", "err", err.Error())
			}
		} else {
			confirmed = true
		}
	}
	if err := f.rebuild(ctx, confirmed); err != nil && ctx.Err() == nil {
		f.log().Warn("state not recomputed", "err", err.Error())
	}
}

func (f *Follower) syncNode(ctx context.Context) error {
	if f.src == nil {
		src, err := f.Dial(ctx)
		if err != nil {
			return err
		}
		f.src = src
	}
	tip, err := f.src.Tip(ctx)
	if err != nil {
		f.src.Close()
		f.src = nil
		return err
	}
	f.Server.SetNodeTip(tip.Height)
	res, err := store.Sync(ctx, f.src, f.Store, store.SyncOptions{})
	if err != nil {
		return err
	}
	if res.Added > 0 || res.RolledBack > 0 {
		f.log().Info("synced", "tip", res.TipHeight, "added", res.Added, "rolled_back", res.RolledBack)
	}
	return nil
}

// tickPrice asks the price source; it reports whether the quote changed.
// With no quote yet and none to be had (no source configured and no
// prices imported, or the source failing at start), the price is the
// snapshot's, labelled so, until a real one arrives.
func (f *Follower) tickPrice(ctx context.Context) bool {
	var q Quote
	var err error
	if f.Price != nil {
		q, err = f.Price.Quote(ctx)
	} else {
		q, err = storePrice(ctx, f.Store)
	}
	if err != nil {
		if ctx.Err() == nil {
			f.Server.metrics.failures.WithLabelValues("price").Inc()
			f.log().Warn("price unavailable; keeping the last", "source", priceName(f.Price), "err", err.Error())
		}
		if f.quote.USD > 0 {
			return false
		}
		q = snapshotQuote()
	}
	changed := !sameQuote(q, f.quote)
	f.quote = q
	return changed
}

// snapshotQuote is the price of the embedded snapshot, labelled as such.
func snapshotQuote() Quote {
	snap := economics.Snapshot2026Feb
	return Quote{USD: snap.Network.PriceUSD, Time: snap.AsOf, Source: "SNAPSHOT price of early February 2026 (no price source answered)"}
}

// sameQuote compares price and source: a fixed price re-quoted later is
// no tick.
func sameQuote(a, b Quote) bool { return a.USD == b.USD && a.Source == b.Source }

func priceName(p PriceSource) string {
	if p == nil {
		return "store"
	}
	return p.Name()
}

// storePrice is the latest price imported into the store.
func storePrice(ctx context.Context, st store.Store) (Quote, error) {
	p, err := st.LatestPrice(ctx)
	if err != nil {
		return Quote{}, err
	}
	return Quote{USD: p.CloseUSD, Time: p.Day, Source: "store (hashfall import prices)"}, nil
}

// rebuild extends the in-memory window to the store's tip and publishes a
// state when the tip or the price changed (or force).
func (f *Follower) rebuild(ctx context.Context, confirmed bool) error {
	changed, err := f.extend(ctx)
	if err != nil {
		return err
	}
	if len(f.window) == 0 {
		return errors.New("the store has no blocks yet")
	}
	if f.quote.USD <= 0 {
		return errors.New("no price yet: configure a price source or import prices into the store")
	}
	cur := f.Server.State()
	if !changed && cur != nil && cur.Source == SourceLive && sameQuote(cur.Price, f.quote) {
		if confirmed {
			f.Server.Confirm()
		}
		return nil
	}
	prices, err := f.Store.Prices(ctx, time.Unix(f.window[0].TimeS, 0).UTC().AddDate(0, 0, -31), time.Unix(f.window[len(f.window)-1].TimeS, 0).UTC())
	if err != nil {
		return err
	}
	st, err := LiveState(f.params, f.window, prices, f.quote, f.Options, f.Fleet, time.Now().Unix())
	if err != nil {
		return err
	}
	st.DifficultyHistory = f.difficultyHistory(ctx)
	if st.PoolsDaily, st.PoolsWeekly, err = f.pools.series(f.Options.PoolDefinitions, f.window); err != nil {
		st.Notes = append(st.Notes, "pools history: "+err.Error())
	}
	if confirmed {
		f.Server.Confirm()
	}
	f.Server.Publish(st)
	f.log().Info("state", "height", st.AsOf.Height, "price_usd", st.Price.USD, "build_ms", float64(st.BuildDuration.Microseconds())/1000)
	return nil
}

// poolCache keeps the pool series of the completed UTC days and weeks, so
// that a new block recomputes only the current day's and week's buckets
// (identifying every block's pool is most of the cost). The oldest, partial
// bucket keeps the blocks it had when the cache was filled, until the next
// UTC day refills it.
type poolCache struct {
	today     time.Time // the tip's UTC day when filled
	tipHeight int64
	tipHash   chainhash.Hash
	days      []PoolPeriod // buckets before today
	weeks     []PoolPeriod // buckets before today's week
}

// series returns the daily and weekly pool series over window.
func (c *poolCache) series(defs *metrics.Pools, window []chain.Block) (daily, weekly []PoolPeriod, err error) {
	tip := window[len(window)-1]
	today := time.Unix(tip.TimeS, 0).UTC().Truncate(24 * time.Hour)
	week := period(today, "week")
	if !c.valid(window, today) {
		var beforeDay, beforeWeek []chain.Block
		for _, b := range window {
			if b.TimeS < today.Unix() {
				beforeDay = append(beforeDay, b)
			}
			if b.TimeS < week.Unix() {
				beforeWeek = append(beforeWeek, b)
			}
		}
		days, err := poolPeriods(defs, beforeDay, 24*time.Hour)
		if err != nil {
			return nil, nil, err
		}
		weeks, err := poolPeriods(defs, beforeWeek, 7*24*time.Hour)
		if err != nil {
			return nil, nil, err
		}
		*c = poolCache{today: today, days: days, weeks: weeks}
	}
	c.tipHeight, c.tipHash = tip.Height, tip.Hash
	var inDay, inWeek []chain.Block
	for _, b := range window {
		if b.TimeS >= today.Unix() {
			inDay = append(inDay, b)
		}
		if b.TimeS >= week.Unix() {
			inWeek = append(inWeek, b)
		}
	}
	curDay, err := poolPeriods(defs, inDay, 24*time.Hour)
	if err != nil {
		return nil, nil, err
	}
	curWeek, err := poolPeriods(defs, inWeek, 7*24*time.Hour)
	if err != nil {
		return nil, nil, err
	}
	return slices.Concat(c.days, curDay), slices.Concat(c.weeks, curWeek), nil
}

// valid reports whether the cached buckets still hold: same UTC day, the
// cached tip still in window (no reorganisation below it), and no block
// since then stamped before today.
func (c *poolCache) valid(window []chain.Block, today time.Time) bool {
	if c.days == nil || !c.today.Equal(today) {
		return false
	}
	i := c.tipHeight - window[0].Height
	if i < 0 || i >= int64(len(window)) || window[i].Hash != c.tipHash {
		return false
	}
	for _, b := range window[i+1:] {
		if b.TimeS < today.Unix() {
			return false
		}
	}
	return true
}

// difficultyHistory returns the store's difficulty history, read again
// only when the tip has entered a period it has not seen. A failure is
// logged and leaves the last history served.
func (f *Follower) difficultyHistory(ctx context.Context) []metrics.Period {
	tip := f.window[len(f.window)-1].Height
	period := tip / consensus.RetargetIntervalBlocks(f.params)
	if f.history != nil && period == f.historyPeriod {
		return f.history
	}
	ps, err := metrics.StoredHistory(ctx, f.Store, f.params)
	if err != nil {
		f.log().Warn("difficulty history", "err", err)
		return f.history
	}
	f.history, f.historyPeriod = ps, period
	return ps
}

// extend brings the window to the store's tip: new blocks are appended
// (the old states keep their shorter slices), a reorganisation reloads the
// window. It reports whether the tip changed.
func (f *Follower) extend(ctx context.Context) (bool, error) {
	tip, err := f.Store.Tip(ctx)
	if errors.Is(err, store.ErrEmpty) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if f.params == nil {
		name, err := f.Store.Network(ctx)
		if err != nil {
			return false, err
		}
		p, ok := NetworkParams(name)
		if !ok {
			return false, errors.New("store holds blocks of unknown network " + name)
		}
		f.params = p
	}
	if n := len(f.window); n > 0 {
		last := f.window[n-1]
		if last.Height == tip.Height && last.Hash == tip.Hash {
			return false, nil
		}
		if last.Height < tip.Height {
			if h, err := f.Store.HashAt(ctx, last.Height); err == nil && h == last.Hash {
				more, err := f.Store.Blocks(ctx, last.Height+1, tip.Height)
				if err != nil {
					return false, err
				}
				w := append(f.window, more...)
				if len(w) > keepBlocks {
					w = w[len(w)-keepBlocks:]
				}
				f.window = w
				return true, nil
			}
		}
	}
	bs, err := f.Store.Blocks(ctx, max(0, tip.Height-keepBlocks+1), tip.Height)
	if err != nil {
		return false, err
	}
	f.window = bs
	return true, nil
}

var networks = map[string]*chaincfg.Params{}

func init() {
	for _, p := range []*chaincfg.Params{&chaincfg.MainNetParams, &chaincfg.TestNet3Params, &chaincfg.TestNet4Params,
		&chaincfg.RegressionNetParams, &chaincfg.SimNetParams, &chaincfg.SigNetParams} {
		networks[p.Name] = p
	}
}

// NetworkParams returns the consensus parameters of a network name.
func NetworkParams(name string) (*chaincfg.Params, bool) {
	p, ok := networks[name]
	return p, ok
}
