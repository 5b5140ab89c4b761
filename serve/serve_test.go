package serve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/internal/mainnetblk"
	"github.com/hashfall/hashfall/store"
)

func get(t *testing.T, h http.Handler, target string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.String()
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v: %q", err, body)
	}
	return m
}

func snapshotServer(t *testing.T) *Server {
	s := New(Config{})
	s.Publish(SnapshotState(DefaultOptions(), nil, time.Now()))
	return s
}

func TestReadyOnlyAfterFirstState(t *testing.T) {
	s := New(Config{})
	if code, _, body := get(t, s.Handler(), "/readyz"); code != 503 || !strings.Contains(body, "not computed") {
		t.Fatalf("readyz before a state: %d %s", code, body)
	}
	if code, _, _ := get(t, s.Handler(), "/api/v1/hashprice"); code != 503 {
		t.Fatalf("hashprice before a state: %d", code)
	}
	if code, _, _ := get(t, s.Handler(), "/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	s.Publish(SnapshotState(DefaultOptions(), nil, time.Now()))
	if code, _, _ := get(t, s.Handler(), "/readyz"); code != 200 {
		t.Fatalf("readyz after a state: %d", code)
	}
}

// The snapshot's hashprice is the seed articles' February 2026 state put
// through the hashprice formula (economics' own tests check the formula
// against the seed figures); the API must carry it and label it SNAPSHOT.
func TestSnapshotHashprice(t *testing.T) {
	s := snapshotServer(t)
	code, _, body := get(t, s.Handler(), "/api/v1/hashprice")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	m := decode(t, body)
	want := economics.Snapshot2026Feb.Network.HashpriceUSDPerPHDay()
	if got := m["usd_per_ph_day"].(float64); math.Abs(got-want) > 1e-9 {
		t.Errorf("usd_per_ph_day %g, want %g", got, want)
	}
	if m["source"] != "SNAPSHOT" || m["stale"] != true {
		t.Errorf("snapshot not labelled: %v", m)
	}
	asOf := m["as_of"].(map[string]any)
	if asOf["height"].(float64) != float64(economics.Snapshot2026Feb.Height) {
		t.Errorf("as_of %v", asOf)
	}
	if code, _, body := get(t, s.Handler(), "/api/v1/nextretarget"); code != 503 || !strings.Contains(body, "SNAPSHOT") {
		t.Errorf("nextretarget on a snapshot: %d %s", code, body)
	}
}

func TestBadParametersNameTheParameter(t *testing.T) {
	s := snapshotServer(t)
	for target, param := range map[string]string{
		"/api/v1/machines?price=abc":               "price",
		"/api/v1/machines?price=-1":                "price",
		"/api/v1/machines?pue=0.5":                 "pue",
		"/api/v1/machines?power_cost=NaN":          "power_cost",
		"/api/v1/machines?model=NoSuchMiner":       "model",
		"/api/v1/machines?bogus=1":                 "bogus",
		"/api/v1/machines?price=1&price=2":         "price",
		"/api/v1/pools?days=0":                     "days",
		"/api/v1/hashrate?blocks=x":                "blocks",
		"/api/v1/hashprice/history?from=yesterday": "from",
		"/api/v1/hashprice/history?interval=hour":  "interval",
		"/api/v1/hashprice/history?format=xml":     "format",
		"/api/v1/network?x=1":                      "x",
	} {
		code, _, body := get(t, s.Handler(), target)
		if code != 400 {
			t.Errorf("%s: code %d, want 400", target, code)
			continue
		}
		if strings.Count(body, "\n") != 1 || !strings.HasSuffix(body, "\n") {
			t.Errorf("%s: error is not one line: %q", target, body)
		}
		if m := decode(t, body); m["parameter"] != param || !strings.HasPrefix(m["error"].(string), param) {
			t.Errorf("%s: %v, want parameter %q", target, m, param)
		}
	}
}

func TestMachinesRecomputedAtQueryParameters(t *testing.T) {
	s := snapshotServer(t)
	_, _, body := get(t, s.Handler(), "/api/v1/machines?price=100000&power_cost=0.08&model=S21")
	m := decode(t, body)
	rows := m["machines"].([]any)
	if len(rows) != 1 {
		t.Fatalf("rows %d", len(rows))
	}
	row := rows[0].(map[string]any)
	n := economics.Snapshot2026Feb.Network
	n.PriceUSD = 100000
	mod, err := DefaultOptions().Catalog.Lookup("S21")
	if err != nil {
		t.Fatal(err)
	}
	want := economics.Machine(mod, n, economics.Site{PowerUSDPerKWh: 0.08, PUE: 1})
	if got := row["profit_usd_day"].(float64); math.Abs(got-want.ProfitUSDDay) > 1e-9 {
		t.Errorf("profit %g, want %g", got, want.ProfitUSDDay)
	}
}

func TestUnknownAPIRouteIsJSON404(t *testing.T) {
	s := snapshotServer(t)
	code, hdr, body := get(t, s.Handler(), "/api/v1/nope")
	if code != 404 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s %s", code, hdr.Get("Content-Type"), body)
	}
}

// liveStore syncs btcd's real mainnet blocks 0–14,131 into a temporary
// store, once per test binary.
var liveStoreOnce struct {
	sync.Once
	path string
	err  error
}

func liveStorePath(t testing.TB) string {
	t.Helper()
	blk := mainnetblk.Path(t)
	liveStoreOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hashfall-serve-test-")
		if err != nil {
			liveStoreOnce.err = err
			return
		}
		liveStoreOnce.path = filepath.Join(dir, "mainnet.db")
		src, err := chain.OpenBlk(blk, &chaincfg.MainNetParams)
		if err != nil {
			liveStoreOnce.err = err
			return
		}
		defer src.Close()
		st, err := store.OpenSQLite(liveStoreOnce.path)
		if err != nil {
			liveStoreOnce.err = err
			return
		}
		defer st.Close()
		_, liveStoreOnce.err = store.Sync(context.Background(), src, st, store.SyncOptions{})
	})
	if liveStoreOnce.err != nil {
		t.Fatal(liveStoreOnce.err)
	}
	return liveStoreOnce.path
}

// liveServer serves a copy of the mainnet store at a fixed price.
func liveServer(t testing.TB, price float64) (*Server, *store.SQLite) {
	t.Helper()
	st, err := store.OpenSQLite(liveStorePath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := New(Config{})
	f := &Follower{Store: st, Price: FixedPrice(price), Options: DefaultOptions(), Server: s}
	f.tickPrice(context.Background())
	if err := f.rebuild(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return s, st
}

// On real mainnet blocks, the served figures are the CLI's formulas at the
// stored tip: difficulty from the tip's bits (1.0 before block 32,256),
// the subsidy of the next block, and hashprice from both.
func TestLiveStateFromRealBlocks(t *testing.T) {
	s, st := liveServer(t, 0.05)
	tip, err := st.Tip(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, _, body := get(t, s.Handler(), "/api/v1/hashprice")
	m := decode(t, body)
	if m["source"] != "LIVE" || m["as_of"].(map[string]any)["height"].(float64) != float64(tip.Height) {
		t.Fatalf("meta %v", m)
	}
	d := consensus.DifficultyFromBits(tip.Bits)
	if d != 1 {
		t.Fatalf("difficulty at %d is %g, want 1 (before the first retarget)", tip.Height, d)
	}
	bs, _ := st.Blocks(context.Background(), tip.Height-143, tip.Height)
	n := economics.Network{PriceUSD: 0.05, Difficulty: d, SubsidySat: 50e8, FeesPerBlockSat: economics.FeesSMASat(bs, tip.Height)}
	if got, want := m["usd_per_ph_day"].(float64), n.HashpriceUSDPerPHDay(); math.Abs(got/want-1) > 1e-12 {
		t.Errorf("usd_per_ph_day %g, want %g", got, want)
	}
	for _, p := range []string{"/api/v1/network", "/api/v1/hashrate", "/api/v1/nextretarget", "/api/v1/signals",
		"/api/v1/pools", "/api/v1/hashrate/history", "/api/v1/hashrate?blocks=-1"} {
		if code, _, body := get(t, s.Handler(), p); code != 200 {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	// No catalog ASIC existed in 2009: energy says so instead of inventing one.
	if code, _, body := get(t, s.Handler(), "/api/v1/energy"); code != 503 || !strings.Contains(m["notes"].([]any)[0].(string), "energy") {
		t.Errorf("energy in 2009: %d %s, notes %v", code, body, m["notes"])
	}
	code, hdr, csv := get(t, s.Handler(), "/api/v1/hashrate/history?interval=month", "Accept", "text/csv")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv, "day,") {
		t.Errorf("CSV history: %d %s %.80q", code, hdr.Get("Content-Type"), csv)
	}
	// 2009-01-09 .. 2009-05: one row per month, first column the date.
	if lines := strings.Count(csv, "\n"); lines < 4 || lines > 7 {
		t.Errorf("monthly rows: %d lines\n%s", lines, csv)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if liveStoreOnce.path != "" {
		os.RemoveAll(filepath.Dir(liveStoreOnce.path))
	}
	os.Exit(code)
}

// The dashboard is mounted at / for GET; other methods and unknown API
// paths get JSON errors, never the dashboard or a plain-text mux error.
func TestWebMountedAtRoot(t *testing.T) {
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "dashboard "+r.URL.Path) })
	s := New(Config{Web: web})
	s.Publish(SnapshotState(DefaultOptions(), nil, time.Now()))
	if code, _, body := get(t, s.Handler(), "/machines.html"); code != 200 || body != "dashboard /machines.html" {
		t.Errorf("GET page: %d %q", code, body)
	}
	if code, _, body := get(t, s.Handler(), "/api/v1/hashprice"); code != 200 || !strings.Contains(body, "usd_per_ph_day") {
		t.Errorf("API shadowed by the dashboard: %d", code)
	}
	for _, method := range []string{"POST", "DELETE"} {
		for _, path := range []string{"/", "/api/v1/network", "/api/v2/x"} {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
			if rec.Code < 400 || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	}
}

// A store with blocks but no imported prices, and no price source, is
// served at the snapshot's price, labelled so, instead of never getting
// ready.
func TestNoPriceFallsBackToLabelledSnapshotPrice(t *testing.T) {
	st, err := store.OpenSQLite(liveStorePath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := New(Config{})
	f := &Follower{Store: st, Options: DefaultOptions(), Server: s}
	f.tickPrice(context.Background())
	if err := f.rebuild(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	_, _, body := get(t, s.Handler(), "/api/v1/hashprice")
	m := decode(t, body)
	if m["price_usd"].(float64) != economics.Snapshot2026Feb.Network.PriceUSD || !strings.HasPrefix(m["price_source"].(string), "SNAPSHOT") || m["source"] != "LIVE" {
		t.Errorf("%v", m)
	}
}

// Listening beyond loopback with no token logs a warning at start.
func TestNonLoopbackWithoutTokenWarns(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	s := New(Config{Log: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))})
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Skip("cannot bind 0.0.0.0 here")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Serve(ctx, ln, time.Second) }()
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "no token") {
		t.Errorf("no warning: %q", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// steppedPrice quotes a price that rises by 1 USD on every call.
type steppedPrice struct{ usd float64 }

func (p *steppedPrice) Name() string { return "stepped" }
func (p *steppedPrice) Quote(context.Context) (Quote, error) {
	p.usd++
	return Quote{USD: p.usd, Time: time.Now(), Source: "stepped"}, nil
}

// With the node unreachable, price ticks still publish new states, but
// they stay marked stale: only the node confirms a state.
func TestPriceTickWhileNodeDownStaysStale(t *testing.T) {
	st, err := store.OpenSQLite(liveStorePath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	s := New(Config{StaleAfter: time.Minute, Now: func() time.Time { return now }})
	f := &Follower{Store: st, Options: DefaultOptions(), Server: s, Price: &steppedPrice{usd: 100},
		Dial: func(context.Context) (chain.Source, error) { return nil, errors.New("connection refused") }}
	ctx := context.Background()
	f.tickPrice(ctx)
	if err := f.rebuild(ctx, true); err != nil { // the node confirmed this state
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	f.syncOnce(ctx) // the node is down now
	if f.tickPrice(ctx) {
		f.rebuild(ctx, false)
	}
	_, _, body := get(t, s.Handler(), "/api/v1/hashprice")
	m := decode(t, body)
	if m["price_usd"].(float64) != 102 || m["stale"] != true {
		t.Fatalf("after a price tick with the node down: %v", m)
	}
	if _, _, exp := get(t, s.Handler(), "/metrics"); !strings.Contains(exp, `hashfall_source_failures_total{source="node"} 1`) {
		t.Errorf("node failure not counted")
	}
}

// runUntilCleanup runs Run with o on a free loopback port until the test
// ends, and returns its base URL once it listens.
func runUntilCleanup(t *testing.T, o RunOptions) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	o.Listen, o.Ready = "127.0.0.1:0", func(_ *Server, a string) { addr <- a }
	go func() { done <- Run(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start in 30 s")
	}
	return base
}
