package serve

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/security"
)

// Meta heads every answer: which block and source it describes and how old
// it is.
type Meta struct {
	AsOf        AsOf     `json:"as_of"`
	Source      string   `json:"source"`
	PriceSource string   `json:"price_source"`
	StaleS      int64    `json:"stale_s"`
	Stale       bool     `json:"stale"`
	Notes       []string `json:"notes,omitempty"`
}

func (s *Server) meta(st *State) Meta {
	stale := s.StaleS(st)
	return Meta{AsOf: st.AsOf, Source: st.Source, PriceSource: st.Price.Source, StaleS: stale,
		Stale: st.Source == SourceSnapshot || time.Duration(stale)*time.Second > s.cfg.StaleAfter, Notes: st.Notes}
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.handleHealthz)
	m.HandleFunc("GET /readyz", s.handleReadyz)
	m.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	m.HandleFunc("GET /api/v1/events", s.handleEvents)

	m.HandleFunc("GET /api/v1/network", s.withState(s.handleNetwork))
	m.HandleFunc("GET /api/v1/hashprice", s.withState(s.handleHashprice))
	m.HandleFunc("GET /api/v1/hashprice/history", s.withState(s.handleHashpriceHistory))
	m.HandleFunc("GET /api/v1/machines", s.withState(s.handleMachines))
	m.HandleFunc("GET /api/v1/hashrate", s.withState(s.handleHashrate))
	m.HandleFunc("GET /api/v1/hashrate/history", s.withState(s.handleHashrateHistory))
	m.HandleFunc("GET /api/v1/nextretarget", s.withState(s.handleNextRetarget))
	m.HandleFunc("GET /api/v1/signals", s.withState(s.handleSignals))
	m.HandleFunc("GET /api/v1/pools", s.withState(s.handlePools))
	m.HandleFunc("GET /api/v1/pools/history", s.withState(s.handlePoolsHistory))
	m.HandleFunc("GET /api/v1/pools/luck", s.withState(s.handlePoolsLuck))
	m.HandleFunc("GET /api/v1/energy", s.withState(s.handleEnergy))
	m.HandleFunc("GET /api/v1/security", s.withState(s.handleSecurity))
	m.HandleFunc("GET /api/v1/difficulty/history", s.withState(s.handleDifficultyHistory))
	m.HandleFunc("GET /api/v1/fleet/status", s.withState(s.handleFleetStatus))
	m.HandleFunc("GET /api/v1/alerts", s.handleAlerts)
	m.HandleFunc("POST /api/v1/simulate", s.requireToken(s.expensive(s.handleSimulate)))
	m.HandleFunc("GET /api/v1/jobs/{id}", s.handleJob)

	s.mempoolRoutes()

	// Everything else: the dashboard for GET, JSON errors for the rest
	// (one catch-all, since "GET /" and "/api/" would conflict in the mux).
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/"):
			writeError(w, http.StatusNotFound, "no such endpoint or method: see the /api/v1/ routes in serve/doc.go")
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		case s.cfg.Web != nil:
			s.cfg.Web.ServeHTTP(w, r)
		case r.URL.Path == "/":
			writeJSON(w, http.StatusOK, map[string]string{"service": "hashfall serve", "api": "/api/v1/"})
		default:
			writeError(w, http.StatusNotFound, "not found")
		}
	})
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	st := s.State()
	if !s.ready.Load() || st == nil {
		writeError(w, http.StatusServiceUnavailable, "state not computed yet")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status string `json:"status"`
		Meta
	}{"ready", s.meta(st)})
}

// withState answers 503 until the first state is computed.
func (s *Server) withState(h func(http.ResponseWriter, *http.Request, *State)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := s.State()
		if st == nil {
			writeError(w, http.StatusServiceUnavailable, "state not computed yet")
			return
		}
		h(w, r, st)
	}
}

// badQuery answers a query's first error; it reports whether there was one.
func badQuery(w http.ResponseWriter, q *query) bool {
	if q.err == nil {
		return false
	}
	writeJSON(w, http.StatusBadRequest, apiError{Error: oneLine(q.err.Error()), Parameter: q.err.name})
	return true
}

func unavailable(w http.ResponseWriter, st *State, what string) {
	msg := what + " is not available"
	if st.Source == SourceSnapshot {
		msg += ": the SNAPSHOT state has no blocks (run serve with --rpc or --db)"
	}
	writeError(w, http.StatusServiceUnavailable, msg)
}

func (s *Server) handleNetwork(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		NetworkInfo
	}{s.meta(st), st.Network})
}

func (s *Server) handleHashprice(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		Hashprice
		PriceUSD float64 `json:"price_usd"`
	}{s.meta(st), st.Hashprice, st.Price.USD})
}

// wantCSV reads ?format= and the Accept header.
func wantCSV(r *http.Request, q *query) bool {
	switch q.oneOf("format", "", "json", "csv") {
	case "csv":
		return true
	case "json":
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/csv")
}

func writeCSV(w http.ResponseWriter, rows any) {
	b, err := output.Render(output.CSV, rows)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "rendering CSV failed")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// period returns the start of the interval containing t.
func period(t time.Time, interval string) time.Time {
	switch interval {
	case "week":
		return t.AddDate(0, 0, -int((t.Weekday()+6)%7))
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

// downsample keeps the last row of each interval among rows in [from, to].
func downsample[T any](rows []T, day func(T) time.Time, from, to time.Time, interval string) []T {
	out := []T{}
	for i, r := range rows {
		d := day(r)
		if d.Before(from) || d.After(to) {
			continue
		}
		if i+1 < len(rows) && !day(rows[i+1]).After(to) && period(day(rows[i+1]), interval).Equal(period(d, interval)) {
			continue
		}
		out = append(out, r)
	}
	return out
}

var historyParams = []string{"from", "to", "interval", "format"}

func (s *Server) handleHashpriceHistory(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, historyParams...)
	from, to, interval := q.date("from", time.Time{}), q.date("to", st.AsOf.Time), q.oneOf("interval", "day", "day", "week", "month")
	csv := wantCSV(r, q)
	if badQuery(w, q) {
		return
	}
	if len(st.HashpriceRows) == 0 {
		unavailable(w, st, "hashprice history (blocks)")
		return
	}
	rows := downsample(st.HashpriceRows, func(h HashpriceRow) time.Time { return h.Day }, from, to, interval)
	if csv {
		writeCSV(w, rows)
		return
	}
	// The ASSUMED label goes in its own field, not in the meta notes: the
	// dashboard's header shows the latest answer's notes, and a note only
	// this endpoint carried would make it flicker between answers.
	writeJSON(w, http.StatusOK, struct {
		Meta
		PriceNote string         `json:"price_note,omitempty"`
		Interval  string         `json:"interval"`
		History   []HashpriceRow `json:"history"`
	}{s.meta(st), st.HashpriceNote, interval, rows})
}

func (s *Server) handleHashrateHistory(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, historyParams...)
	from, to, interval := q.date("from", time.Time{}), q.date("to", st.AsOf.Time), q.oneOf("interval", "day", "day", "week", "month")
	csv := wantCSV(r, q)
	if badQuery(w, q) {
		return
	}
	if len(st.HashrateDays) == 0 {
		unavailable(w, st, "hashrate history")
		return
	}
	rows := downsample(st.HashrateDays, func(d HashrateDay) time.Time { return d.Day.Day }, from, to, interval)
	if csv {
		writeCSV(w, rows)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		Interval string        `json:"interval"`
		History  []HashrateDay `json:"history"`
	}{s.meta(st), interval, rows})
}

func (s *Server) handleMachines(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, "price", "power_cost", "pue", "pool_fee", "model")
	n := st.Net
	n.PriceUSD = q.float("price", n.PriceUSD, 1e-9, 1e12)
	site := st.Options.site()
	site.PowerUSDPerKWh = q.float("power_cost", site.PowerUSDPerKWh, 0, 100)
	site.PUE = q.float("pue", site.PUE, 1, 10)
	site.PoolFeeFrac = q.float("pool_fee", 0, 0, 99.999) / 100
	if badQuery(w, q) {
		return
	}
	rows := st.Machines
	if q.has("model") {
		m, err := st.Options.Catalog.Lookup(q.raw("model"))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: oneLine("model: " + err.Error()), Parameter: "model"})
			return
		}
		rows = []economics.MachineEconomics{economics.Machine(m, n, site)}
	} else if n != st.Net || site != st.Options.site() {
		models := st.Options.Catalog.ByEfficiency()
		rows = make([]economics.MachineEconomics, len(models))
		for i, m := range models {
			rows[i] = economics.Machine(m, n, site)
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		PriceUSD       float64                      `json:"price_usd"`
		PowerUSDPerKWh float64                      `json:"power_usd_per_kwh"`
		PUE            float64                      `json:"pue"`
		PoolFeePct     float64                      `json:"pool_fee_pct"`
		Machines       []economics.MachineEconomics `json:"machines"`
	}{s.meta(st), n.PriceUSD, site.PowerUSDPerKWh, site.PUE, site.PoolFeeFrac * 100, rows})
}

func (s *Server) handleHashrate(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, "blocks", "height", "confidence")
	blocks := q.integer("blocks", st.Options.HashrateBlocks, -1, keepBlocks)
	height := q.integer("height", -1, -1, 1<<31)
	conf := q.float("confidence", st.Options.Confidence, 0.5, 0.9999)
	if badQuery(w, q) {
		return
	}
	if len(st.Blocks) == 0 {
		unavailable(w, st, "hashrate")
		return
	}
	h := st.Hashrate
	if h == nil || q.has("blocks") || q.has("height") || q.has("confidence") {
		got, err := hashrateOf(st.Blocks, blocks, height, conf, consensus.RetargetIntervalBlocks(st.Params))
		if err != nil {
			writeError(w, http.StatusBadRequest, "hashrate: "+err.Error())
			return
		}
		h = &got
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		Hashrate
	}{s.meta(st), *h})
}

// retargetView is metrics.Forecast with its times also as dates and its
// quantiles for drawing the distribution.
type retargetView struct {
	metrics.Forecast
	PointDate       time.Time        `json:"point_date"`
	DateP5          time.Time        `json:"date_p5"`
	DateP50         time.Time        `json:"date_p50"`
	DateP95         time.Time        `json:"date_p95"`
	ChangeQuantiles []changeQuantile `json:"change_quantiles_pct"`
	DateQuantiles   []dateQuantile   `json:"date_quantiles"`
}

type changeQuantile struct {
	Q         float64 `json:"q"`
	ChangePct float64 `json:"change_pct"`
}

type dateQuantile struct {
	Q    float64   `json:"q"`
	Date time.Time `json:"date"`
}

func (s *Server) handleNextRetarget(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	f := st.Retarget
	if f == nil {
		unavailable(w, st, "next retarget")
		return
	}
	u := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	v := retargetView{Forecast: *f, PointDate: u(f.PointTimeS), DateP5: u(f.TimeP5S), DateP50: u(f.TimeP50S), DateP95: u(f.TimeP95S),
		ChangeQuantiles: make([]changeQuantile, len(f.Quantiles)), DateQuantiles: make([]dateQuantile, len(f.Quantiles))}
	for i, q := range f.Quantiles {
		v.ChangeQuantiles[i] = changeQuantile{q.Q, q.ChangePct}
		v.DateQuantiles[i] = dateQuantile{q.Q, u(q.TimeS)}
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		retargetView
	}{s.meta(st), v})
}

func (s *Server) handleSignals(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	if st.Signals == nil {
		unavailable(w, st, "signals")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		Signals
	}{s.meta(st), *st.Signals})
}

func (s *Server) handlePools(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, "days")
	days := q.integer("days", defaultPoolDays, 1, keepDays)
	if badQuery(w, q) {
		return
	}
	if st.Pools == nil {
		unavailable(w, st, "pools")
		return
	}
	p := *st.Pools
	if int(days) != p.Days {
		if !s.limiter.allow(clientKey(r)) {
			writeError(w, http.StatusTooManyRequests, "too many expensive requests from this client: retry in a minute")
			return
		}
		p = poolsOf(st.Options.PoolDefinitions, st.Blocks, int(days))
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		Pools
	}{s.meta(st), p})
}

// handlePoolsLuck answers `hashfall pools luck`: precomputed at the
// default 7 days; another window is computed over the in-memory blocks,
// rate-limited like /api/v1/pools.
func (s *Server) handlePoolsLuck(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, "days")
	days := q.integer("days", defaultPoolDays, 1, keepDays-defaultShareDays)
	if badQuery(w, q) {
		return
	}
	if len(st.Blocks) == 0 {
		unavailable(w, st, "pools luck")
		return
	}
	l := st.PoolsLuck
	if l == nil || int(days) != l.Days {
		if !s.limiter.allow(clientKey(r)) {
			writeError(w, http.StatusTooManyRequests, "too many expensive requests from this client: retry in a minute")
			return
		}
		got, err := poolsLuckOf(st.Options.PoolDefinitions, st.Blocks, int(days), defaultShareDays)
		if err != nil {
			writeError(w, http.StatusServiceUnavailable, "pools luck: "+err.Error())
			return
		}
		l = got
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		PoolsLuck
	}{s.meta(st), *l})
}

// handlePoolsHistory answers the pool series of the last days (buckets
// starting on or after the tip's UTC day minus days−1), precomputed per
// state.
func (s *Server) handlePoolsHistory(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, "days", "interval")
	days := q.integer("days", 30, 1, keepDays)
	interval := q.oneOf("interval", "day", "day", "week")
	if badQuery(w, q) {
		return
	}
	all := st.PoolsDaily
	if interval == "week" {
		all = st.PoolsWeekly
	}
	if len(all) == 0 {
		unavailable(w, st, "pools history")
		return
	}
	since := st.AsOf.Time.UTC().Truncate(24*time.Hour).AddDate(0, 0, -int(days-1))
	if interval == "week" {
		since = period(since, "week")
	}
	i := len(all)
	for i > 0 && !all[i-1].Start.Before(since) {
		i--
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		Days     int64        `json:"days"`
		Interval string       `json:"interval"`
		History  []PoolPeriod `json:"history"`
	}{s.meta(st), days, interval, all[i:]})
}

func (s *Server) handleEnergy(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	if st.Energy == nil {
		unavailable(w, st, "energy")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		economics.EnergyEstimate
	}{s.meta(st), *st.Energy})
}

func (s *Server) handleSecurity(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	if st.Security == nil && st.DoubleSpend == nil {
		unavailable(w, st, "security")
		return
	}
	// The 51% fields are absent when the energy estimate is (a regtest
	// hashrate below every catalog model); the double-spend table stands
	// on its own.
	writeJSON(w, http.StatusOK, struct {
		Meta
		*economics.Security
		ASICUSDPerTH float64        `json:"asic_usd_per_th_assumed"`
		DoubleSpend  []security.Row `json:"double_spend"`
	}{s.meta(st), st.Security, st.Options.ASICUSDPerTH, st.DoubleSpend})
}

// handleDifficultyHistory answers `hashfall difficulty history`: every
// period (since/until on the start time), or one of its rankings.
func (s *Server) handleDifficultyHistory(w http.ResponseWriter, r *http.Request, st *State) {
	q := parseQuery(r.URL.RawQuery, "since", "until", "largest_drops", "largest_rises", "rank", "drawdowns", "format")
	since, until := q.date("since", time.Time{}), q.date("until", time.Time{})
	drops, rises := q.integer("largest_drops", 0, 1, 1000), q.integer("largest_rises", 0, 1, 1000)
	drawdowns := q.integer("drawdowns", 0, 1, 1000)
	rank := q.float("rank", 0, -100, 400)
	csv := wantCSV(r, q)
	modes := 0
	for _, name := range []string{"largest_drops", "largest_rises", "rank", "drawdowns"} {
		if q.has(name) {
			modes++
		}
	}
	if modes > 1 {
		q.fail("rank", "use one of largest_drops, largest_rises, rank, drawdowns")
	}
	if q.has("rank") && rank == 0 {
		q.fail("rank", "must be a non-zero change in percent, such as -11.16")
	}
	if badQuery(w, q) {
		return
	}
	if len(st.DifficultyHistory) == 0 {
		unavailable(w, st, "difficulty history (synced blocks or imported checkpoints)")
		return
	}
	ps := metrics.FilterPeriods(st.DifficultyHistory, since, until)
	var rows any = ps
	view := "periods"
	switch {
	case q.has("largest_drops"):
		rows, view = metrics.LargestChanges(ps, int(drops), true), "largest_drops"
	case q.has("largest_rises"):
		rows, view = metrics.LargestChanges(ps, int(rises), false), "largest_rises"
	case q.has("drawdowns"):
		rows, view = metrics.Drawdowns(ps, int(drawdowns)), "drawdowns"
	case q.has("rank"):
		rk, err := metrics.RankOf(ps, rank)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, apiError{Error: oneLine("rank: " + err.Error()), Parameter: "rank"})
			return
		}
		if csv {
			writeCSV(w, []metrics.ChangeRank{rk})
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Meta
			metrics.ChangeRank
		}{s.meta(st), rk})
		return
	}
	if csv {
		writeCSV(w, rows)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		View string `json:"view"`
		Rows any    `json:"rows"`
	}{s.meta(st), view, rows})
}

func (s *Server) handleFleetStatus(w http.ResponseWriter, r *http.Request, st *State) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	if st.Fleet == nil {
		writeError(w, http.StatusNotFound, "no fleet: start serve with --fleet FLEET.yaml")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Meta
		plan.FleetStatus
	}{s.meta(st), *st.Fleet})
}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	if badQuery(w, parseQuery(r.URL.RawQuery)) {
		return
	}
	var active any = []struct{}{}
	rules := []RuleInForce{}
	if s.alerts != nil {
		active, rules = s.alerts.Active(), rulesInForce(s.alerts.Rules())
	}
	writeJSON(w, http.StatusOK, struct {
		Alerts any           `json:"alerts"`
		Rules  []RuleInForce `json:"rules"`
	}{active, rules})
}

// recorder captures the status code for metrics and logs.
type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument bounds bodies, recovers panics into a bare 500, counts and
// times requests by route pattern (bounded: the mux's patterns), and logs
// one line per request at debug level.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		r.Body = http.MaxBytesReader(rec, r.Body, MaxBodyBytes)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.cfg.Log.Error("handler panic", "route", r.Pattern, "panic", fmt.Sprint(p))
				if rec.code == 0 {
					writeError(rec, http.StatusInternalServerError, "internal error")
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			d := time.Since(start)
			s.metrics.observe(route, code, d)
			s.cfg.Log.Debug("request", "method", r.Method, "route", route, "path", r.URL.Path, "code", code, "duration_ms", float64(d.Microseconds())/1000, "client", clientKey(r))
		}()
		next.ServeHTTP(rec, r)
	})
}
