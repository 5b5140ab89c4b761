package serve

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/hardware"
)

// /api/v1/alerts lists the rules in force as the config file gives them
// (the model as the catalog names it, the name defaulted to the kind),
// and never the webhook URL, which may carry a secret.
func TestAlertsListRulesWithoutWebhookURL(t *testing.T) {
	const secret = "https://hooks.example.invalid/T000/B000/s3cr3t-token"
	path := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(path, []byte(`alerts:
  webhook: {url: "`+secret+`"}
  rules:
    - {name: low-hashprice, kind: hashprice_below, threshold: 42.5, hysteresis: 0.05, for_minutes: 10}
    - {kind: fleet_model_underwater, model: s19j pro}
    - {name: stale-node, kind: node_stale, minutes: 30}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	s := snapshotServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := startAlerts(ctx, s, cfg.Alerts, hardware.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); stop() })
	code, _, body := get(t, s.Handler(), "/api/v1/alerts")
	if code != 200 || strings.Contains(body, "s3cr3t") || strings.Contains(body, "hooks.example") {
		t.Fatalf("%d %s", code, body)
	}
	var got struct {
		Rules []RuleInForce `json:"rules"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	m, _ := hardware.Default().Lookup("s19j pro")
	want := []RuleInForce{
		{Name: "low-hashprice", Kind: "hashprice_below", Threshold: 42.5, Unit: "usd_per_ph_day", Hysteresis: 0.05, ForMinutes: 10},
		{Name: "fleet_model_underwater", Kind: "fleet_model_underwater", Model: m.Name},
		{Name: "stale-node", Kind: "node_stale", Minutes: 30},
	}
	if len(got.Rules) != len(want) {
		t.Fatalf("rules %+v", got.Rules)
	}
	for i := range want {
		if got.Rules[i] != want[i] {
			t.Errorf("rule %d: %+v, want %+v", i, got.Rules[i], want[i])
		}
	}
	// No rules configured: an empty list, not null.
	if _, _, body := get(t, snapshotServer(t).Handler(), "/api/v1/alerts"); !strings.Contains(body, `"rules":[]`) {
		t.Errorf("no rules: %s", body)
	}
}
