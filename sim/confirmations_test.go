package sim

import (
	"testing"

	"github.com/hashfall/hashfall/security"
)

// Every path-day's confirmations_needed is Rosenfeld's count for the share
// that the default scenario's ASSUMED 1e9 USD buys at its $16/TH against
// that day's running hashrate, recomputed here with the log-space series.
func TestConfirmationsNeededSeries(t *testing.T) {
	s, err := LoadScenario("default")
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorld(s)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Options{Paths: 2, HorizonDays: 60, Seed: 4}.normalize(s)
	if err != nil {
		t.Fatal(err)
	}
	attackerHs := 1e9 / 16 * 1e12
	checked := 0
	for idx := range 2 {
		w.simulatePath(idx, o, func(d int, r *dayRecord) {
			q := attackerHs / (r.HashrateHs + attackerHs)
			want, err := security.Rosenfeld.ConfirmationsNeeded(q, 0.001)
			if err != nil {
				t.Fatal(err)
			}
			if want > MaxConfirmationsNeeded {
				want = MaxConfirmationsNeeded + 1
			}
			if int(r.confirmationsNeeded) != want {
				t.Errorf("path %d day %d: q=%g, %g confirmations, want %d", idx, d, q, r.confirmationsNeeded, want)
			}
			checked++
		})
	}
	if checked != 120 {
		t.Errorf("checked %d path-days", checked)
	}
}
