package security

import (
	"math/rand/v2"
	"testing"
)

// The table agrees with the log-space series' ConfirmationsNeeded for
// shares spread over (0, 0.5), including the paper-table points.
func TestThresholdsAgreeWithConfirmationsNeeded(t *testing.T) {
	th, err := NewThresholds(0.001, 2000)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	qs := []float64{0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45}
	for range 300 {
		qs = append(qs, 0.47*rng.Float64()+0.001)
	}
	for _, q := range qs {
		want, err := Rosenfeld.ConfirmationsNeeded(q, 0.001)
		if err != nil {
			t.Fatal(err)
		}
		if got := th.Confirmations(q); got != want {
			t.Errorf("q=%.15g: table %d, series %d", q, got, want)
		}
	}
	if got := th.Confirmations(0.499); got != 2001 {
		t.Errorf("q=0.499 beyond the table: %d, want MaxZ+1", got)
	}
	if want, _ := Rosenfeld.ConfirmationsNeeded(0, 0.001); th.Confirmations(0) != want {
		t.Errorf("q=0: %d, series %d", th.Confirmations(0), want)
	}
}
