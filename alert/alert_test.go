package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type recorder struct{ got []Notification }

func (r *recorder) Notify(n Notification) { r.got = append(r.got, n) }

func (r *recorder) statuses() string {
	var s []string
	for _, n := range r.got {
		s = append(s, n.Rule+":"+n.Status)
	}
	return strings.Join(s, " ")
}

var t0 = time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)

// A hashprice hovering at the line fires once and resolves once: inside
// the hysteresis band (40 … 42) nothing changes.
func TestHysteresisFiresOncePerCrossing(t *testing.T) {
	rec := &recorder{}
	e, err := NewEngine([]Rule{{Name: "hp", Kind: "hashprice_below", Threshold: 40, Hysteresis: 0.05}}, nil, rec)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{45, 39, 40.5, 39.5, 41, 41.9, 43, 40.1, 39} {
		e.Evaluate(Input{Time: t0.Add(time.Duration(i) * time.Minute), HashpriceUSDPerPHDay: v})
	}
	if got := rec.statuses(); got != "hp:firing hp:resolved hp:firing" {
		t.Fatalf("%s", got)
	}
	if rec.got[0].Value != 39 || rec.got[1].Value != 43 || !strings.Contains(rec.got[0].Message, "line 40") {
		t.Errorf("%+v", rec.got)
	}
	act := e.Active().([]Active)
	if len(act) != 1 || act[0].State != "firing" || act[0].Value != 39 {
		t.Errorf("active %+v", act)
	}
}

// With a for-duration the condition must hold that long; a break resets it.
func TestForDuration(t *testing.T) {
	rec := &recorder{}
	e, _ := NewEngine([]Rule{{Name: "hp", Kind: "hashprice_below", Threshold: 40, ForMinutes: 30}}, nil, rec)
	steps := []struct {
		min int
		v   float64
	}{{0, 39}, {10, 39}, {20, 41}, {25, 39}, {50, 39}, {56, 39}, {57, 38}}
	for _, s := range steps {
		e.Evaluate(Input{Time: t0.Add(time.Duration(s.min) * time.Minute), HashpriceUSDPerPHDay: s.v})
		if s.min == 50 {
			if act := e.Active().([]Active); len(act) != 1 || act[0].State != "pending" {
				t.Errorf("at 50 min: %+v", act)
			}
		}
	}
	if got := rec.statuses(); got != "hp:firing" || !rec.got[0].At.Equal(t0.Add(56*time.Minute)) || !rec.got[0].Since.Equal(t0.Add(25*time.Minute)) {
		t.Fatalf("%s %+v", got, rec.got)
	}
}

func TestFleetRetargetDifficultyRibbonAndStaleRules(t *testing.T) {
	rec := &recorder{}
	e, err := NewEngine([]Rule{
		{Name: "s19", Kind: "fleet_model_underwater", Model: "Antminer S19"},
		{Name: "wt", Kind: "fleet_site_underwater", Site: "west-texas"},
		{Name: "drop", Kind: "retarget_p50_below", Threshold: -5, Hysteresis: 1},
		{Name: "adj", Kind: "difficulty_adjusted"},
		{Name: "ribbon", Kind: "capitulation"},
		{Name: "price", Kind: "price_stale", Minutes: 15},
		{Name: "node", Kind: "node_stale", Minutes: 30},
	}, nil, rec)
	if err != nil {
		t.Fatal(err)
	}
	in := func(i int, under int, profit, p50, diff float64, capit bool, priceAge, nodeAge time.Duration) Input {
		return Input{Time: t0.Add(time.Duration(i) * time.Minute), Height: int64(900000 + i),
			ModelsUnderwater: map[string]int{"Antminer S19": under}, SiteProfitUSDDay: map[string]float64{"west-texas": profit},
			RetargetP50Pct: p50, HasRetarget: true, Difficulty: diff, InCapitulation: capit, HasSignals: true,
			PriceAge: priceAge, NodeStale: nodeAge}
	}
	e.Evaluate(in(0, 0, 100, -1, 1.4e14, false, time.Minute, 0))
	e.Evaluate(in(1, 500, -50, -6, 1.4e14, true, time.Minute, 0))
	e.Evaluate(in(2, 500, -50, -4.5, 1.3e14, true, 20*time.Minute, 40*time.Minute))
	e.Evaluate(in(3, 0, 10, -3.9, 1.3e14, false, time.Minute, 0))
	want := "s19:firing wt:firing drop:firing ribbon:firing adj:event price:firing node:firing " +
		"s19:resolved wt:resolved drop:resolved ribbon:resolved price:resolved node:resolved"
	if got := rec.statuses(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for _, n := range rec.got {
		if n.Rule == "adj" && !strings.Contains(n.Message, "-7.14%") {
			t.Errorf("adjustment message %q", n.Message)
		}
	}
	// Without a fleet the fleet rules stay silent rather than resolving.
	rec.got = nil
	e.Evaluate(Input{Time: t0.Add(time.Hour)})
	for _, n := range rec.got {
		if n.Kind == "fleet_model_underwater" || n.Kind == "fleet_site_underwater" {
			t.Errorf("fleet rule without a fleet: %+v", n)
		}
	}
}

func TestRuleValidation(t *testing.T) {
	for _, r := range []Rule{{Kind: "nope"}, {Kind: "hashprice_below"}, {Kind: "hashprice_below", Threshold: 1, Unit: "eur"},
		{Kind: "fleet_model_underwater"}, {Kind: "price_stale"}, {Kind: "retarget_p50_below", Hysteresis: -1}} {
		if _, err := NewEngine([]Rule{r}, nil); err == nil {
			t.Errorf("accepted %+v", r)
		}
	}
	if _, err := NewEngine([]Rule{{Name: "a", Kind: "capitulation"}, {Name: "a", Kind: "capitulation"}}, nil); err == nil {
		t.Errorf("accepted a duplicate name")
	}
}

// receiver is a local webhook endpoint that fails its first `fail`
// requests with 503, then accepts.
type receiver struct {
	mu       sync.Mutex
	fail     int
	attempts int
	bodies   []Notification
	srv      *httptest.Server
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.attempts++
		if r.attempts <= r.fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var n Notification
		b, _ := io.ReadAll(req.Body)
		if req.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &n) != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		r.bodies = append(r.bodies, n)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) state() (int, []Notification) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts, append([]Notification(nil), r.bodies...)
}

// A receiver that fails twice and then recovers gets the notification
// once, on the third attempt; the body is the documented JSON.
func TestWebhookRetriesUntilTheReceiverRecovers(t *testing.T) {
	r := newReceiver(t, 2)
	wh := &Webhook{URL: r.srv.URL, Retries: 5, Backoff: 10 * time.Millisecond}
	e, _ := NewEngine([]Rule{{Name: "hp", Kind: "hashprice_below", Threshold: 40}}, nil, wh)
	e.Evaluate(Input{Time: t0, Height: 934000, HashpriceUSDPerPHDay: 35})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wh.Close(ctx)
	attempts, got := r.state()
	if attempts != 3 || len(got) != 1 {
		t.Fatalf("attempts %d, delivered %d", attempts, len(got))
	}
	n := got[0]
	if n.Version != 1 || n.Rule != "hp" || n.Status != "firing" || n.Value != 35 || n.Threshold != 40 || n.Height != 934000 || n.Unit != "usd_per_ph_day" {
		t.Errorf("%+v", n)
	}
}

// A receiver down for longer than the retries loses that notification
// (logged) but gets the next one once it is back.
func TestWebhookGivesUpThenDeliversLaterOnes(t *testing.T) {
	r := newReceiver(t, 3)
	wh := &Webhook{URL: r.srv.URL, Retries: 2, Backoff: 5 * time.Millisecond}
	e, _ := NewEngine([]Rule{{Name: "hp", Kind: "hashprice_below", Threshold: 40}}, nil, wh)
	e.Evaluate(Input{Time: t0, HashpriceUSDPerPHDay: 35})
	e.Evaluate(Input{Time: t0.Add(time.Minute), HashpriceUSDPerPHDay: 45})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wh.Close(ctx)
	attempts, got := r.state()
	if attempts != 4 || len(got) != 1 || got[0].Status != "resolved" {
		t.Fatalf("attempts %d, delivered %s", attempts, fmt.Sprint(got))
	}
}

// Send delivers any JSON body in order with Notify's, with the same
// retries; a value JSON cannot encode is an error at once.
func TestWebhookSendSharesTheQueue(t *testing.T) {
	r := newReceiver(t, 1)
	wh := &Webhook{URL: r.srv.URL, Retries: 3, Backoff: 5 * time.Millisecond}
	if err := wh.Send(map[string]any{"rule": "curtail", "status": "changed"}, "what", "test"); err != nil {
		t.Fatal(err)
	}
	wh.Notify(Notification{Rule: "hp", Status: "firing"})
	if err := wh.Send(math.NaN()); err == nil {
		t.Error("NaN body: no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	wh.Close(ctx)
	attempts, got := r.state()
	if attempts != 3 || len(got) != 2 || got[0].Rule != "curtail" || got[0].Status != "changed" || got[1].Rule != "hp" {
		t.Fatalf("attempts %d, delivered %s", attempts, fmt.Sprint(got))
	}
}
