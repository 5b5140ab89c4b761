package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/internal/browsertest"
	"github.com/hashfall/hashfall/plan"
	"github.com/hashfall/hashfall/power"
	"github.com/hashfall/hashfall/serve/web"
)

// simClock is a simulated Clock: After registers a waiter and signals
// waiting; fire moves time to the waiter's deadline.
type simClock struct {
	mu      sync.Mutex
	now     time.Time
	at      time.Time
	ch      chan time.Time
	waiting chan struct{}
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	c.at, c.ch = c.now.Add(d), ch
	c.mu.Unlock()
	c.waiting <- struct{}{}
	return ch
}

// pending is the time of the pending wake-up.
func (c *simClock) pending() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// fire advances to the pending wake-up and returns the new time; the
// caller then waits on waiting for the step to finish.
func (c *simClock) fire() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.at
	c.ch <- c.now
	return c.now
}

// curtailFleet is one S21 class with two operating points (ASSUMED
// figures, no source): at 48 USD/PH/day and a 2% pool fee the strikes
// are, by hand, normal 48·0.2·0.98/(3.5·24/1000) = 112.0 USD/MWh and eco
// 48·0.17·0.98/(2.8·24/1000) = 119.0 USD/MWh.
const curtailFleet = `sites:
  - name: tx
    capacity_mw: 10
    pool_fee_pct: 2
    tariff: {flat_usd_per_kwh: 0.05}
machines:
  - model: S21
    count: 100
    site: tx
    operating_points:   # ASSUMED: no source given
      - {name: eco, power_w: 2800, hashrate_ths: 170}
      - {name: normal, power_w: 3500, hashrate_ths: 200}
`

// webhookReceiver records every delivery attempt; failNext makes the
// next attempt answer 500.
type webhookReceiver struct {
	mu       sync.Mutex
	attempts []CurtailChange
	codes    []int
	failNext bool
	got      chan CurtailChange
}

func (rc *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ch CurtailChange
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &ch); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	rc.mu.Lock()
	code := 200
	if rc.failNext {
		code, rc.failNext = 500, false
	}
	rc.attempts, rc.codes = append(rc.attempts, ch), append(rc.codes, code)
	rc.mu.Unlock()
	w.WriteHeader(code)
	if code == 200 {
		rc.got <- ch
	}
}

func curtailGet(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v: %s", url, err, b)
		}
	}
	return resp.StatusCode
}

// TestCurtailLive drives serve's curtailer with a simulated clock over
// a 15-minute price file and checks each boundary's decision, the
// webhook sequence (one delivery failing once), the endpoint and the
// gauges; then the price file stops updating, and later the hashprice,
// and each time the class goes to the safe state (off).
func TestCurtailLive(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2024, 8, 1, 12, 0, 0, 0, time.UTC)
	prices := []float64{30, 115, 500, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30}
	var csv strings.Builder
	csv.WriteString("timestamp,usd_per_mwh\n")
	for i, p := range prices {
		fmt.Fprintf(&csv, "%s,%g\n", t0.Add(time.Duration(i)*15*time.Minute).Format(time.RFC3339), p)
	}
	priceFile := filepath.Join(dir, "rt.csv")
	if err := os.WriteFile(priceFile, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rc := &webhookReceiver{got: make(chan CurtailChange, 16)}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	cfgFile := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfgFile, []byte(fmt.Sprintf(`curtail:
  prices: rt.csv
  format: csv
  tz: UTC
  max_price_age_minutes: 30
  max_hashprice_age_minutes: 60
  horizon_intervals: 4
  poll_seconds: 3600
  webhook: {url: %q, retries: 3, backoff_seconds: 0.01}
`, hook.URL)), 0o644)
	cfg, err := LoadConfig(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	fleetFile := filepath.Join(dir, "fleet.yaml")
	os.WriteFile(fleetFile, []byte(curtailFleet), 0o644)
	fleet, err := plan.LoadFleetFile(fleetFile, DefaultOptions().Catalog)
	if err != nil {
		t.Fatal(err)
	}

	clk := &simClock{now: t0.Add(time.Minute), waiting: make(chan struct{}, 16)}
	srv := New(Config{Now: clk.Now})
	api := httptest.NewServer(srv.Handler())
	t.Cleanup(api.Close)
	if code := curtailGet(t, api.URL+"/api/v1/fleet/curtail/now", nil); code != 404 {
		t.Fatalf("without a curtail config: HTTP %d, want 404", code)
	}
	// fresh publishes a LIVE state whose price and node confirmation are
	// now; touch marks the price file updated now.
	fresh := func(now time.Time) {
		srv.confirmed.Store(now.UnixNano()) // the node answered at now
		srv.Publish(&State{Source: SourceLive, AsOf: AsOf{Height: 1, Time: now}, Price: Quote{USD: 60000, Time: now},
			Hashprice: Hashprice{USDPerPHDay: 48}})
	}
	touch := func(now time.Time) {
		if err := os.Chtimes(priceFile, now, now); err != nil {
			t.Fatal(err)
		}
	}
	fresh(clk.now)
	touch(clk.now)

	ctx, cancel := context.WithCancel(context.Background())
	flush, err := startCurtail(ctx, srv, cfg.Curtail, fleet, Clock{Now: clk.Now, After: clk.After}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); flush() })
	<-clk.waiting // the first decision is made

	var class string
	check := func(step int, wantPoint string, wantSafe bool, reason string) {
		t.Helper()
		var r CurtailNow
		if code := curtailGet(t, api.URL+"/api/v1/fleet/curtail/now", &r); code != 200 || len(r.Classes) != 1 {
			t.Fatalf("step %d: HTTP %d %+v", step, code, r)
		}
		c := r.Classes[0]
		class = c.Class
		want := t0.Add(time.Duration(step) * 15 * time.Minute).Format(time.RFC3339)
		if c.Now.Point != wantPoint || c.Now.SafeState != wantSafe || !strings.HasPrefix(c.Now.Reason, reason) || c.Now.IntervalID != want || r.IntervalID != want {
			t.Errorf("step %d: %+v, want %s (safe %v, %q) in %s", step, c.Now, wantPoint, wantSafe, reason, want)
		}
		if len(c.Next) != 4 || c.Next[0].IntervalID != t0.Add(time.Duration(step+1)*15*time.Minute).Format(time.RFC3339) {
			t.Errorf("step %d: next %+v", step, c.Next)
		}
		if r.HashpriceSource != SourceLive {
			t.Errorf("step %d: hashprice_source %q", step, r.HashpriceSource)
		}
		if c.Now.PriceUSDPerMWh != prices[step] || c.Now.HashpriceUSDPerPHDay != 48 || math.Abs(c.Now.StrikeUSDPerMWh-48*0.2*0.98/(3.5*24/1000)) > 1e-9 {
			t.Errorf("step %d: inputs %+v", step, c.Now)
		}
	}
	var sent []string // the points the receiver should get, in order
	expectHook := func(point string) {
		t.Helper()
		select {
		case ch := <-rc.got:
			if ch.Point != point || ch.Event != "curtail_decision" {
				t.Errorf("webhook: got %+v, want %s", ch, point)
			}
			sent = append(sent, point)
		case <-time.After(10 * time.Second):
			t.Fatalf("webhook: nothing for %s", point)
		}
	}
	// next moves to the next boundary, the inputs (when asked) updated at
	// that time, before the clock gets there so the boundary's decision
	// sees them.
	next := func(freshState, freshFile bool) {
		at := clk.pending()
		if freshFile {
			touch(at)
		}
		if freshState {
			fresh(at)
		}
		clk.fire()
		<-clk.waiting
	}

	check(0, "normal", false, "optimal") // $30 < both strikes
	expectHook("normal")
	next(true, true)
	check(1, "eco", false, "optimal") // $115: between 112.0 and 119.0
	expectHook("eco")
	next(true, true)
	check(2, "off", false, "optimal") // $500
	expectHook("off")

	// The gauges while off.
	resp, err := http.Get(api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, line := range []string{
		fmt.Sprintf(`hashfall_curtail_running{class=%q} 0`, class),
		fmt.Sprintf(`hashfall_curtail_point{class=%q,point="off"} 1`, class),
		fmt.Sprintf(`hashfall_curtail_point{class=%q,point="normal"} 0`, class),
		fmt.Sprintf(`hashfall_curtail_safe_state{class=%q} 0`, class),
		"hashfall_curtail_price_usd_per_mwh 500",
	} {
		if !strings.Contains(string(metrics), line+"\n") {
			t.Errorf("/metrics lacks %s", line)
		}
	}
	if !strings.Contains(string(metrics), fmt.Sprintf(`hashfall_curtail_strike_usd_per_mwh{class=%q} 112`, class)) {
		t.Errorf("/metrics: strike not 112.0 USD/MWh")
	}

	rc.mu.Lock()
	rc.failNext = true // the next delivery fails once and is retried
	rc.mu.Unlock()
	next(true, true)
	check(3, "normal", false, "optimal")
	expectHook("normal")

	// The price file stops updating (last at step 3, 12:45): fresh until
	// 30 minutes old (13:15), stale at 13:30.
	next(true, false)
	check(4, "normal", false, "optimal")
	next(true, false)
	check(5, "normal", false, "optimal")
	next(true, false)
	check(6, "off", true, "price stale")
	expectHook("off")
	resp, _ = http.Get(api.URL + "/metrics")
	metrics, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), fmt.Sprintf("hashfall_curtail_safe_state{class=%q} 1\n", class)) {
		t.Errorf("/metrics: safe state not 1 with a stale price")
	}
	next(true, true) // the file updates again
	check(7, "normal", false, "optimal")
	expectHook("normal")

	// The hashprice moves within the interval: at 10 USD/PH/day the
	// normal strike is 10·0.2·0.98/0.084 = 23.3 USD/MWh < $30, so off at
	// once (the new state kicks a decision); back at 48, normal again.
	at := clk.Now()
	srv.Publish(&State{Source: SourceLive, AsOf: AsOf{Height: 2, Time: at}, Price: Quote{USD: 10000, Time: at}, Hashprice: Hashprice{USDPerPHDay: 10}})
	expectHook("off")
	if d := srv.curtail.Load().current().Classes[0].Now; d.Point != "off" || d.SafeState || math.Abs(d.StrikeUSDPerMWh-10*0.2*0.98/0.084) > 1e-9 {
		t.Errorf("hashprice 10: %+v", d)
	}
	fresh(at)
	expectHook("normal")

	// The hashprice stops updating at 13:45: fresh until 60 minutes old.
	for step := 8; step <= 10; step++ {
		next(false, true)
		check(step, "normal", false, "optimal")
	}
	next(false, true)
	check(11, "normal", false, "optimal") // 14:45, exactly 60 minutes
	next(false, true)
	check(12, "off", true, "hashprice stale")
	expectHook("off")

	cancel()
	flush()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	want := []string{"normal", "eco", "off", "normal", "off", "normal", "off", "normal", "off"}
	if strings.Join(sent, ",") != strings.Join(want, ",") {
		t.Errorf("webhook sequence %v, want %v", sent, want)
	}
	// Ten attempts: the nine changes, one of them twice with the same
	// idempotent body (500, then 200).
	if len(rc.attempts) != 10 || rc.codes[3] != 500 || rc.codes[4] != 200 || rc.attempts[3].IdempotencyKey != rc.attempts[4].IdempotencyKey {
		t.Fatalf("attempts %v codes %v", len(rc.attempts), rc.codes)
	}
	if k := rc.attempts[4]; k.IdempotencyKey != class+"|2024-08-01T12:45:00Z|normal" || k.PreviousPoint != "off" || k.IntervalID != "2024-08-01T12:45:00Z" {
		t.Errorf("retried body %+v", k)
	}
	if first := rc.attempts[0]; first.PreviousPoint != "" {
		t.Errorf("first decision's previous point %q, want empty", first.PreviousPoint)
	}
}

// Bad curtail sections are one-line errors naming the key.
func TestCurtailConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		"curtail: {prices: p.csv, format: xls}":                             "curtail.format",
		"curtail: {prices: p.csv}":                                          "curtail.settlement_point",
		"curtail: {prices: p.csv, format: csv, tz: Mars/Base}":              "curtail.tz",
		"curtail: {prices: p.csv, format: csv, horizon_intervals: -1}":      "curtail.horizon_intervals",
		"curtail: {prices: p.csv, format: csv, webhook: {url: 'ftp://x/'}}": "curtail.webhook.url",
		"curtail: {webhook: {url: 'http://127.0.0.1:1/'}}":                  "curtail.prices",
	} {
		p := filepath.Join(dir, "c.yaml")
		os.WriteFile(p, []byte(body), 0o644)
		_, err := LoadConfig(p)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line naming %s", body, err, want)
		}
	}
	// Unknown keys are LoadConfig's (yaml's) error, which names the line.
	p := filepath.Join(dir, "u.yaml")
	os.WriteFile(p, []byte("curtail: {prices: p.csv, format: csv, bogus: 1}"), 0o644)
	if _, err := LoadConfig(p); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown curtail key: %v", err)
	}
	if _, err := startCurtail(context.Background(), New(Config{}), CurtailConfig{Prices: "x"}, nil, Clock{}, nil); err == nil {
		t.Error("a curtail section without --fleet must fail")
	}
}

// serve as `hashfall serve --fleet fleet.yaml --config serve.yaml` runs it
// with a curtail section, on the wall clock: the SNAPSHOT's hashprice is
// stale, so the class takes the safe state (off) although the price file
// is fresh; the webhook gets that decision, and the Fleet page shows it.
func TestCurtailServeInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	dir := t.TempDir()
	start := time.Now().UTC().Truncate(15 * time.Minute)
	var csv strings.Builder
	for i := -1; i < 8; i++ {
		fmt.Fprintf(&csv, "%s,25\n", start.Add(time.Duration(i)*15*time.Minute).Format(time.RFC3339))
	}
	os.WriteFile(filepath.Join(dir, "rt.csv"), []byte(csv.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "fleet.yaml"), []byte(curtailFleet), 0o644)
	rc := &webhookReceiver{got: make(chan CurtailChange, 16)}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	os.WriteFile(filepath.Join(dir, "serve.yaml"), []byte(fmt.Sprintf("curtail: {prices: rt.csv, format: csv, webhook: {url: %q}}\n", hook.URL)), 0o644)
	cfg, err := LoadConfig(filepath.Join(dir, "serve.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base := runUntilCleanup(t, RunOptions{FleetPath: filepath.Join(dir, "fleet.yaml"), Config: cfg, Web: web.Handler()})
	select {
	case ch := <-rc.got:
		if ch.Point != "off" || !ch.SafeState || !strings.HasPrefix(ch.Reason, "hashprice stale") || ch.PriceUSDPerMWh != 25 ||
			!(ch.StrikeUSDPerMWh > 0) || !(ch.HashpriceUSDPerPHDay > 0) || ch.HashpriceAsOf.Year() < 2026 {
			t.Errorf("webhook with a SNAPSHOT hashprice: %+v", ch)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook")
	}
	var r CurtailNow
	if code := curtailGet(t, base+"/api/v1/fleet/curtail/now", &r); code != 200 || len(r.Classes) != 1 || r.Classes[0].Now.Point != "off" || r.HashpriceSource != SourceSnapshot {
		t.Fatalf("HTTP %d %+v", code, r)
	}
	p := b.NewPage(t, 1280, 800)
	p.Allow(`HTTP 503 `) // the SNAPSHOT has no blocks for the measures that need them
	p.Open(t, base+"/fleet", "main h1")
	p.WaitJS(t, 20*time.Second, `document.querySelectorAll("#fleet-curtailment-now tbody tr").length > 0`)
	if s := p.Text(t, "#fleet-curtailment-now tbody tr"); !strings.Contains(s, r.Classes[0].Class) || !strings.Contains(s, "off") || !strings.Contains(s, "hashprice stale") {
		t.Errorf("curtailment row on the Fleet page: %q", s)
	}
	p.CheckClean(t)
}

// An ERCOT real-time file (written from the documented layout, SYNTHETIC
// prices) through the autumn DST change: the repeated local hour gets its
// own interval ids and prices. Then the file is rewritten with a bad row:
// the error is published, the last good prices stay in use until they
// are older than max_price_age_minutes, and then the safe state applies.
func TestCurtailERCOTAndBadRewrite(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../power/testdata/ercot_rt_2024-11-03.csv")
	if err != nil {
		t.Fatal(err)
	}
	priceFile := filepath.Join(dir, "rt.csv")
	os.WriteFile(priceFile, good, 0o644)
	os.WriteFile(filepath.Join(dir, "fleet.yaml"), []byte(curtailFleet), 0o644)
	fleet, err := plan.LoadFleetFile(filepath.Join(dir, "fleet.yaml"), DefaultOptions().Catalog)
	if err != nil {
		t.Fatal(err)
	}
	cfg := CurtailConfig{Prices: priceFile, SettlementPoint: "HB_NORTH", PollSeconds: 3600}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	// 06:31Z is 01:31 CDT, hour-ending 2 interval 3 (first pass).
	clk := &simClock{now: time.Date(2024, 11, 3, 6, 31, 0, 0, time.UTC), waiting: make(chan struct{}, 16)}
	srv := New(Config{Now: clk.Now})
	state := func(now time.Time) {
		srv.confirmed.Store(now.UnixNano())
		srv.Publish(&State{Source: SourceLive, AsOf: AsOf{Height: 1, Time: now}, Price: Quote{USD: 60000, Time: now},
			Hashprice: Hashprice{USDPerPHDay: 48}})
	}
	fresh := func(now time.Time) {
		os.Chtimes(priceFile, now, now)
		state(now)
	}
	fresh(clk.now)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := newCurtailer(srv, cfg, fleet, Clock{Now: clk.Now, After: clk.After}, nil)
	go c.run(ctx)
	<-clk.waiting
	next := func(touch bool) {
		at := clk.pending()
		if touch {
			fresh(at)
		} else {
			state(at)
		}
		clk.fire()
		<-clk.waiting
	}
	expect := func(id string, price float64, point string, safe bool, priceErr bool) {
		t.Helper()
		r := c.current()
		d := r.Classes[0].Now
		if d.IntervalID != id || d.PriceUSDPerMWh != price || d.Point != point || d.SafeState != safe || (r.PriceError != "") != priceErr || r.StepS != 900 {
			t.Errorf("%s: %+v (price_error %q), want %g %s safe %v", id, d, r.PriceError, price, point, safe)
		}
	}
	expect("2024-11-03T06:30:00Z", 23.3, "normal", false, false)
	for range 4 {
		next(true)
	}
	expect("2024-11-03T07:30:00Z", 73.3, "normal", false, false) // 01:30 CST, the repeated hour
	// A bad rewrite at 07:45Z.
	os.WriteFile(priceFile, append(append([]byte{}, good...), "11/03/2024,25,1,HB_NORTH,HU,1.0,N\n"...), 0o644)
	next(false)
	expect("2024-11-03T07:45:00Z", 73.4, "normal", false, true)
	if r := c.current(); !strings.Contains(r.PriceError, "line") || strings.Contains(r.PriceError, dir) {
		t.Errorf("price_error %q: want the line, not the path", r.PriceError)
	}
	// The file goes away (an error) and the good one comes back with its
	// old modification time: its prices, no error.
	os.Rename(priceFile, priceFile+".bad")
	if c.reload(); c.priceErr != "price file missing or unreadable" {
		t.Errorf("missing file: price_error %q", c.priceErr)
	}
	os.WriteFile(priceFile+".good", good, 0o644)
	os.Chtimes(priceFile+".good", clk.Now().Add(-15*time.Minute), clk.Now().Add(-15*time.Minute))
	os.Rename(priceFile+".good", priceFile)
	if c.reload(); c.priceErr != "" || !c.priceAsOf.Equal(clk.Now().Add(-15*time.Minute)) {
		t.Errorf("good file back: price_error %q, as of %s", c.priceErr, c.priceAsOf)
	}
	os.Rename(priceFile, priceFile+".good")
	c.reload()
	os.Rename(priceFile+".good", priceFile)
	if c.reload(); c.priceErr != "" {
		t.Errorf("unchanged good file back: price_error %q", c.priceErr)
	}
	os.Rename(priceFile+".bad", priceFile)
	// Last good as of 07:30Z: 08:00Z is 30 minutes (fresh), 08:15Z stale.
	next(false)
	expect("2024-11-03T08:00:00Z", 24.1, "normal", false, true)
	next(false)
	expect("2024-11-03T08:15:00Z", 24.2, "off", true, true)
}

// BenchmarkCurtailStep is one boundary's work (file stat, power.Decide
// over the rest of a year of 15-minute SYNTHETIC prices, publication) for
// the one-class test fleet, next to power.Decide alone on the same inputs
// (the floor).
func BenchmarkCurtailStep(b *testing.B) {
	dir := b.TempDir()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var csv strings.Builder
	for i := 0; i < 35040; i++ {
		fmt.Fprintf(&csv, "%s,%g\n", t0.Add(time.Duration(i)*15*time.Minute).Format(time.RFC3339), 20+float64(i%96)*2)
	}
	priceFile := filepath.Join(dir, "rt.csv")
	os.WriteFile(priceFile, []byte(csv.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "fleet.yaml"), []byte(curtailFleet), 0o644)
	fleet, err := plan.LoadFleetFile(filepath.Join(dir, "fleet.yaml"), DefaultOptions().Catalog)
	if err != nil {
		b.Fatal(err)
	}
	cfg := CurtailConfig{Prices: priceFile, Format: "csv", PollSeconds: 3600}
	cfg.check()
	now := t0.Add(1 * time.Minute)
	os.Chtimes(priceFile, now, now)
	srv := New(Config{Now: func() time.Time { return now }})
	srv.Publish(&State{Source: SourceLive, AsOf: AsOf{Height: 1, Time: now}, Price: Quote{USD: 60000, Time: now},
		Hashprice: Hashprice{USDPerPHDay: 48}})
	srv.Confirm()
	c := newCurtailer(srv, cfg, fleet, Clock{Now: func() time.Time { return now }}, nil)
	if err := c.step(now); err != nil || c.current().Classes[0].Now.SafeState {
		b.Fatalf("%v %+v", err, c.current())
	}
	b.Run("step", func(b *testing.B) {
		for b.Loop() {
			c.step(now)
		}
	})
	b.Run("floor-decide", func(b *testing.B) {
		in := power.LiveInputs{Prices: c.prices, PriceAsOf: now, MaxAge: time.Hour, HashpriceUSDPerPHDay: 48, HashpriceAsOf: now, Ahead: 4}
		classes := fleet.PowerClasses(economics.Network{}, 1, 1)
		for b.Loop() {
			power.Decide(classes, in, now)
		}
	})
}

// The curtailer wakes at the next boundary of the file's grid, before,
// inside and after the file's span, or at the next poll if sooner.
func TestCurtailNextWake(t *testing.T) {
	start := time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)
	c := &curtailer{cfg: CurtailConfig{PollSeconds: 3600}, prices: power.Series{Start: start, Step: 15 * time.Minute, USDPerMWh: []float64{1, 2}}}
	for _, tc := range []struct {
		now  time.Time
		want time.Duration
	}{
		{start.Add(-10 * time.Minute), 10 * time.Minute}, // 09:50 → 10:00
		{start.Add(-15 * time.Minute), 15 * time.Minute}, // 09:45 → 10:00
		{start.Add(-16 * time.Minute), time.Minute},      // 09:44 → 09:45
		{start, 15 * time.Minute},
		{start.Add(7 * time.Minute), 8 * time.Minute},
		{start.Add(2*time.Hour + 1*time.Minute), 14 * time.Minute}, // past the file
	} {
		if got := c.nextWake(tc.now); got != tc.want {
			t.Errorf("at %s: wake in %s, want %s", tc.now.Format("15:04"), got, tc.want)
		}
	}
	c.cfg.PollSeconds = 30
	if got := c.nextWake(start); got != 30*time.Second {
		t.Errorf("poll 30 s: wake in %s", got)
	}
	c.prices.USDPerMWh = nil // no prices yet: the format's grid from now
	if got := c.nextWake(start.Add(20 * time.Minute)); got != 10*time.Second*3 {
		t.Errorf("no prices: wake in %s", got)
	}
}

// curtailerOnFile is a curtailer for fleet on a csv price file holding
// body (modified at now), under a server confirmed with a live state at
// now whose hashprice is 48 USD/PH/day; the clock stands at now.
func curtailerOnFile(t *testing.T, fleet *plan.Fleet, body string, now time.Time) (*Server, *curtailer) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(p, []byte(body), 0o644)
	os.Chtimes(p, now, now)
	srv := New(Config{Now: func() time.Time { return now }})
	srv.Publish(&State{Source: SourceLive, AsOf: AsOf{Time: now}, Price: Quote{USD: 1, Time: now}, Hashprice: Hashprice{USDPerPHDay: 48}})
	srv.Confirm()
	cfg := CurtailConfig{Prices: p, Format: "csv"}
	cfg.check()
	return srv, newCurtailer(srv, cfg, fleet, Clock{Now: func() time.Time { return now }}, nil)
}

// FuzzCurtailPriceFile feeds arbitrary price files to the curtailer: it
// never fails or panics, an unreadable file publishes its error and runs
// nothing, and a class runs only in an interval the file prices.
func FuzzCurtailPriceFile(f *testing.F) {
	f.Add("2024-08-01T12:00:00Z,30\n2024-08-01T12:15:00Z,500\n")
	f.Add("timestamp,usd_per_mwh\n2024-08-01 12:00,NaN\n")
	f.Add("2024-08-01T12:00:00Z,30\n2024-08-01T12:00:00Z,31\n")
	f.Add("\x00,,\n")
	fleet, err := plan.ParseFleet([]byte(curtailFleet), DefaultOptions().Catalog, nil)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2024, 8, 1, 12, 1, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		_, c := curtailerOnFile(t, fleet, body, now)
		if err := c.step(now); err != nil {
			t.Fatalf("step: %v", err)
		}
		r := c.current()
		for _, cl := range r.Classes {
			for _, d := range append([]power.Decision{cl.Now}, cl.Next...) {
				if r.PriceError != "" && (d.Point != "off" || !d.SafeState) {
					t.Fatalf("unreadable file (%s) but %+v", r.PriceError, d)
				}
				if d.Point != "off" {
					if _, ok := c.prices.Index(d.IntervalStart); !ok || d.SafeState {
						t.Fatalf("runs without a price: %+v", d)
					}
				}
			}
		}
	})
}

// Two groups of one model at one site are two classes with distinct
// names, so each has its own gauges and webhook changes, and /metrics
// stays valid.
func TestCurtailRepeatedClassNames(t *testing.T) {
	doc := curtailFleet + `  - model: S21
    count: 10
    site: tx
    operating_points:
      - {name: off, power_w: 100, hashrate_ths: 1}
      - {name: normal, power_w: 3500, hashrate_ths: 200}
`
	fleet, err := plan.ParseFleet([]byte(doc), DefaultOptions().Catalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 8, 1, 12, 1, 0, 0, time.UTC)
	srv, c := curtailerOnFile(t, fleet, "2024-08-01T12:00:00Z,30\n2024-08-01T12:15:00Z,30\n", now)
	var sent []string
	c.send = func(v any, _ ...any) error { sent = append(sent, v.(CurtailChange).Class); return nil }
	if err := c.step(now); err != nil {
		t.Fatal(err)
	}
	srv.curtail.Store(c)
	r := c.current()
	if len(r.Classes) != 2 || r.Classes[1].Class != r.Classes[0].Class+" #2" || len(sent) != 2 || sent[0] == sent[1] {
		t.Fatalf("classes %+v, webhooks %v", r.Classes, sent)
	}
	api := httptest.NewServer(srv.Handler())
	t.Cleanup(api.Close)
	resp, err := http.Get(api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(string(body), "error") ||
		strings.Count(string(body), "hashfall_curtail_running{") != 2 ||
		strings.Count(string(body), fmt.Sprintf("hashfall_curtail_point{class=%q,point=\"off\"}", r.Classes[1].Class)) != 1 {
		t.Errorf("/metrics (HTTP %d):\n%s", resp.StatusCode, body)
	}
}
