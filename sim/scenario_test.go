package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinScenariosLoad(t *testing.T) {
	for _, n := range BuiltinScenarios() {
		s, err := LoadScenario(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if s.Name != n {
			t.Errorf("%s: name = %q", n, s.Name)
		}
		if s.Kind == KindEconomic && !strings.Contains(s.Fleet.Label, "ASSUMED") {
			t.Errorf("%s: the fleet mix must be labelled ASSUMED, got %q", n, s.Fleet.Label)
		}
	}
	bear, _ := LoadScenario("bear")
	if bear.Price.Model != "merton" || bear.Fleet.PUE != 1.05 {
		t.Errorf("bear should override the price and inherit the fleet: %+v", bear.Price)
	}
	ai, _ := LoadScenario("ai-pivot")
	if len(ai.Fleet.Sites) != 1 || ai.Fleet.Sites[0].MW != 245 {
		t.Errorf("ai-pivot should carry Hut 8's 245 MW site (seed 004): %+v", ai.Fleet.Sites)
	}
}

// The default scenario starts from the seeds' February 2026 state.
func TestDefaultScenarioIsSnapshot(t *testing.T) {
	s, _ := LoadScenario("default")
	if s.Start.PriceUSD != 76176 || s.Start.Difficulty != 141.7e12 || s.Start.FeesPerBlockBTC != 0.025 {
		t.Errorf("default start = %+v, want $76,176, 141.7T, 0.025 BTC (seeds 001, 004)", s.Start)
	}
}

func TestScenarioErrorsNameKeyAndLine(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown key", "base: default\nprice:\n  model: gbm\n  volatilty_per_year: 0.5\n", `line 4: unknown key "volatilty_per_year"`},
		{"negative volatility", "base: default\nname: x\nprice:\n  model: gbm\n  volatility_per_year: -0.2\n", "line 5: price.volatility_per_year: must be between 0 and 10, got -0.2"},
		{"shares", "base: default\nfleet:\n  mix:\n    - {model: S21, share: 0.5}\n    - {model: S19 XP, share: 0.4}\n", "line 3: fleet.mix: shares must sum to 1, got 0.9"},
		{"unknown model", "base: default\nfleet:\n  mix:\n    - {model: S21, share: 0.5}\n    - {model: Antminer Z99, share: 0.5}\n", "line 5: fleet.mix.1.model:"},
		{"unknown price model", "base: default\nprice:\n  model: random_walk\n", `line 3: price.model: unknown model "random_walk"`},
		{"power shares", "base: default\nfleet:\n  power_cost:\n    - {usd_per_kwh: 0.05, share: 0.7}\n", "line 3: fleet.power_cost: shares must sum to 1"},
		{"type error", "base: default\nhorizon_days: lots\n", "line 2:"},
		{"bad yaml", "price: [\n", "t.yaml:"},
		{"bad base", "base: nosuch\n", "line 1: base:"},
		{"file base", "base: /etc/passwd\n", "line 1: base:"},
		{"empty", "", "fleet.mix"},
		{"unknown kind", "kind: quantum\n", "line 1: kind: unknown kind"},
		{"no hardware price", "base: default\nentry:\n  model: S21\n  hardware_usd_per_th: 0\n", "line 4: entry.hardware_usd_per_th: catalog model"},
	}
	for _, c := range cases {
		_, err := ParseScenario([]byte(c.yaml), "t.yaml", "")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q does not contain %q", c.name, msg, c.want)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: error spans lines: %q", c.name, msg)
		}
	}
}

func TestScenarioFileAndBootstrapCSV(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "btc.csv"), []byte(priceCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	y := "base: default\nname: mine\nprice:\n  model: bootstrap\n  csv: btc.csv\n"
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadScenario(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.bootstrapLogReturns) != 3 {
		t.Errorf("bootstrap returns = %d, want 3", len(s.bootstrapLogReturns))
	}
	if _, err := LoadScenario(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
	y = "base: default\nprice:\n  model: bootstrap\n  csv: nothere.csv\n"
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScenario(path); err == nil || !strings.Contains(err.Error(), "line 4: price.csv") {
		t.Errorf("unreadable CSV: %v", err)
	}
}

func FuzzParseScenario(f *testing.F) {
	for _, n := range BuiltinScenarios() {
		b, _ := builtinFS.ReadFile("scenarios/" + n + ".yaml")
		f.Add(b)
	}
	f.Add([]byte("base: default\nfleet:\n  mix: [{model: S21, share: 1}]\n"))
	f.Add([]byte("price: {model: scripted, points: [{day: 3, price_usd: 1}, {day: 2, price_usd: 5}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := parseScenario(data, "fuzz.yaml")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error: %q", err)
			}
			return
		}
		if s.HorizonDays < 1 {
			t.Errorf("accepted horizon %d", s.HorizonDays)
		}
	})
}
