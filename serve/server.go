package serve

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashfall/hashfall/alert"
)

// DefaultListen is serve's default address: loopback, on a port no
// neighbour uses (Core 8332/8333, bitcoin exporters 9332, Braiins OS
// 8081, Prometheus 9090, Alertmanager 9093).
const DefaultListen = "127.0.0.1:8785"

// MaxBodyBytes bounds every request body: 1 MiB.
const MaxBodyBytes = 1 << 20

// Config is what a Server needs besides its state.
type Config struct {
	// Token is the bearer token writes need; empty disables writes.
	Token string
	// StaleAfter is how long without a confirmation from the node a state
	// is served before it is marked stale.
	StaleAfter time.Duration
	// ExpensivePerMinute is each client's budget of expensive requests
	// (simulations, parameterised recomputations) per minute.
	ExpensivePerMinute int
	// MaxJobs bounds the simulations running at once.
	MaxJobs int
	Log     *slog.Logger
	// Web is mounted at / when set (the dashboard).
	Web http.Handler
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Server answers the HTTP API from the current State.
type Server struct {
	cfg       Config
	state     atomic.Pointer[State]
	confirmed atomic.Int64 // Unix nanoseconds the source last confirmed the state
	nodeTip   atomic.Int64 // the node's tip height; -1 unknown
	ready     atomic.Bool
	mux       *http.ServeMux
	handler   http.Handler
	metrics   *promMetrics
	events    *broker
	limiter   *clientLimiter
	jobs      *jobRunner
	alerts    alertSource
	curtail   atomic.Pointer[curtailer] // nil without a curtail config

	mu        sync.Mutex
	listeners []func(*State)
}

// alertSource is what /api/v1/alerts lists; package alert implements it.
type alertSource interface {
	Active() any
	Rules() []alert.Rule
}

// New returns a server with no state yet (not ready).
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 10 * time.Minute
	}
	if cfg.ExpensivePerMinute <= 0 {
		cfg.ExpensivePerMinute = 30
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = 2
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), events: newBroker(), limiter: newClientLimiter(cfg.ExpensivePerMinute)}
	s.nodeTip.Store(-1)
	s.metrics = newPromMetrics(s)
	s.jobs = newJobRunner(cfg.MaxJobs)
	s.routes()
	s.curtailRoutes()
	s.handler = s.instrument(s.mux)
	return s
}

// Publish makes st the state every request reads and notifies event
// subscribers and listeners. It does not confirm the state: a price tick
// while the node is away publishes a state that is still stale.
func (s *Server) Publish(st *State) {
	s.state.Store(st)
	s.ready.Store(true)
	s.events.publish(st.AsOf.Height)
	s.metrics.stateBuilds.Inc()
	s.metrics.buildSeconds.Observe(st.BuildDuration.Seconds())
	s.mu.Lock()
	ls := append([]func(*State){}, s.listeners...)
	s.mu.Unlock()
	for _, l := range ls {
		l(st)
	}
}

// OnPublish registers f to be called with each new state (alerts).
func (s *Server) OnPublish(f func(*State)) {
	s.mu.Lock()
	s.listeners = append(s.listeners, f)
	s.mu.Unlock()
}

// SetAlerts sets what /api/v1/alerts lists.
func (s *Server) SetAlerts(a alertSource) { s.alerts = a }

// Confirm records that the node answered and the state is current.
func (s *Server) Confirm() { s.confirmed.Store(s.cfg.Now().UnixNano()) }

// SetNodeTip records the node's tip height, for the sync-lag metric.
func (s *Server) SetNodeTip(h int64) { s.nodeTip.Store(h) }

// State returns the current state, or nil before the first.
func (s *Server) State() *State { return s.state.Load() }

// StaleS is how many seconds the current state has gone unconfirmed by
// the node: for a SNAPSHOT, or a state the node never confirmed, the age
// of its block.
func (s *Server) StaleS(st *State) int64 {
	now := s.cfg.Now()
	c := s.confirmed.Load()
	if st.Source == SourceSnapshot || c == 0 {
		return max(0, int64(now.Sub(st.AsOf.Time).Seconds()))
	}
	return max(0, int64(now.Sub(time.Unix(0, c)).Seconds()))
}

// Handler is the whole HTTP API.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer wraps the handler with the timeouts every listener needs:
// slow or idle clients cannot hold connections.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelDebug),
	}
}

// ListenAndServe serves on addr until ctx ends, then shuts down
// gracefully: in-flight requests get up to grace to finish.
func (s *Server) ListenAndServe(ctx context.Context, addr string, grace time.Duration) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln, grace)
}

// Serve is ListenAndServe on an open listener.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	if !IsLoopback(ln.Addr().String()) && s.cfg.Token == "" {
		s.cfg.Log.Warn("listening on a non-loopback address with no token: anyone who can reach it can read the API; writes stay disabled", "addr", ln.Addr().String())
	}
	hs := s.HTTPServer(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.cfg.Log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.events.close()
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	s.jobs.stop()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// IsLoopback reports whether a listen address binds only loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// writeJSON writes v as one JSON document. It is encoded before anything
// is sent, so a value JSON cannot carry (NaN, ±Inf) becomes a clean 500
// rather than a 200 with a truncated body.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error":"internal error: a value could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// apiError is every error a client sees: one line of JSON, naming the
// parameter when one is at fault, never a path or a stack trace.
type apiError struct {
	Error     string `json:"error"`
	Parameter string `json:"parameter,omitempty"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Error: oneLine(msg)})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// requireToken wraps a write handler: a request without the bearer token
// gets 401. The comparison takes the same time whatever the token.
func (s *Server) requireToken(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Token == "" {
			writeError(w, http.StatusUnauthorized, "writes are disabled: configure a token (token_file or HASHFALL_TOKEN)")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hashfall"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		h(w, r)
	}
}

// expensive wraps a handler that computes on request: each client gets
// cfg.ExpensivePerMinute of them a minute, then 429.
func (s *Server) expensive(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.limiter.allow(clientKey(r)) {
			w.Header().Set("Retry-After", "60")
			writeError(w, http.StatusTooManyRequests, "too many expensive requests from this client: retry in a minute")
			return
		}
		h(w, r)
	}
}

func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func listenTCP(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }
