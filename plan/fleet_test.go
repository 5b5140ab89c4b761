package plan

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashfall/hashfall/hardware"
)

// testCatalog holds spec-sheet figures for the machines the seeds name:
// the S21 (200 TH/s, 3,500 W), S21 XP Hydro (473 TH/s, 5,676 W;
// 004_b3078c83a3b438cd.txt) and S19 Pro (110 TH/s, 3,250 W).
var testCatalog = &hardware.Catalog{Version: "test", Models: []hardware.Model{
	{Maker: "Bitmain", Name: "S21", HashrateTHs: 200, PowerW: 3500},
	{Maker: "Bitmain", Name: "S21 XP Hydro", HashrateTHs: 473, PowerW: 5676},
	{Maker: "Bitmain", Name: "S19 Pro", HashrateTHs: 110, PowerW: 3250},
}}

const goodFleet = `
sites:
  - name: west
    capacity_mw: 10
    pue: 1.1
    tariff:
      flat_usd_per_kwh: 0.05
    hosting_usd_per_kwh: 0.005
    curtailment_credit_usd_per_mwh: 2
    ai:
      capex_usd_per_mw: 10000000
      lead_time_months: 12
      lease_usd_per_kw_month: 130
      lease_term_years: 15
      uptime_sla: 0.99999
      tenant_default_prob_per_year: 0.01
  - name: east
    capacity_mw: 5
    tariff:
      time_of_use:
        - {from_hour: 0, to_hour: 14, usd_per_kwh: 0.04}
        - {from_hour: 14, to_hour: 24, usd_per_kwh: 0.10}
machines:
  - {model: S21, count: 1000, site: west, purchased: 2024-05-01, price_usd: 3000}
  - {model: s19 pro, count: 500, site: east}
treasury:
  btc: 100
  cash_usd: 1000000
  debt_service_usd_per_month: 250000
`

func TestParseFleet(t *testing.T) {
	f, err := ParseFleet([]byte(goodFleet), testCatalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Sites) != 2 || len(f.Machines) != 2 {
		t.Fatalf("got %d sites, %d machine groups", len(f.Sites), len(f.Machines))
	}
	if m := f.Machines[1].HardwareModel(); m.Name != "S19 Pro" || f.Machines[1].SiteIndex() != 1 {
		t.Errorf("second group resolved to %q at site %d", m.Name, f.Machines[1].SiteIndex())
	}
	// 14 h at $0.04 and 10 h at $0.10 average (0.56 + 1.0)/24 = $0.065/kWh.
	if got := f.Sites[1].Tariff.MeanUSDPerKWh(); got < 0.065-1e-12 || got > 0.065+1e-12 {
		t.Errorf("TOU mean = %g, want 0.065", got)
	}
	at := time.Date(2026, 2, 2, 15, 0, 0, 0, time.UTC)
	if got := f.Sites[1].Tariff.PowerUSDPerKWhAt(at); got != 0.10 {
		t.Errorf("TOU price at 15:00 = %g, want 0.10", got)
	}
}

// Every validation error is one line that starts with the line number of
// the offending key in the file.
func TestParseFleetErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		name, edit, with, wantLine, wantText string
	}{
		{"unknown key", "    pue: 1.1", "    peu: 1.1", "line 5", "peu"},
		{"unknown model", "model: S21,", "model: S21 Turbo X,", "line 24", "S21 Turbo X"},
		{"unknown site", "site: east}", "site: north}", "line 25", "north"},
		{"over capacity", "count: 1000,", "count: 3000,", "line 24", "over capacity"},
		{"bad tariff", "      flat_usd_per_kwh: 0.05", "      flat_usd_per_kwh: 0.05\n      hourly_csv: x.csv", "line 6", "exactly one"},
		{"TOU gap", "from_hour: 14, to_hour: 24", "from_hour: 15, to_hour: 24", "line 20", "hour 14"},
		{"bad type", "capacity_mw: 5", "capacity_mw: five", "line 18", "five"},
		{"ai both leases", "      lease_term_years: 15", "      lease_term_years: 15\n      lease_usd_per_kwh: 0.2", "line 10", "exactly one"},
		{"bad date", "2024-05-01", "2024-13-01", "line 24", "purchased"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(goodFleet, c.edit, c.with, 1)
			if doc == goodFleet {
				t.Fatalf("edit %q not applied", c.edit)
			}
			_, err := ParseFleet([]byte(doc), testCatalog, nil)
			if err == nil {
				t.Fatal("want an error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, c.wantLine+":") || !strings.Contains(msg, c.wantText) {
				t.Errorf("error %q, want one line starting %q and naming %q", msg, c.wantLine, c.wantText)
			}
		})
	}
}

func TestParseFleetHourlyCSV(t *testing.T) {
	doc := strings.Replace(goodFleet, "flat_usd_per_kwh: 0.05", "hourly_csv: ercot.csv", 1)
	open := func(csv string) func(string) (io.ReadCloser, error) {
		return func(name string) (io.ReadCloser, error) {
			if name != "ercot.csv" {
				return nil, os.ErrNotExist
			}
			return io.NopCloser(strings.NewReader(csv)), nil
		}
	}
	f, err := ParseFleet([]byte(doc), testCatalog, open("timestamp,usd_per_mwh\n2026-01-01T00:00:00Z,30\n2026-01-01T01:00:00Z,50\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Sites[0].Tariff.MeanUSDPerKWh(); got != 0.04 {
		t.Errorf("hourly mean = %g USD/kWh, want 0.04", got)
	}
	_, err = ParseFleet([]byte(doc), testCatalog, open("2026-01-01 00:00,30\n2026-01-01 02:00,50\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "line 7:") || !strings.Contains(err.Error(), "line 2: gap") {
		t.Errorf("gap error = %v, want the fleet line and the CSV line", err)
	}
}

func TestParseHourlyPricesErrors(t *testing.T) {
	cases := map[string]string{
		"2026-01-01 00:00,30\n2026-01-01 00:00,31\n":                                    "line 2: duplicate interval",
		"# synthetic\ntimestamp,usd_per_mwh\n2026-01-01 00:00,30\n2026-01-01 03:00,1\n": "line 4: gap of 2 intervals",
		"2026-01-01 01:00,30\n2026-01-01 00:00,31\n":                                    "line 2: 2026-01-01T00:00:00Z is before",
		"2026-01-01 00:30,30\n":                                                         "line 1: 2026-01-01T00:30:00Z is not on the hour",
		"2026-01-01 00:00,abc\n":                                                        "line 1: price",
		"2026-01-01 00:00,30,4\n":                                                       "line 1: want 2 fields",
		"":                                                                              "no price rows",
	}
	for in, want := range cases {
		_, err := ParseHourlyPrices(strings.NewReader(in))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %v, want prefix %q", in, err, want)
		}
	}
	h, err := ParseHourlyPrices(strings.NewReader("timestamp,price\n2026-03-08T01:00:00-06:00,-5.5\n2026-03-08T08:00:00Z,12\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !h.Start.Equal(time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)) || h.USDPerMWh[0] != -5.5 || len(h.USDPerMWh) != 2 {
		t.Errorf("parsed %+v", h)
	}
}

func TestSyntheticPricesRoundTrip(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := SyntheticHourlyPrices(DefaultSyntheticPriceModel, start, 24*30, 7)
	b := SyntheticHourlyPrices(DefaultSyntheticPriceModel, start, 24*30, 7)
	var sb strings.Builder
	if err := WriteHourlyPrices(&sb, a, "SYNTHETIC prices, seed 7"); err != nil {
		t.Fatal(err)
	}
	back, err := ParseHourlyPrices(strings.NewReader(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Comments) != 1 || back.Comments[0] != "SYNTHETIC prices, seed 7" {
		t.Errorf("comments = %q, want the SYNTHETIC label back", back.Comments)
	}
	for i := range a.USDPerMWh {
		if a.USDPerMWh[i] != b.USDPerMWh[i] {
			t.Fatal("same seed gave different prices")
		}
		if d := back.USDPerMWh[i] - a.USDPerMWh[i]; d > 0.005 || d < -0.005 {
			t.Fatalf("hour %d: wrote %g, read %g", i, a.USDPerMWh[i], back.USDPerMWh[i])
		}
	}
}

// Over a long run the OU part averages to μ and the spikes add
// p·m/(1−d) USD/MWh: 40 + 0.004·400/0.5 = 43.2 with the defaults.
func TestSyntheticPricesMean(t *testing.T) {
	m := DefaultSyntheticPriceModel
	h := SyntheticHourlyPrices(m, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 24*365*5, 1)
	want := m.MeanUSDPerMWh + m.SpikeProbPerHour*m.SpikeMeanUSD/(1-m.SpikeDecayPerHour)
	if got := h.MeanUSDPerMWh(); got < want-1.5 || got > want+1.5 {
		t.Errorf("mean = %.2f USD/MWh, want %.2f ± 1.5", got, want)
	}
}

func FuzzParseFleet(f *testing.F) {
	f.Add([]byte(goodFleet))
	f.Add([]byte("sites: []\n"))
	f.Add([]byte("sites:\n  - name: a\n    capacity_mw: 1\n    tariff: {time_of_use: [{from_hour: 0, to_hour: 24, usd_per_kwh: 0.1}]}\nmachines:\n  - {model: S21, count: 1, site: a}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		fl, err := ParseFleet(doc, testCatalog, func(string) (io.ReadCloser, error) { return nil, errors.New("no files") })
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if len(fl.Sites) == 0 {
			t.Error("accepted a fleet without sites")
		}
	})
}

func FuzzParseHourlyPrices(f *testing.F) {
	f.Add("timestamp,usd_per_mwh\n2026-01-01T00:00:00Z,30\n2026-01-01T01:00:00Z,-2\n")
	f.Add("2026-01-01 00:00,30\n2026-01-01 00:00,31\n")
	f.Fuzz(func(t *testing.T, in string) {
		h, err := ParseHourlyPrices(strings.NewReader(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if len(h.USDPerMWh) == 0 {
			t.Error("no rows but no error")
		}
	})
}

// The documented example must stay valid against the shipped catalog.
func TestExampleFleetLoads(t *testing.T) {
	f, err := LoadFleetFile("../examples/fleet.yaml", hardware.Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Sites) != 3 || f.Sites[0].Tariff.Hourly() == nil || f.Sites[0].AI == nil {
		t.Errorf("example fleet parsed to %+v", f.Sites)
	}
}

// A fleet with sites but no machines would report all-zero totals and a
// breakeven of $0: it is an error naming the file.
func TestEmptyFleetIsAnError(t *testing.T) {
	sitesOnly := goodFleet[:strings.Index(goodFleet, "machines:")]
	for name, doc := range map[string]string{"no machines key": sitesOnly, "empty list": sitesOnly + "machines: []\n"} {
		path := filepath.Join(t.TempDir(), "empty-fleet.yaml")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadFleetFile(path, testCatalog)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no machines") {
			t.Errorf("%s: err = %v, want one naming %s and the missing machines", name, err, path)
		}
	}
}

func TestOperatingPointsCapacity(t *testing.T) {
	doc := `sites:
  - name: s
    capacity_mw: 0.35
    tariff: {flat_usd_per_kwh: 0.05}
machines:
  - model: S21
    count: 100
    site: s
    operating_points:
      - {name: normal, power_w: 3500, hashrate_ths: 200}
      - {name: turbo, power_w: 4100, hashrate_ths: 225}
`
	// Nameplate 100 × 3500 W = 0.35 MW fits; turbo 0.41 MW does not.
	_, err := ParseFleet([]byte(doc), testCatalog, nil)
	if err == nil || !strings.Contains(err.Error(), "over capacity: machines draw 0.41 MW") {
		t.Errorf("turbo over capacity: %v", err)
	}
	_, err = ParseFleet([]byte(strings.Replace(doc, "power_w: 4100", "power_w: -1", 1)), testCatalog, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "line 11:") || !strings.Contains(err.Error(), "operating_points[1]") {
		t.Errorf("bad point: %v", err)
	}
}
