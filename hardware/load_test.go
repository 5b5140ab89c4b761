package hardware

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodEntry = `version: "test-1"
models:
  - maker: Bitmain
    model: S21
    released: 2023-09
    th_s: 200
    watts: 3500
    cooling: air
    list_price_usd: 4200
    source: spec sheet
`

func TestLoadGood(t *testing.T) {
	c, err := Load(strings.NewReader(goodEntry), "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "test-1" || len(c.Models) != 1 {
		t.Fatalf("got version %q with %d models", c.Version, len(c.Models))
	}
	m := c.Models[0]
	if m.Released.Year() != 2023 || m.Released.Month() != 9 || m.Released.Day() != 1 {
		t.Errorf("released = %v, want 2023-09-01", m.Released)
	}
	if m.ListPriceUSD != 4200 || m.Cooling != Air || m.JoulesPerTH() != 17.5 {
		t.Errorf("parsed %+v", m)
	}
}

// Issue 2 §6: a malformed catalog file gives a clear one-line error naming
// the file, the line and the key.
func TestLoadErrors(t *testing.T) {
	entry := func(overrides ...string) string {
		fields := map[string]string{
			"maker": "Bitmain", "model": "X", "released": "2024-01", "th_s": "100",
			"watts": "2000", "cooling": "air", "source": "test",
		}
		for i := 0; i+1 < len(overrides); i += 2 {
			fields[overrides[i]] = overrides[i+1]
		}
		var b strings.Builder
		prefix := "  - "
		for _, k := range []string{"maker", "model", "released", "th_s", "watts", "cooling", "source"} {
			if v := fields[k]; v != "<none>" {
				b.WriteString(prefix + k + ": " + v + "\n")
				prefix = "    "
			}
		}
		return b.String()
	}
	head := "version: \"v\"\nmodels:\n" // model entries start on line 3
	cases := []struct{ name, file, want string }{
		{"zero watts", head + entry("watts", "0"), `bad.yaml:7: model "X": watts must be > 0`},
		{"negative hashrate", head + entry("th_s", "-5"), `bad.yaml:6: model "X": th_s must be > 0`},
		{"nan hashrate", head + entry("th_s", ".nan"), `bad.yaml:6: model "X": th_s must be > 0`},
		{"infinite power", head + entry("watts", ".inf"), `bad.yaml:7: model "X": watts must be > 0`},
		{"text hashrate", head + entry("th_s", "lots"), `bad.yaml:6: model "X": th_s must be a number, got "lots"`},
		{"unknown cooling", head + entry("cooling", "oil"), `bad.yaml:8: model "X": cooling "oil" must be air, hydro or immersion`},
		{"bad month", head + entry("released", "2024-13"), `bad.yaml:5: model "X": released "2024-13" is not a date of the form YYYY-MM or YYYY-MM-DD`},
		{"bad date text", head + entry("released", "soon"), `bad.yaml:5: model "X": released "soon" is not`},
		{"missing watts", head + entry("watts", "<none>"), `bad.yaml:3: model "X": missing key watts`},
		{"missing source", head + entry("source", "<none>"), `bad.yaml:3: model "X": missing key source`},
		{"missing model", head + entry("model", "<none>"), `bad.yaml:3: model entry: missing key model`},
		{"empty maker", head + entry("maker", `""`), `bad.yaml:3: model "X": maker must be a non-empty string`},
		{"list as name", head + entry("model", "[a, b]"), `bad.yaml:4: model entry: model must be a non-empty string`},
		{"unknown key", head + "  - wattz: 5\n", `bad.yaml:3: unknown key "wattz"`},
		{"unknown top key", "version: v\nfleet: []\n", `bad.yaml:2: unknown key "fleet"`},
		{"duplicate", head + entry() + entry("model", "x"), `bad.yaml:10: model "x": duplicate of the entry at line 3`},
		{"duplicate spelled apart", head + entry() + entry("model", `"x_"`), `bad.yaml:10: model "x_": duplicate of the entry at line 3`},
		{"negative price", head + entry() + "    list_price_usd: -1\n", `bad.yaml:10: model "X": list_price_usd must be >= 0`},
		{"empty file", "", `bad.yaml: empty catalog`},
		{"comments only", "# nothing\n", `bad.yaml: empty catalog`},
		{"empty entry", head + entry() + "  - {}\n", `bad.yaml: model entry 2 is empty`},
		{"blank version", "version: \"  \"\nmodels:\n" + entry(), `bad.yaml:1: version must be a non-empty string`},
		{"no models", "version: v\nmodels: []\n", `bad.yaml: empty catalog: no models`},
		{"no version", "models:\n" + entry(), `bad.yaml:1: version must be a non-empty string`},
		{"syntax", head + "  - maker: [\n", `bad.yaml:3: did not find expected node content`},
		{"two documents", goodEntry + "---\n" + goodEntry, `bad.yaml: more than one YAML document`},
		{"models not a list", "version: v\nmodels: 3\n", "bad.yaml:2: cannot unmarshal !!int `3` into a list of models"},
		{"entry not a mapping", "version: v\nmodels: [3]\n", "bad.yaml:2: cannot unmarshal !!int `3` into a model entry"},
		{"catalog not a mapping", "- a\n", "bad.yaml:1: cannot unmarshal !!seq into a catalog mapping"},
		{"null model", head + entry("model", "~"), `bad.yaml:4: model entry: model must be a non-empty string`},
		{"null watts", head + entry("watts", ""), `bad.yaml:7: model "X": watts must be a number, got ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(strings.NewReader(tc.file), "bad.yaml")
			if err == nil {
				t.Fatalf("loaded %d models from a bad file:\n%s", len(c.Models), tc.file)
			}
			if c != nil {
				t.Error("returned a catalog alongside the error")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant prefix %q\nfile:\n%s", err, tc.want, tc.file)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(path, []byte(goodEntry), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path)
	if err != nil || len(c.Models) != 1 {
		t.Fatalf("LoadFile = %v, %v", c, err)
	}
	if _, err := c.Lookup("antminer s21"); err != nil {
		t.Error(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(goodEntry, "3500", "0", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":7: ") {
		t.Errorf("LoadFile(bad) error = %v, want it to name %s and line 7", err, bad)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "absent.yaml")); err == nil {
		t.Error("LoadFile on a missing file succeeded")
	}
}

func TestLoadTooLarge(t *testing.T) {
	big := goodEntry + "#" + strings.Repeat("x", maxCatalogBytes) + "\n"
	if _, err := Load(strings.NewReader(big), "big.yaml"); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("error = %v, want a size error", err)
	}
}

// The embedded file round-trips through Load like any user catalog.
func TestEmbeddedIsAUserCatalog(t *testing.T) {
	c, err := Load(bytes.NewReader(embeddedYAML), "catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Models) != len(Default().Models) {
		t.Errorf("Load gives %d models, Default %d", len(c.Models), len(Default().Models))
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(embeddedYAML)
	f.Add([]byte(goodEntry))
	f.Add([]byte("version: v\nmodels:\n  - {maker: a, model: b, released: 2020-01-02, th_s: 1e3, watts: 0x10, cooling: hydro, source: s}\n"))
	f.Add([]byte("version: &a v\nmodels: [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error: %q", err)
			}
			return
		}
		if c.Version == "" || len(c.Models) == 0 {
			t.Fatalf("accepted a catalog without version or models: %+v", c)
		}
		for _, m := range c.Models {
			if !(m.HashrateTHs > 0) || !(m.PowerW > 0) || m.ListPriceUSD < 0 || !coolings[m.Cooling] {
				t.Fatalf("accepted an invalid model: %+v", m)
			}
			got, err := c.Lookup(m.Maker + " " + m.Name)
			if err == nil && normalize(got.Name) != normalize(m.Name) {
				t.Fatalf("Lookup(%q %q) returned %q", m.Maker, m.Name, got.Name)
			}
		}
		c.ByEfficiency()
	})
}

func BenchmarkLookup(b *testing.B) {
	c := Default()
	for _, q := range []string{"S21 XP Hydro", "antminer s21 xp hydro", "A1466i"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Lookup(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("miss with suggestions", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Lookup("S21 XP Hydor"); err == nil {
				b.Fatal("matched a typo")
			}
		}
	})
}

func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Load(bytes.NewReader(embeddedYAML), "catalog.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}
