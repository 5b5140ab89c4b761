package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 5: `--lambda 0` gives TWAP — equal trades, holdings falling in a
// straight line from X to 0. JSON holds the same rows as the table and CSV
// (issue 15: no parallel arrays).
func TestLiquidateTWAP(t *testing.T) {
	var doc struct {
		Summary struct {
			ExpectedCostUSD float64 `json:"expected_cost_usd"`
			StdCostUSD      float64 `json:"std_cost_usd"`
			KappaPerDay     float64 `json:"kappa_per_day"`
		} `json:"summary"`
		Schedule []struct {
			Period      int     `json:"period"`
			TimeDays    float64 `json:"time_days"`
			SellBTC     float64 `json:"sell_btc"`
			HoldingsBTC float64 `json:"holdings_btc"`
		} `json:"schedule"`
	}
	runJSON(t, &doc, "liquidate", "--btc", "1000000", "--days", "5", "--periods", "5", "--sigma", "0.95",
		"--eta", "2.5e-6", "--gamma", "2.5e-7", "--epsilon", "0.0625", "--lambda", "0")
	r := doc.Summary
	if len(doc.Schedule) != 5 || r.KappaPerDay != 0 {
		t.Fatalf("liquidate = %+v", doc)
	}
	for k, p := range doc.Schedule {
		if want := 1e6 * (1 - float64(k+1)/5); p.Period != k+1 || math.Abs(p.HoldingsBTC-want) > 1e-6 || math.Abs(p.SellBTC-2e5) > 1e-6 || p.TimeDays != float64(k+1) {
			t.Errorf("row %d = %+v, want holdings %g after selling 200000", k, p, want)
		}
	}
	// Almgren & Chriss (2000), linear impact, λ = 0:
	// E = ½γX² + εX + (η − γτ/2)/τ · Σ n_k² = 125,000 + 62,500 + 475,000.
	if math.Abs(r.ExpectedCostUSD-662500) > 1e-6 {
		t.Errorf("expected_cost_usd = %g, want 662500", r.ExpectedCostUSD)
	}
}

func TestPlanBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fleet.yaml")
	if err := os.WriteFile(bad, []byte("sites:\n  - name: x\n    bogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		mentions string
	}{
		{"liquidate without btc", []string{"liquidate", "--days", "5"}, "btc"},
		{"fleet file missing", []string{"fleet", "status", filepath.Join(dir, "none.yaml")}, "none.yaml"},
		{"fleet unknown key", []string{"fleet", "status", bad}, "line 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, c.args...)
			if code == 0 || out != "" {
				t.Errorf("exit %d, stdout %q; want failure and no output", code, out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.mentions) {
				t.Errorf("stderr %q: want one line mentioning %q", errOut, c.mentions)
			}
		})
	}
}

// The shipped example fleet must load and price: it is what the README
// and examples/ point new users at.
func TestExampleFleetStatus(t *testing.T) {
	var r struct {
		Totals struct {
			BreakevenPriceUSD float64 `json:"breakeven_price_usd"`
		} `json:"totals"`
	}
	runJSON(t, &r, "fleet", "status", filepath.Join("..", "..", "examples", "fleet.yaml"))
	if !(r.Totals.BreakevenPriceUSD > 0) {
		t.Errorf("example fleet breakeven price = %g", r.Totals.BreakevenPriceUSD)
	}
}
