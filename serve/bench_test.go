package serve

import (
	"context"
	"io"
	"math/big"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/store"
)

// loadResult is one constant-rate run of the load generator.
type loadResult struct {
	latencies []time.Duration
	errors    int
	elapsed   time.Duration
}

// constantRate sends rate requests per second for dur, cycling through
// urls over keep-alive loopback connections. Each latency is measured from
// the request's scheduled time, so a server (or generator) that falls
// behind shows it instead of hiding it (no coordinated omission).
func constantRate(client *http.Client, urls []string, rate int, dur time.Duration) loadResult {
	n := int(float64(rate) * dur.Seconds())
	interval := time.Second / time.Duration(rate)
	res := loadResult{latencies: make([]time.Duration, n)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(urls[i%len(urls)])
			ok := err == nil && resp.StatusCode == 200
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			res.latencies[i] = time.Since(due)
			if !ok {
				mu.Lock()
				res.errors++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func (r loadResult) report(b *testing.B, prefix string) {
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	q := func(p float64) float64 { return float64(l[int(p*float64(len(l)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), prefix+"p50_ms")
	b.ReportMetric(q(0.99), prefix+"p99_ms")
	b.ReportMetric(float64(l[len(l)-1].Microseconds())/1000, prefix+"max_ms")
	b.ReportMetric(float64(len(l))/r.elapsed.Seconds(), prefix+"req/s")
	b.ReportMetric(float64(r.errors), prefix+"errors")
}

func serveOnLoopback(b *testing.B, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func loadClient() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxIdleConns: 512}}
}

// BenchmarkReadEndpointsLoad holds 2,000 requests/s for 2 s per iteration
// against serve's read endpoints (real mainnet blocks 0–14,131 in memory),
// over loopback, and reports p50/p99/max latency and the rate held. The
// floor_ metrics are the same generator against a handler that writes a
// constant: the cost of the generator, loopback and net/http on this
// machine, measured in the same run.
func BenchmarkReadEndpointsLoad(b *testing.B) {
	s, _ := liveServer(b, 76176)
	base := serveOnLoopback(b, s.Handler())
	var urls []string
	for _, p := range []string{"/api/v1/hashprice", "/api/v1/network", "/api/v1/hashrate", "/api/v1/nextretarget",
		"/api/v1/signals", "/api/v1/pools", "/api/v1/difficulty-adjustment", "/api/v1/machines", "/healthz"} {
		urls = append(urls, base+p)
	}
	floor := serveOnLoopback(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	client := loadClient()
	var all, bare loadResult
	for b.Loop() {
		r := constantRate(client, urls, 2000, 2*time.Second)
		all.latencies = append(all.latencies, r.latencies...)
		all.errors += r.errors
		all.elapsed += r.elapsed
		f := constantRate(client, []string{floor}, 2000, 2*time.Second)
		bare.latencies = append(bare.latencies, f.latencies...)
		bare.errors += f.errors
		bare.elapsed += f.elapsed
	}
	all.report(b, "")
	bare.report(b, "floor_")
}

// BenchmarkMetricsScrape is one /metrics scrape of a live state with its
// request series populated; BenchmarkHashpriceHandler beside it is the
// floor of a plain JSON answer through the same middleware.
func BenchmarkMetricsScrape(b *testing.B) {
	s, _ := liveServer(b, 76176)
	for _, p := range []string{"/api/v1/hashprice", "/api/v1/network", "/api/v1/pools", "/nope"} {
		s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkHashpriceHandler(b *testing.B) {
	s, _ := liveServer(b, 76176)
	req := httptest.NewRequest("GET", "/api/v1/hashprice", nil)
	for b.Loop() {
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
}

const benchStoreBlocks = 1_000_000

// bench1MStore is a SYNTHETIC store of 1,000,000 blocks (exponential 600 s
// intervals, one difficulty, coinbase tags of five pools, random fees),
// built once in the temp directory since writing it takes a while.
func bench1MStore(b *testing.B) *store.SQLite {
	b.Helper()
	path := filepath.Join(os.TempDir(), "hashfall-serve-bench-1m-v1.db")
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		os.Remove(tmp)
		st, err := store.OpenSQLite(tmp)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 1))
		bits := uint32(0x17028c61)
		w := consensus.BlockWork(bits)
		work := new(big.Int)
		t := 1_231_006_505.0
		var prev chainhash.Hash
		tags := []string{"Foundry USA", "AntPool", "F2Pool", "ViaBTC", "/synthetic/"}
		batch := make([]chain.Block, 0, 10000)
		for h := int64(0); h < benchStoreBlocks; h++ {
			t += rng.ExpFloat64() * 600
			work = new(big.Int).Add(work, w)
			var hash chainhash.Hash
			for i := range 4 {
				v := rng.Uint64()
				for j := range 8 {
					hash[i*8+j] = byte(v >> (8 * j))
				}
			}
			fees := rng.Int64N(5_000_000)
			batch = append(batch, chain.Block{Height: h, Hash: hash, PrevHash: prev, TimeS: int64(t), Bits: bits, ChainWork: work,
				CoinbaseScriptSig: []byte(tags[rng.IntN(len(tags))]), FeesSat: fees,
				CoinbaseOutSat: consensus.BlockSubsidy(&chaincfg.MainNetParams, h) + fees, TxCount: 1 + rng.Int64N(4000), SizeBytes: 1_500_000})
			prev = hash
			if len(batch) == cap(batch) {
				if err := st.Apply(context.Background(), "mainnet", h-int64(len(batch)), batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		st.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.OpenSQLite(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkPerBlockRecompute1M is the work after a new block on a
// 1,000,000-block store: read the one new block, extend the in-memory
// window (92,880 blocks) and recompute the whole state. The window up to
// the block before the tip is loaded once, outside the timing.
func BenchmarkPerBlockRecompute1M(b *testing.B) {
	st := bench1MStore(b)
	ctx := context.Background()
	tip, err := st.Tip(ctx)
	if err != nil {
		b.Fatal(err)
	}
	before, err := st.Blocks(ctx, tip.Height-keepBlocks, tip.Height-1)
	if err != nil {
		b.Fatal(err)
	}
	// As in operation, the window has room to grow: appending the new block
	// does not copy the 92,880 before it.
	window := make([]chain.Block, len(before), len(before)+1024)
	copy(window, before)
	// SYNTHETIC daily prices over the window, so that the hashprice history
	// and Puell multiple are computed as with imported prices.
	var prices []chain.Price
	for d := time.Unix(before[0].TimeS, 0).UTC().Truncate(24*time.Hour).AddDate(0, 0, -31); d.Unix() <= tip.TimeS; d = d.AddDate(0, 0, 1) {
		prices = append(prices, chain.Price{Day: d, CloseUSD: 60000 + float64(d.Unix()%86400000)/1000})
	}
	srv := New(Config{})
	q := Quote{USD: 76176, Time: time.Now(), Source: "fixed"}
	// The pool series of the completed days and weeks, filled at the
	// block before, as the Follower holds them.
	var pools poolCache
	if _, _, err := pools.series(DefaultOptions().PoolDefinitions, window); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f := &Follower{Store: st, Options: DefaultOptions(), Server: srv, params: &chaincfg.MainNetParams,
			window: window, quote: q, pools: pools}
		changed, err := f.extend(ctx)
		if err != nil || !changed || f.window[len(f.window)-1].Height != tip.Height {
			b.Fatalf("extend: %v %v", changed, err)
		}
		s, err := LiveState(f.params, f.window, prices, q, f.Options, nil, time.Now().Unix())
		if err != nil {
			b.Fatal(err)
		}
		if s.PoolsDaily, s.PoolsWeekly, err = f.pools.series(f.Options.PoolDefinitions, f.window); err != nil {
			b.Fatal(err)
		}
		srv.Publish(s)
	}
	if st := srv.State(); st.AsOf.Height != tip.Height || len(st.History) < 400 || st.Signals == nil {
		b.Fatalf("state at %d with %d history days", st.AsOf.Height, len(st.History))
	}
}

// BenchmarkPerBlockHistoryParts times the parts of the per-block
// recompute that the pools and hashrate histories add on the same
// 92,880-block window: the daily and weekly pool series and the daily
// intervals with Core's estimator. Compare with BenchmarkPerBlockRecompute1M.
func BenchmarkPerBlockHistoryParts(b *testing.B) {
	st := bench1MStore(b)
	ctx := context.Background()
	tip, err := st.Tip(ctx)
	if err != nil {
		b.Fatal(err)
	}
	window, err := st.Blocks(ctx, tip.Height-keepBlocks, tip.Height)
	if err != nil {
		b.Fatal(err)
	}
	o := DefaultOptions()
	days := metrics.Daily(&chaincfg.MainNetParams, window)
	b.Run("pools_day_and_week", func(b *testing.B) {
		for b.Loop() {
			d, err1 := poolPeriods(o.PoolDefinitions, window, 24*time.Hour)
			w, err2 := poolPeriods(o.PoolDefinitions, window, 7*24*time.Hour)
			if err1 != nil || err2 != nil || len(d) < 400 || len(w) < 50 {
				b.Fatalf("%d days, %d weeks: %v %v", len(d), len(w), err1, err2)
			}
		}
	})
	b.Run("hashrate_days", func(b *testing.B) {
		for b.Loop() {
			if h := hashrateDays(days, window, o, 2016); len(h) != len(days) || h[len(h)-1].GetNetworkHashPSHs == nil {
				b.Fatal("no Core estimate on the last day")
			}
		}
	})
}
