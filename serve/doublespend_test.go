package serve

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// /api/v1/security carries `hashfall security`'s default table: the
// confirmations Rosenfeld (2014) tabulates for a 0.1% risk — 6, 32 and
// 539 against 10%, 30% and 45% attackers — and the rent/build cost of
// those shares for 24 h with the ASSUMED inputs named; /metrics exports the
// same confirmations with the bounded attacker_share label.
func TestSecurityDoubleSpend(t *testing.T) {
	s := snapshotServer(t)
	code, _, body := get(t, s.Handler(), "/api/v1/security")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var got struct {
		HashrateHs  float64 `json:"hashrate_hs"`
		DoubleSpend []struct {
			AttackerShare       float64 `json:"attacker_share"`
			ConfirmationsNeeded *int    `json:"confirmations_needed"`
			Risk                float64 `json:"risk"`
			Hours               float64 `json:"hours"`
			AttackerHashrateHs  float64 `json:"attacker_hashrate_hs"`
			NetworkHashrateHs   float64 `json:"network_hashrate_hs"`
			RentUSD             float64 `json:"rent_usd"`
			BuildTotalUSD       float64 `json:"build_total_usd"`
			Label               string  `json:"label"`
		} `json:"double_spend"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	rosenfeld := map[float64]int{0.10: 6, 0.30: 32, 0.45: 539} // Rosenfeld (2014), risk 0.1%
	if len(got.DoubleSpend) != len(rosenfeld) {
		t.Fatalf("%d double-spend rows, want %d: %s", len(got.DoubleSpend), len(rosenfeld), body)
	}
	_, _, metrics := get(t, s.Handler(), "/metrics")
	for _, r := range got.DoubleSpend {
		want, ok := rosenfeld[r.AttackerShare]
		if !ok || r.ConfirmationsNeeded == nil || *r.ConfirmationsNeeded != want {
			t.Errorf("share %g: confirmations %v, want %d", r.AttackerShare, r.ConfirmationsNeeded, want)
			continue
		}
		if r.Risk != 0.001 || r.Hours != 24 {
			t.Errorf("share %g: risk %g, hours %g; want 0.001 and 24", r.AttackerShare, r.Risk, r.Hours)
		}
		// q = A/(A+H): the attacker's hashrate against the honest network's.
		if q := r.AttackerHashrateHs / (r.AttackerHashrateHs + r.NetworkHashrateHs); q < r.AttackerShare*(1-1e-12) || q > r.AttackerShare*(1+1e-12) {
			t.Errorf("share %g: attacker hashrate gives q = %g", r.AttackerShare, q)
		}
		if !(r.RentUSD > 0) || !(r.BuildTotalUSD > r.RentUSD) {
			t.Errorf("share %g: rent %g USD, build %g USD", r.AttackerShare, r.RentUSD, r.BuildTotalUSD)
		}
		if !strings.Contains(r.Label, "SNAPSHOT") || !strings.Contains(r.Label, "ASSUMED: rent 50 USD/PH/day") {
			t.Errorf("label %q does not name the SNAPSHOT and the ASSUMED inputs", r.Label)
		}
		line := fmt.Sprintf("hashfall_double_spend_confirmations{attacker_share=%q} %d\n", fmt.Sprint(r.AttackerShare), want)
		if !strings.Contains(metrics, line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}
