package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashfall/hashfall/alert"
	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/internal/btcdtest"
)

// The "done" scenario end to end: serve follows a real btcd with a
// fleet and a price file; when the price falls, the S19j Pros go
// underwater and a webhook arrives (from a receiver that fails once
// first); /api/v1/alerts lists the alert; when the price recovers the
// alert resolves. Then SIGTERM (ctx) ends serve cleanly.
//
// Simnet's difficulty is 4.7e-10 (its target limit is 2^255), so the
// prices that put machines under water there are tiny: 1e-18 USD/BTC is
// ~2,200 USD/PH/day, 1e-21 is ~2.
func TestS19UnderwaterWebhookFromRealNode(t *testing.T) {
	h := btcdtest.StartNode(t)
	btcdtest.Mine(t, h, 150, btcdtest.ExponentialIntervals(rand.New(rand.NewPCG(3, 4))))

	var mu sync.Mutex
	var got []alert.Notification
	attempts := 0
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if attempts == 1 {
			http.Error(w, "not yet", http.StatusBadGateway)
			return
		}
		var n alert.Notification
		b, _ := io.ReadAll(r.Body)
		if json.Unmarshal(b, &n) == nil {
			got = append(got, n)
		}
	}))
	defer recv.Close()

	dir := t.TempDir()
	prices := filepath.Join(dir, "prices.csv")
	setPrice := func(usd string, age time.Duration) {
		os.WriteFile(prices, []byte("date,close\n2026-02-02,"+usd+"\n"), 0o600)
		mt := time.Now().Add(-age)
		os.Chtimes(prices, mt, mt)
	}
	setPrice("1e-18", time.Hour)
	cfgPath := filepath.Join(dir, "serve.yaml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`price: {csv: prices.csv, poll_seconds: 0.1}
alerts:
  webhook: {url: %q, retries: 3, backoff_seconds: 0.05}
  rules:
    - {name: s19-underwater, kind: fleet_model_underwater, model: s19j pro}
`, recv.URL)), 0o600)
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, RunOptions{Listen: "127.0.0.1:0", DBPath: filepath.Join(dir, "serve.db"), FleetPath: "../examples/fleet.yaml",
			Config: cfg, Poll: 100 * time.Millisecond, Ready: func(_ *Server, a string) { addrc <- a },
			Dial: func(ctx context.Context) (chain.Source, error) { return chain.DialRPC(ctx, btcdtest.RPCConfig(h)) }})
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatal(err)
	}
	waitFor(t, "ready", 30*time.Second, func() bool { c, _ := getJSON(t, base+"/readyz"); return c == 200 })
	if _, m := getJSON(t, base+"/api/v1/alerts"); len(m["alerts"].([]any)) != 0 {
		t.Fatalf("alerts before the fall: %v", m)
	}
	setPrice("1e-21", 0)
	delivered := func(status string) bool {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range got {
			if n.Rule == "s19-underwater" && n.Status == status {
				return true
			}
		}
		return false
	}
	waitFor(t, "the underwater webhook", 30*time.Second, func() bool { return delivered("firing") })
	_, m := getJSON(t, base+"/api/v1/alerts")
	if a := m["alerts"].([]any); len(a) != 1 || a[0].(map[string]any)["rule"] != "s19-underwater" || a[0].(map[string]any)["value"].(float64) != 1500 {
		t.Fatalf("active alerts: %v", m)
	}
	setPrice("1e-18", -time.Minute)
	waitFor(t, "the resolved webhook", 30*time.Second, func() bool { return delivered("resolved") })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve ended with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	mu.Lock()
	defer mu.Unlock()
	if attempts < 3 || len(got) != 2 {
		t.Errorf("attempts %d, delivered %+v", attempts, got)
	}
}
