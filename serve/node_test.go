package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/integration/rpctest"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/internal/btcdtest"
	"github.com/hashfall/hashfall/internal/testbin"
	"github.com/hashfall/hashfall/store"
)

// liveNode is a serve process's pieces fed by a real btcd: the node, the
// server listening on loopback, and its base URL.
type liveNode struct {
	node *rpctest.Harness
	srv  *Server
	base string
	stop func()
}

func startLiveNode(t *testing.T, blocks int, cfg Config) *liveNode {
	t.Helper()
	h := btcdtest.StartNode(t)
	btcdtest.Mine(t, h, blocks, btcdtest.ExponentialIntervals(rand.New(rand.NewPCG(1, 2))))
	st, err := store.OpenSQLite(filepath.Join(t.TempDir(), "serve.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := New(cfg)
	f := &Follower{Store: st, Price: FixedPrice(90000), Options: DefaultOptions(), Server: srv, Poll: 100 * time.Millisecond,
		PricePoll: time.Hour,
		Dial: func(ctx context.Context) (chain.Source, error) {
			c := btcdtest.RPCConfig(h)
			c.InFlight = 4
			return chain.DialRPC(ctx, c)
		}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { f.Run(ctx); done <- struct{}{} }()
	go func() { srv.Serve(ctx, ln, 5*time.Second); done <- struct{}{} }()
	stop := func() {
		cancel()
		<-done
		<-done
		st.Close()
	}
	t.Cleanup(stop)
	return &liveNode{node: h, srv: srv, base: "http://" + ln.Addr().String(), stop: stop}
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp.StatusCode, m
}

func waitFor(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func heightOf(m map[string]any) int64 {
	asOf, _ := m["as_of"].(map[string]any)
	h, _ := asOf["height"].(float64)
	return int64(h)
}

// serve follows a real btcd: the state reaches the node's tip, moves with
// each new block (announced on the event stream), and when the node goes
// away the last state is still served, marked stale, never a 500.
func TestFollowsRealNodeAndSurvivesItsLoss(t *testing.T) {
	ln := startLiveNode(t, 300, Config{StaleAfter: time.Second})
	_, tip, err := ln.node.Client.GetBestBlock()
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "state at the node's tip", 30*time.Second, func() bool {
		code, m := getJSON(t, ln.base+"/api/v1/network")
		return code == 200 && heightOf(m) == int64(tip)
	})
	_, m := getJSON(t, ln.base+"/api/v1/hashrate")
	if m["source"] != "LIVE" || m["blocks"].(float64) != 120 || m["stale"] != false {
		t.Fatalf("hashrate at the tip: %v", m)
	}

	resp, err := http.Get(ln.base + "/api/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan int64, 8)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			var ev struct{ Height int64 }
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok && json.Unmarshal([]byte(data), &ev) == nil {
				events <- ev.Height
			}
		}
	}()
	if h := <-events; h != int64(tip) {
		t.Fatalf("first event height %d, want %d", h, tip)
	}
	btcdtest.Mine(t, ln.node, 3, func() time.Duration { return 10 * time.Minute })
	deadline := time.After(30 * time.Second)
	for got := int64(tip); got < int64(tip)+3; {
		select {
		case got = <-events:
		case <-deadline:
			t.Fatalf("no event for height %d", tip+3)
		}
	}

	ln.node.TearDown()
	time.Sleep(2500 * time.Millisecond)
	code, m := getJSON(t, ln.base+"/api/v1/hashprice")
	if code != 200 || heightOf(m) != int64(tip)+3 || m["stale"] != true || m["stale_s"].(float64) < 1 {
		t.Fatalf("after the node went away: %d %v", code, m)
	}
	if code, _ := getJSON(t, ln.base+"/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
}

// A real Prometheus scrapes serve (fed by a real btcd); PromQL over its
// HTTP API returns the hashprice and difficulty serve's own API reports,
// and promtool accepts the exposition.
func TestRealPrometheusScrapesServe(t *testing.T) {
	promBin := testbin.Need(t, "prometheus", "prometheus")
	promtool := testbin.Need(t, "prometheus", "promtool")
	ln := startLiveNode(t, 200, Config{})
	waitFor(t, "ready", 30*time.Second, func() bool { c, _ := getJSON(t, ln.base+"/readyz"); return c == 200 })

	resp, err := http.Get(ln.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = resp.Body
	out, err := check.CombinedOutput()
	resp.Body.Close()
	if err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}

	dir := t.TempDir()
	target := strings.TrimPrefix(ln.base, "http://")
	cfg := fmt.Sprintf("global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n- job_name: hashfall\n  static_configs: [{targets: ['%s']}]\n", target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := freeAddr(t)
	cmd := exec.Command(promBin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	if out, err := os.Create(filepath.Join(dir, "prometheus.log")); err == nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	if err := cmd.Start(); err != nil {
		testbin.Missing(t, "prometheus will not start: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})

	promQL := func(q string) (float64, bool) {
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return 0, false
		}
		defer resp.Body.Close()
		var r struct {
			Data struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if json.NewDecoder(resp.Body).Decode(&r) != nil || len(r.Data.Result) != 1 {
			return 0, false
		}
		s, _ := r.Data.Result[0].Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	var hashprice, difficulty float64
	waitFor(t, "Prometheus to scrape serve", 60*time.Second, func() bool {
		var ok1, ok2 bool
		hashprice, ok1 = promQL(`hashfall_hashprice_usd_per_ph_day{job="hashfall"}`)
		difficulty, ok2 = promQL(`hashfall_difficulty{job="hashfall"}`)
		return ok1 && ok2
	})
	_, hp := getJSON(t, ln.base+"/api/v1/hashprice")
	_, nw := getJSON(t, ln.base+"/api/v1/network")
	if want := hp["usd_per_ph_day"].(float64); math.Abs(hashprice/want-1) > 1e-12 {
		t.Errorf("PromQL hashprice %v, API %v", hashprice, want)
	}
	if want := nw["difficulty"].(float64); math.Abs(difficulty/want-1) > 1e-12 {
		t.Errorf("PromQL difficulty %v, API %v", difficulty, want)
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
