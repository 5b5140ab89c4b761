package serve

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzQueryParameters sends arbitrary query strings to every endpoint that
// takes parameters: the answer is 200, 400 with a one-line JSON error
// naming a parameter, or 503 (measure unavailable), and never a panic,
// NaN or Inf.
func FuzzQueryParameters(f *testing.F) {
	for _, seed := range []string{"", "price=1", "price=NaN", "price=1e400", "pue=0.99", "model=S19", "days=0",
		"blocks=-1&height=5", "from=2026-01-01&to=1700000000&interval=week&format=csv", "format=json",
		"confidence=0.5", "%zz", "a=1&a=2", "pool_fee=99.9999", "height=9223372036854775807"} {
		f.Add(seed)
	}
	s := New(Config{})
	s.Publish(SnapshotState(DefaultOptions(), nil, time.Now()))
	h := s.Handler()
	paths := []string{"/api/v1/machines", "/api/v1/hashrate", "/api/v1/pools", "/api/v1/pools/history", "/api/v1/pools/luck", "/api/v1/hashprice/history",
		"/api/v1/hashrate/history", "/api/v1/network", "/api/v1/mining/hashrate/1w", "/api/v1/mining/reward-stats/10"}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, p := range paths {
			req := httptest.NewRequest("GET", "/", nil)
			req.URL.Path, req.URL.RawQuery = p, raw
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			switch rec.Code {
			case 200:
				if strings.Contains(body, "NaN") || strings.Contains(body, "Inf") {
					t.Fatalf("%s?%s: %s", p, raw, body)
				}
			case 400:
				var e apiError
				if json.Unmarshal([]byte(body), &e) != nil || e.Parameter == "" || strings.Count(body, "\n") != 1 {
					t.Fatalf("%s?%s: bad error %q", p, raw, body)
				}
			case 503:
			default:
				t.Fatalf("%s?%s: code %d %s", p, raw, rec.Code, body)
			}
		}
	})
}

// FuzzSimulationRequest parses arbitrary scenario bodies and queries: a
// request is accepted within the bounds or rejected with an error naming
// the parameter or the body, never a panic, and never a file read.
func FuzzSimulationRequest(f *testing.F) {
	f.Add("", "default")
	f.Add("paths=10&seed=3", "bear")
	f.Add("horizon_days=30", "base: default\nname: flat\nprice: {model: scripted, points: [{day: 30, price_usd: 70000}]}\n")
	f.Add("", "base: exogenous\nexogenous: {epochs: 5000}\n")
	f.Add("engine=block", "price: {model: bootstrap, csv: x.csv}")
	f.Add("", "{")
	f.Fuzz(func(t *testing.T, query, body string) {
		s, o, err := ParseSimulationRequest(query, []byte(body))
		if err != nil {
			if _, ok := err.(*paramError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if o.Paths < 1 || o.Paths > maxSimPaths || o.HorizonDays > maxSimHorizonDays || s == nil {
			t.Fatalf("accepted out of bounds: %+v", o)
		}
		if s.Price.Model == "bootstrap" {
			t.Fatalf("accepted a bootstrap scenario")
		}
	})
}
