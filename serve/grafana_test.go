package serve

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/plan"
)

// Every metric the shipped Grafana dashboard queries exists in /metrics of
// a serve with a fleet (block-derived series from real 2009 blocks, energy
// from the SNAPSHOT), so that the dashboard shows no empty panel.
func TestGrafanaDashboardMetricsExist(t *testing.T) {
	data, err := os.ReadFile("../examples/grafana/hashfall-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatal(err)
	}
	s, st := liveServer(t, 0.05)
	fleet, err := plan.LoadFleetFile("../examples/fleet.yaml", DefaultOptions().Catalog)
	if err != nil {
		t.Fatal(err)
	}
	f := &Follower{Store: st, Price: FixedPrice(0.06), Options: DefaultOptions(), Server: s, Fleet: fleet}
	f.tickPrice(context.Background())
	if err := f.rebuild(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	s.SetNodeTip(s.State().AsOf.Height)
	get(t, s.Handler(), "/api/v1/hashprice") // one request, so the request series exist
	_, _, exposition := get(t, s.Handler(), "/metrics")
	// No catalog ASIC existed in 2009, so the energy series come from the
	// present-day SNAPSHOT state.
	_, _, snapshot := get(t, snapshotServer(t).Handler(), "/metrics")
	present := map[string]bool{}
	for _, line := range strings.Split(exposition+snapshot, "\n") {
		if name, _, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			name, _, _ = strings.Cut(name, "{")
			present[name] = true
		}
	}
	metricName := regexp.MustCompile(`hashfall_[a-z0-9_]+`)
	queried := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, name := range metricName.FindAllString(tg.Expr, -1) {
				queried++
				if !present[name] {
					t.Errorf("panel %q queries %s, absent from /metrics", p.Title, name)
				}
			}
		}
	}
	if queried < 15 {
		t.Fatalf("only %d metric references found in the dashboard", queried)
	}
}
