package serve

import (
	"encoding/json"
	"testing"
	"time"
)

// /api/v1/nextretarget carries the forecast's quantiles for drawing the
// distribution: 21 levels, monotone, and at 5%, 50% and 95% the same
// figures as change_p5/p50/p95_pct and date_p50 (real mainnet blocks).
func TestNextRetargetQuantiles(t *testing.T) {
	s, _ := liveServer(t, 0.05)
	code, _, body := get(t, s.Handler(), "/api/v1/nextretarget")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var f struct {
		P5      float64   `json:"change_p5_pct"`
		P50     float64   `json:"change_p50_pct"`
		P95     float64   `json:"change_p95_pct"`
		DateP50 time.Time `json:"date_p50"`
		Change  []struct {
			Q         float64 `json:"q"`
			ChangePct float64 `json:"change_pct"`
		} `json:"change_quantiles_pct"`
		Date []struct {
			Q    float64   `json:"q"`
			Date time.Time `json:"date"`
		} `json:"date_quantiles"`
	}
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Change) != 21 || len(f.Date) != 21 || f.Change[0].Q != 0.01 || f.Change[20].Q != 0.99 {
		t.Fatalf("quantiles: %s", body)
	}
	want := map[float64]float64{0.05: f.P5, 0.5: f.P50, 0.95: f.P95}
	for i := range f.Change {
		if w, ok := want[f.Change[i].Q]; ok && f.Change[i].ChangePct != w {
			t.Errorf("change q%g = %g, p-field %g", f.Change[i].Q, f.Change[i].ChangePct, w)
		}
		if f.Date[i].Q == 0.5 && !f.Date[i].Date.Equal(f.DateP50) {
			t.Errorf("date q0.5 %v, date_p50 %v", f.Date[i].Date, f.DateP50)
		}
		if i > 0 && (f.Change[i].ChangePct < f.Change[i-1].ChangePct || f.Date[i].Date.Before(f.Date[i-1].Date)) {
			t.Errorf("not monotone at q%g", f.Change[i].Q)
		}
	}
}
