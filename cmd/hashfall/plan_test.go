package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 5: `--lambda 0` gives TWAP — equal trades, holdings falling in a
// straight line from X to 0 — with the JSON fields the issue names.
func TestLiquidateTWAP(t *testing.T) {
	var r struct {
		Holdings        []float64 `json:"holdings"`
		Trades          []float64 `json:"trades"`
		ExpectedCostUSD float64   `json:"expected_cost_usd"`
		StdCostUSD      float64   `json:"std_cost_usd"`
		KappaPerDay     float64   `json:"kappa_per_day"`
	}
	runJSON(t, &r, "liquidate", "--btc", "1000000", "--days", "5", "--periods", "5", "--sigma", "0.95",
		"--eta", "2.5e-6", "--gamma", "2.5e-7", "--epsilon", "0.0625", "--lambda", "0")
	if len(r.Holdings) != 6 || len(r.Trades) != 5 || r.KappaPerDay != 0 {
		t.Fatalf("liquidate = %+v", r)
	}
	for k, x := range r.Holdings {
		if want := 1e6 * (1 - float64(k)/5); math.Abs(x-want) > 1e-6 {
			t.Errorf("holdings[%d] = %g, want %g", k, x, want)
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
