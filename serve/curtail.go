package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hashfall/hashfall/alert"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/power"
)

// CurtailConfig is the config file's curtail section: live power
// decisions for the fleet (needs --fleet).
type CurtailConfig struct {
	// Prices is the power price file, re-read when its size or
	// modification time changes; its modification time is the prices'
	// as_of.
	Prices string `yaml:"prices"`
	// Format is ercot-rt (default), ercot-dam or csv.
	Format string `yaml:"format"`
	// SettlementPoint is the ERCOT settlement point (ercot-rt, ercot-dam).
	SettlementPoint string `yaml:"settlement_point"`
	// TZ is the zone of csv timestamps without an offset (default UTC).
	TZ string `yaml:"tz"`
	// SafeState is the operating point a class takes when the price or
	// hashprice is stale or missing (default off).
	SafeState string `yaml:"safe_state"`
	// MaxPriceAgeMinutes bounds the price file's age (default 30);
	// MaxHashpriceAgeMinutes the hashprice's (default 60).
	MaxPriceAgeMinutes     float64 `yaml:"max_price_age_minutes"`
	MaxHashpriceAgeMinutes float64 `yaml:"max_hashprice_age_minutes"`
	// HorizonIntervals is how many intervals after the current one are
	// decided and published (default 4).
	HorizonIntervals int `yaml:"horizon_intervals"`
	// MinOnIntervals and MinOffIntervals are each class's minimum run and
	// rest (default 1).
	MinOnIntervals  int `yaml:"min_on_intervals"`
	MinOffIntervals int `yaml:"min_off_intervals"`
	// PollSeconds is how often the file is checked between interval
	// boundaries (default 30).
	PollSeconds float64 `yaml:"poll_seconds"`
	// Webhook is the site's control system: it gets a POST whenever a
	// class's decision for the current interval changes.
	Webhook struct {
		URL            string  `yaml:"url"`
		Retries        int     `yaml:"retries"`
		BackoffSeconds float64 `yaml:"backoff_seconds"`
	} `yaml:"webhook"`
}

// check validates the section and fills its defaults; errors name the key.
func (c *CurtailConfig) check() error {
	if c.Prices == "" {
		if c.Webhook.URL != "" || c.Format != "" || c.SettlementPoint != "" {
			return errors.New("curtail.prices is required")
		}
		return nil
	}
	if c.Format == "" {
		c.Format = "ercot-rt"
	}
	if c.TZ == "" {
		c.TZ = "UTC"
	}
	if c.SafeState == "" {
		c.SafeState = "off"
	}
	switch {
	case c.Format != "ercot-rt" && c.Format != "ercot-dam" && c.Format != "csv":
		return fmt.Errorf("curtail.format %q: want ercot-rt, ercot-dam or csv", c.Format)
	case c.Format != "csv" && c.SettlementPoint == "":
		return fmt.Errorf("curtail.settlement_point is required with format %s", c.Format)
	case !(c.MaxPriceAgeMinutes >= 0) || !(c.MaxHashpriceAgeMinutes >= 0) || !(c.PollSeconds >= 0):
		return errors.New("curtail.max_price_age_minutes, max_hashprice_age_minutes and poll_seconds must be ≥ 0")
	case c.HorizonIntervals < 0 || c.HorizonIntervals > 96:
		return fmt.Errorf("curtail.horizon_intervals must be 0..96, got %d", c.HorizonIntervals)
	case c.MinOnIntervals < 0 || c.MinOnIntervals > 96 || c.MinOffIntervals < 0 || c.MinOffIntervals > 96:
		return errors.New("curtail.min_on_intervals and min_off_intervals must be 0..96")
	case c.Webhook.Retries < 0 || !(c.Webhook.BackoffSeconds >= 0):
		return errors.New("curtail.webhook.retries and backoff_seconds must be ≥ 0")
	}
	if u := c.Webhook.URL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return errors.New("curtail.webhook.url: want an http:// or https:// URL")
		}
	}
	if _, err := time.LoadLocation(c.TZ); err != nil || c.TZ == "Local" {
		return fmt.Errorf("curtail.tz %q: want an IANA zone such as America/Chicago or UTC", c.TZ)
	}
	if c.MaxPriceAgeMinutes == 0 {
		c.MaxPriceAgeMinutes = 30
	}
	if c.MaxHashpriceAgeMinutes == 0 {
		c.MaxHashpriceAgeMinutes = 60
	}
	if c.HorizonIntervals == 0 {
		c.HorizonIntervals = 4
	}
	c.MinOnIntervals, c.MinOffIntervals = max(1, c.MinOnIntervals), max(1, c.MinOffIntervals)
	if c.PollSeconds == 0 {
		c.PollSeconds = 30
	}
	return nil
}

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

// Clock is the time a curtailer runs on: Now, and After as time.After.
// Tests drive interval boundaries with a simulated one.
type Clock struct {
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
}

// CurtailClass is one class's decisions: the current interval and the
// next horizon_intervals.
type CurtailClass struct {
	Class string           `json:"class"`
	Now   power.Decision   `json:"now"`
	Next  []power.Decision `json:"next"`
}

// CurtailNow is GET /api/v1/fleet/curtail/now.
type CurtailNow struct {
	DecidedAt  time.Time `json:"decided_at"`
	IntervalID string    `json:"interval_id"`
	StepS      int64     `json:"step_s"`
	Format     string    `json:"price_format"`
	// PriceError is the last price-file read's error ("" when it read);
	// the last good prices stay in use until they are stale.
	PriceError string `json:"price_error,omitempty"`
	SafeState  string `json:"configured_safe_state"`
	// HashpriceSource is the state's source: LIVE or SNAPSHOT.
	HashpriceSource string         `json:"hashprice_source"`
	Classes         []CurtailClass `json:"classes"`

	points map[string][]string // class → its point names, for the gauges
	// price is the current interval's, when the file has it (the gauge).
	price      float64
	priceKnown bool
}

// CurtailChange is the webhook body when a class's decision changes. It
// is idempotent: the same class, interval and point always carry the
// same idempotency_key, so a receiver can drop repeats (a retry after a
// lost answer).
type CurtailChange struct {
	Event          string `json:"event"` // "curtail_decision"
	IdempotencyKey string `json:"idempotency_key"`
	PreviousPoint  string `json:"previous_point"` // "" for the first decision after start
	power.Decision
}

// curtailer re-reads the price file and publishes decisions at every
// interval boundary.
type curtailer struct {
	cfg   CurtailConfig
	srv   *Server
	fleet *plan.Fleet
	clock Clock
	send  func(v any, what ...any) error // the webhook; nil without one
	log   *slog.Logger

	stamp     string
	stampErr  string // the parse error of the file version stamp names
	prices    power.Series
	priceAsOf time.Time
	priceErr  string

	// kick asks for a decision now: a new state (hashprice) was published.
	kick chan struct{}

	mu   sync.Mutex
	last *CurtailNow
	sent map[string]string // class → point last sent
}

func newCurtailer(srv *Server, cfg CurtailConfig, fleet *plan.Fleet, clock Clock, log *slog.Logger) *curtailer {
	if clock.Now == nil {
		clock.Now = time.Now
	}
	if clock.After == nil {
		clock.After = time.After
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &curtailer{cfg: cfg, srv: srv, fleet: fleet, clock: clock, log: log, sent: map[string]string{}, kick: make(chan struct{}, 1)}
	c.prices.Step = 15 * time.Minute
	if cfg.Format == "ercot-dam" {
		c.prices.Step = time.Hour
	}
	return c
}

// fileStamp identifies a file's version by size and modification time,
// as CSVPrice re-reads its file.
func fileStamp(path string) (string, time.Time, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", time.Time{}, err
	}
	return fmt.Sprint(fi.Size(), fi.ModTime().UnixNano()), fi.ModTime(), nil
}

// reload re-reads the price file when it changed. A file that fails to
// read leaves the last good prices and their as_of, so they go stale.
func (c *curtailer) reload() {
	stamp, mod, err := fileStamp(c.cfg.Prices)
	if err != nil {
		c.priceErr = "price file missing or unreadable"
		c.log.Warn("curtail: price file", "err", err.Error())
		return
	}
	if stamp == c.stamp {
		c.priceErr = c.stampErr // a file that went away and came back unchanged
		return
	}
	f, err := os.Open(c.cfg.Prices)
	if err != nil {
		c.priceErr = "price file missing or unreadable"
		return
	}
	defer f.Close()
	s, err := c.parse(f)
	c.stamp, c.stampErr = stamp, ""
	if err != nil {
		c.priceErr, c.stampErr = oneLine(err.Error()), oneLine(err.Error())
		c.log.Warn("curtail: price file", "err", err.Error())
		return
	}
	c.prices, c.priceAsOf, c.priceErr = s, mod, ""
}

func (c *curtailer) parse(r io.Reader) (power.Series, error) {
	switch c.cfg.Format {
	case "ercot-rt":
		return power.ParseERCOTRealTime(r, c.cfg.SettlementPoint)
	case "ercot-dam":
		return power.ParseERCOTDayAhead(r, c.cfg.SettlementPoint)
	}
	loc, _ := time.LoadLocation(c.cfg.TZ)
	return power.ParseCSV(r, power.CSVOptions{Location: loc})
}

// hashpriceAsOf is when a state's hashprice was last true: the older of
// its BTC price's time and the node's last confirmation (the block's
// time for a SNAPSHOT or a state the node never confirmed).
func (s *Server) hashpriceAsOf(st *State) time.Time {
	node := st.AsOf.Time
	if c := s.confirmed.Load(); st.Source == SourceLive && c != 0 {
		node = time.Unix(0, c)
	}
	if st.Price.Time.Before(node) {
		return st.Price.Time
	}
	return node
}

// step decides at now, publishes, and posts the changes. Before serve's
// first state there is no hashprice: it decides nothing (the endpoint
// answers 503), and the first state's publication kicks it.
func (c *curtailer) step(now time.Time) error {
	st := c.srv.State()
	if st == nil {
		return nil
	}
	c.reload()
	in := power.LiveInputs{Prices: c.prices, PriceAsOf: c.priceAsOf, MaxAge: minutes(c.cfg.MaxPriceAgeMinutes),
		MaxHashpriceAge: minutes(c.cfg.MaxHashpriceAgeMinutes), SafeState: c.cfg.SafeState, Ahead: c.cfg.HorizonIntervals}
	if len(in.Prices.USDPerMWh) == 0 {
		// No prices yet: decide on the format's grid, every interval safe.
		in.Prices.Start = now.Truncate(in.Prices.Step)
	}
	in.HashpriceUSDPerPHDay, in.HashpriceAsOf = st.Hashprice.USDPerPHDay, c.srv.hashpriceAsOf(st)
	classes := uniqueClassNames(c.fleet.PowerClasses(st.Net, c.cfg.MinOnIntervals, c.cfg.MinOffIntervals))
	ds, err := power.Decide(classes, in, now)
	if err != nil {
		return err
	}
	out := &CurtailNow{DecidedAt: now.UTC(), StepS: int64(in.Prices.Step / time.Second), Format: c.cfg.Format,
		PriceError: c.priceErr, SafeState: c.cfg.SafeState, HashpriceSource: st.Source, Classes: []CurtailClass{}, points: map[string][]string{}}
	if i, ok := c.prices.Index(now); ok {
		out.price, out.priceKnown = c.prices.USDPerMWh[i], true
	}
	per := c.cfg.HorizonIntervals + 1
	for k, cl := range classes {
		row := ds[k*per : (k+1)*per]
		out.Classes = append(out.Classes, CurtailClass{Class: cl.Name, Now: row[0], Next: row[1:]})
		out.IntervalID = row[0].IntervalID
		for _, p := range cl.Points {
			out.points[cl.Name] = append(out.points[cl.Name], p.Name)
		}
	}
	c.mu.Lock()
	c.last = out
	var changes []CurtailChange
	for _, cc := range out.Classes {
		if prev, ok := c.sent[cc.Class]; !ok || prev != cc.Now.Point {
			changes = append(changes, CurtailChange{Event: "curtail_decision", PreviousPoint: prev, Decision: cc.Now,
				IdempotencyKey: cc.Class + "|" + cc.Now.IntervalID + "|" + cc.Now.Point})
			c.sent[cc.Class] = cc.Now.Point
		}
	}
	c.mu.Unlock()
	for _, ch := range changes {
		c.log.Info("curtail decision changed", "class", ch.Class, "interval_id", ch.IntervalID, "point", ch.Point,
			"previous", ch.PreviousPoint, "reason", ch.Reason)
		if c.send != nil {
			if err := c.send(ch, "class", ch.Class, "interval_id", ch.IntervalID); err != nil {
				c.log.Error("curtail webhook", "err", err.Error())
			}
		}
	}
	return nil
}

// uniqueClassNames numbers repeated class names ("tx/Antminer S21 #2"):
// two groups of one model at one site are two classes, and the webhook's
// change tracking and the gauges' labels key on the name.
func uniqueClassNames(classes []power.Class) []power.Class {
	seen := map[string]int{}
	for k := range classes {
		name := classes[k].Name
		if seen[name]++; seen[name] > 1 {
			classes[k].Name = fmt.Sprintf("%s #%d", name, seen[name])
		}
	}
	return classes
}

// nextWake is the sooner of the next interval boundary and the next
// price-file check.
func (c *curtailer) nextWake(now time.Time) time.Duration {
	s := c.prices
	if len(s.USDPerMWh) == 0 {
		s.Start = now.Truncate(s.Step)
	}
	i := int(now.Sub(s.Start) / s.Step)
	if now.Before(s.Start) {
		i = -int((s.Start.Sub(now) + s.Step - 1) / s.Step)
	}
	wait := s.At(i + 1).Sub(now)
	if poll := time.Duration(c.cfg.PollSeconds * float64(time.Second)); poll < wait {
		wait = poll
	}
	return max(wait, time.Millisecond)
}

// run decides at start, at every boundary and poll, and on every kick
// (a new state: the schedule follows the hashprice), until ctx ends.
func (c *curtailer) run(ctx context.Context) {
	decide := func() time.Time {
		now := c.clock.Now()
		if err := c.step(now); err != nil {
			c.log.Error("curtail: decide", "err", err.Error())
		}
		return now
	}
	wake := c.clock.After(c.nextWake(decide()))
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kick:
			decide()
		case <-wake:
			wake = c.clock.After(c.nextWake(decide()))
		}
	}
}

// poke asks run for a decision without waiting for it.
func (c *curtailer) poke(*State) {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *curtailer) current() *CurtailNow {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// startCurtail runs the configured curtailer on srv until ctx ends; the
// returned function flushes its webhook on shutdown.
func startCurtail(ctx context.Context, srv *Server, cfg CurtailConfig, fleet *plan.Fleet, clock Clock, log *slog.Logger) (func(), error) {
	if cfg.Prices == "" {
		return func() {}, nil
	}
	if fleet == nil {
		return nil, errors.New("the config's curtail section needs --fleet")
	}
	c := newCurtailer(srv, cfg, fleet, clock, log)
	var wh *alert.Webhook
	if cfg.Webhook.URL != "" {
		wh = &alert.Webhook{URL: cfg.Webhook.URL, Retries: cfg.Webhook.Retries, Log: log,
			Backoff: time.Duration(cfg.Webhook.BackoffSeconds * float64(time.Second))}
		if wh.Retries == 0 {
			wh.Retries = 5
		}
		c.send = wh.Send
	}
	srv.curtail.Store(c)
	srv.OnPublish(c.poke)
	go c.run(ctx)
	var once sync.Once
	return func() {
		once.Do(func() {
			if wh != nil {
				cx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				wh.Close(cx)
				cancel()
			}
		})
	}, nil
}

// curtailRoutes registers the curtail endpoint and gauges; both are empty
// until a curtailer runs.
func (s *Server) curtailRoutes() {
	s.mux.HandleFunc("GET /api/v1/fleet/curtail/now", s.handleCurtailNow)
	s.metrics.registry.MustRegister(curtailCollector{s})
}

func (s *Server) handleCurtailNow(w http.ResponseWriter, r *http.Request) {
	c := s.curtail.Load()
	if c == nil {
		writeError(w, http.StatusNotFound, "no live curtailment: serve needs --fleet and a curtail section in its config")
		return
	}
	now := c.current()
	if now == nil {
		writeError(w, http.StatusServiceUnavailable, "no decision yet")
		return
	}
	writeJSON(w, http.StatusOK, now)
}

var (
	curtailRunningDesc = prometheus.NewDesc("hashfall_curtail_running",
		"1 when the class runs (any operating point) in the current interval, 0 when off.", []string{"class"}, nil)
	curtailPointDesc = prometheus.NewDesc("hashfall_curtail_point",
		"1 for the class's operating point in the current interval (off included), 0 for its others.", []string{"class", "point"}, nil)
	curtailSafeDesc = prometheus.NewDesc("hashfall_curtail_safe_state",
		"1 when the class is in the configured safe state because an input is stale or missing.", []string{"class"}, nil)
	curtailStrikeDesc = prometheus.NewDesc("hashfall_curtail_strike_usd_per_mwh",
		"Power price (USD/MWh) above which the class's flat-out point loses money at the live hashprice.", []string{"class"}, nil)
	curtailPriceDesc = prometheus.NewDesc("hashfall_curtail_price_usd_per_mwh",
		"Power price of the current interval (USD/MWh); absent when the file has none.", nil, nil)
)

// curtailCollector exposes the latest decisions at scrape time; its
// labels are the fleet's class names and operating points.
type curtailCollector struct{ s *Server }

func (curtailCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{curtailRunningDesc, curtailPointDesc, curtailSafeDesc, curtailStrikeDesc, curtailPriceDesc} {
		ch <- d
	}
}

func (cc curtailCollector) Collect(ch chan<- prometheus.Metric) {
	c := cc.s.curtail.Load()
	if c == nil {
		return
	}
	now := c.current()
	if now == nil {
		return
	}
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	if now.priceKnown {
		ch <- prometheus.MustNewConstMetric(curtailPriceDesc, prometheus.GaugeValue, now.price)
	}
	for _, cl := range now.Classes {
		d := cl.Now
		ch <- prometheus.MustNewConstMetric(curtailRunningDesc, prometheus.GaugeValue, b(d.Point != "off"), cl.Class)
		ch <- prometheus.MustNewConstMetric(curtailSafeDesc, prometheus.GaugeValue, b(d.SafeState), cl.Class)
		ch <- prometheus.MustNewConstMetric(curtailStrikeDesc, prometheus.GaugeValue, d.StrikeUSDPerMWh, cl.Class)
		seen := map[string]bool{}
		for _, p := range append([]string{"off"}, now.points[cl.Class]...) {
			if !seen[p] { // a point named "off", or twice, is one label set
				seen[p] = true
				ch <- prometheus.MustNewConstMetric(curtailPointDesc, prometheus.GaugeValue, b(d.Point == p), cl.Class, p)
			}
		}
	}
}
