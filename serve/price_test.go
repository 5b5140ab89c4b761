package serve

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Ticker fixtures written from the documentation of each exchange's public
// ticker endpoint (Kraken REST "Get Ticker Information", Coinbase Exchange
// "Get product ticker", Bitstamp "Ticker" v2); the numbers are made up.
const (
	krakenFixture = `{"error":[],"result":{"XXBTZUSD":{"a":["76180.10000","1","1.000"],"b":["76180.00000","2","2.000"],` +
		`"c":["76175.50000","0.00100000"],"v":["1000.1","2000.2"],"p":["76000.0","75900.0"],"t":[10000,20000],` +
		`"l":["75000.0","74800.0"],"h":["77000.0","77200.0"],"o":"75500.0"}}}`
	coinbaseFixture = `{"ask":"76190.01","bid":"76189.99","volume":"8123.45","trade_id":123456789,` +
		`"price":"76190.00","size":"0.01","time":"2026-02-02T00:00:00.000000Z","rfq_volume":"1.0"}`
	bitstampFixture = `{"timestamp":"1769990400","open":"75500","high":"77000","low":"75000","last":"76200",` +
		`"volume":"1234.5","vwap":"76100","bid":"76199","ask":"76201","side":"0","open_24":"75400","percent_change_24":"1.06"}`
)

type fakeExchange struct {
	srv  *httptest.Server
	down atomic.Bool
	hits atomic.Int64
}

func newFakeExchange(t *testing.T, body string) *fakeExchange {
	f := &fakeExchange{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		if f.down.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func TestTickerParsersReadTheDocumentedShapes(t *testing.T) {
	for _, c := range []struct {
		ex   Exchange
		body string
		want float64
	}{{Kraken, krakenFixture, 76175.5}, {Coinbase, coinbaseFixture, 76190}, {Bitstamp, bitstampFixture, 76200}} {
		got, err := c.ex.Parse([]byte(c.body))
		if err != nil || got != c.want {
			t.Errorf("%s: %g, %v; want %g", c.ex.Name, got, err, c.want)
		}
	}
	for _, bad := range []string{`{"error":["EQuery:Unknown asset pair"],"result":{}}`, `{"price":"-1"}`, `{"last":"NaN"}`, `{"message":"NotFound"}`, `[`} {
		for _, ex := range []Exchange{Kraken, Coinbase, Bitstamp} {
			if v, err := ex.Parse([]byte(bad)); err == nil {
				t.Errorf("%s accepted %s as %g", ex.Name, bad, v)
			}
		}
	}
}

// The quote is the median of the exchanges that answered within the
// staleness limit: one down exchange leaves the median of two; when all
// are down past the limit the source fails (and serve keeps its last price).
func TestTickersMedianAndStaleness(t *testing.T) {
	k, c, b := newFakeExchange(t, krakenFixture), newFakeExchange(t, coinbaseFixture), newFakeExchange(t, bitstampFixture)
	src := &Tickers{MaxAge: 300 * time.Millisecond, Exchanges: []Exchange{
		{Name: "kraken", URL: k.srv.URL, Parse: parseKraken},
		{Name: "coinbase", URL: c.srv.URL, Parse: parseCoinbase},
		{Name: "bitstamp", URL: b.srv.URL, Parse: parseBitstamp}}}
	q, err := src.Quote(context.Background())
	if err != nil || q.USD != 76190 || !strings.Contains(q.Source, "kraken, coinbase, bitstamp") {
		t.Fatalf("all three: %+v %v", q, err)
	}
	c.down.Store(true)
	time.Sleep(350 * time.Millisecond) // coinbase's last answer goes stale
	q, err = src.Quote(context.Background())
	if want := (76175.5 + 76200) / 2; err != nil || q.USD != want || strings.Contains(q.Source, "coinbase") {
		t.Fatalf("coinbase down: %+v %v, want %g", q, err, want)
	}
	k.down.Store(true)
	b.down.Store(true)
	// Within the limit the last answers still count...
	if q, err = src.Quote(context.Background()); err != nil {
		t.Fatalf("within the staleness limit: %v", err)
	}
	time.Sleep(350 * time.Millisecond)
	// ...past it, none do.
	if q, err = src.Quote(context.Background()); err == nil {
		t.Fatalf("all stale, got %+v", q)
	}
}

func TestCSVPriceRereadsOnChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "prices.csv")
	write := func(s string, mtime time.Time) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, mtime, mtime)
	}
	write("date,close\n2026-02-01,75000\n2026-02-02,76176\n", time.Now().Add(-time.Hour))
	src := &CSVPrice{Path: path}
	q, err := src.Quote(context.Background())
	if err != nil || q.USD != 76176 || !q.Time.Equal(time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v %v", q, err)
	}
	write("date,close\n2026-02-01,75000\n2026-02-02,76176\n2026-02-03,70000\n", time.Now())
	if q, _ = src.Quote(context.Background()); q.USD != 70000 {
		t.Fatalf("after the file changed: %+v", q)
	}
	write("date,close\n2026-02-04,oops\n", time.Now().Add(time.Minute))
	if _, err := src.Quote(context.Background()); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad row: %v", err)
	}
}

func TestConfigPriceSources(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfgPath, []byte("price:\n  tickers: [kraken, bitstamp]\n  max_age_seconds: 120\n"), 0o600)
	c, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.PriceSource()
	if err != nil || p.Name() != "median of kraken, bitstamp" || p.(*Tickers).MaxAge != 2*time.Minute {
		t.Fatalf("%v %v", p, err)
	}
	os.WriteFile(cfgPath, []byte("price: {csv: p.csv}\n"), 0o600)
	c, _ = LoadConfig(cfgPath)
	if p, _ := c.PriceSource(); p.(*CSVPrice).Path != filepath.Join(dir, "p.csv") {
		t.Errorf("csv path not relative to the config: %v", p.Name())
	}
	for _, bad := range []string{"price: {tickers: [binance]}\n", "price: {fixed: 1, csv: x}\n"} {
		os.WriteFile(cfgPath, []byte(bad), 0o600)
		if c, err := LoadConfig(cfgPath); err == nil {
			if _, err := c.PriceSource(); err == nil {
				t.Errorf("accepted %q", bad)
			}
		}
	}
	os.WriteFile(cfgPath, []byte("prize: {fixed: 1}\n"), 0o600)
	if _, err := LoadConfig(cfgPath); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("unknown key: %v", err)
	}
}

// With no node, a configured price source re-prices the SNAPSHOT on each
// tick; the answers name the source and stay labelled SNAPSHOT.
func TestSnapshotRepricedBySource(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "p.csv")
	os.WriteFile(prices, []byte("date,close\n2026-02-02,50000\n"), 0o600)
	cfgPath := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfgPath, []byte("price: {csv: p.csv, poll_seconds: 0.05}\n"), 0o600)
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *Server, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunOptions{Listen: "127.0.0.1:0", Config: cfg, Ready: func(s *Server, _ string) { ready <- s }})
	}()
	s := <-ready
	price := func() (float64, string, string) {
		st := s.State()
		if st == nil {
			return 0, "", ""
		}
		return st.Price.USD, st.Price.Source, st.Source
	}
	waitFor(t, "the CSV price", 10*time.Second, func() bool { p, _, _ := price(); return p == 50000 })
	later := time.Now().Add(time.Minute)
	os.WriteFile(prices, []byte("date,close\n2026-02-03,45000\n"), 0o600)
	os.Chtimes(prices, later, later)
	waitFor(t, "the new CSV price", 10*time.Second, func() bool { p, _, _ := price(); return p == 45000 })
	if _, src, source := price(); source != SourceSnapshot || !strings.HasPrefix(src, "csv ") {
		t.Errorf("source %q price source %q", source, src)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Floats in the config are finite and physical (issue 15): NaN passed the
// old `< 0` checks and reached every answer.
func TestConfigRejectsNonFiniteAndAbsurdNumbers(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "serve.yaml")
	for _, c := range []struct{ yaml, key string }{
		{"power_usd_per_kwh: .nan\n", "power_usd_per_kwh"},
		{"power_usd_per_kwh: 1e308\n", "power_usd_per_kwh"},
		{"pue: .nan\n", "pue"},
		{"pue: 0.5\n", "pue"},
		{"price: {fixed: .inf}\n", "price.fixed"},
		{"price: {csv: p.csv, poll_seconds: .inf}\n", "price.poll_seconds"},
		{"price: {tickers: [kraken], max_age_seconds: .nan}\n", "price.max_age_seconds"},
		{"stale_after_minutes: -.inf\n", "stale_after_minutes"},
	} {
		os.WriteFile(cfgPath, []byte(c.yaml), 0o600)
		if _, err := LoadConfig(cfgPath); err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%q: err = %v, want one naming %s", c.yaml, err, c.key)
		}
	}
}
