package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const scheduleFleet = `sites:
  - name: tx
    capacity_mw: 10
    pool_fee_pct: 2
    tariff: {flat_usd_per_kwh: 0.05}
machines:
  - model: S21
    count: 100
    site: tx
    operating_points:   # ASSUMED: no source given
      - {name: eco, power_w: 2800, hashrate_ths: 170}
      - {name: normal, power_w: 3500, hashrate_ths: 200}
`

func writeScheduleFleet(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(p, []byte(scheduleFleet), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFleetScheduleERCOT(t *testing.T) {
	fleet := writeScheduleFleet(t)
	out := filepath.Join(t.TempDir(), "sched.csv")
	var r struct {
		Classes []struct {
			Class      string  `json:"class"`
			Hours      float64 `json:"hours"`
			SavingsUSD float64 `json:"savings_vs_flat_out_usd"`
		} `json:"classes"`
		Points []struct {
			Point string `json:"point"`
		} `json:"points"`
	}
	runJSON(t, &r, "fleet", "schedule", fleet, "--prices", "../../power/testdata/ercot_rt_2024-11-03.csv",
		"--price-format", "ercot-rt", "--settlement-point", "HB_WEST", "--schedule-out", out, "--min-on", "2")
	if len(r.Classes) != 1 || r.Classes[0].Hours != 25 || r.Classes[0].SavingsUSD < 0 || len(r.Points) != 3 {
		t.Fatalf("result %+v", r)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 101 || strings.Join(rows[0], ",") != "interval_start_utc,price_usd_per_mwh,site_mw,tx/S21" || rows[1][0] != "2024-11-03T05:00:00Z" {
		t.Errorf("schedule CSV: %d rows, header %v, first %v", len(rows), rows[0], rows[1])
	}
}

func TestFleetScheduleBadInput(t *testing.T) {
	fleet := writeScheduleFleet(t)
	rt := "../../power/testdata/ercot_rt_2024-11-03.csv"
	cases := []struct {
		name     string
		args     []string
		mentions string
	}{
		{"no prices", []string{fleet}, "--prices"},
		{"bad format", []string{fleet, "--prices", rt, "--price-format", "pjm"}, "--price-format"},
		{"no point", []string{fleet, "--prices", rt, "--price-format", "ercot-rt"}, "--settlement-point"},
		{"tz with ercot", []string{fleet, "--prices", rt, "--price-format", "ercot-rt", "--settlement-point", "HB_WEST", "--tz", "UTC"}, "--tz"},
		{"bad tz", []string{fleet, "--prices", rt, "--tz", "Mars/Olympus"}, "--tz"},
		{"4cp without rate", []string{fleet, "--prices", rt, "--price-format", "ercot-rt", "--settlement-point", "HB_WEST", "--four-cp-rule"}, "--transmission-usd-per-kw-year"},
		{"negative ramp", []string{fleet, "--prices", rt, "--ramp-mw-per-interval", "-1"}, "--ramp-mw-per-interval"},
		{"min on", []string{fleet, "--prices", rt, "--min-on", "0"}, "--min-on"},
		{"missing folder", []string{fleet, "--prices", rt, "--price-format", "ercot-rt", "--settlement-point", "HB_WEST", "--schedule-out", "/nonexistent/dir/s.csv"}, "--schedule-out"},
		{"bad hashprice", []string{fleet, "--prices", rt, "--price-format", "ercot-rt", "--settlement-point", "HB_WEST", "--hashprice-usd-per-ph-day", "-3"}, "--hashprice-usd-per-ph-day"},
		{"missing prices file", []string{fleet, "--prices", "/nonexistent.csv"}, "--prices"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"fleet", "schedule"}, c.args...)...)
			if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.mentions) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and one line naming %s", code, out, errOut, c.mentions)
			}
		})
	}
	// A settlement point missing from the file is bad data, not usage: exit 1, naming the point.
	_, errOut, code := runCLI(t, "fleet", "schedule", fleet, "--prices", rt, "--price-format", "ercot-rt", "--settlement-point", "HB_EAST")
	if code != 1 || !strings.Contains(errOut, "HB_EAST not in the file; it has HB_NORTH, HB_WEST") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestFleetPivotWithPrices(t *testing.T) {
	var r struct {
		Valuation struct {
			Curtailed     bool     `json:"curtailed_against_prices"`
			SalvageNowUSD float64  `json:"salvage_now_usd"`
			SellPowerNPV  *float64 `json:"sell_power_npv_usd"`
		} `json:"valuation"`
	}
	runJSON(t, &r, "fleet", "pivot", "../../examples/fleet.yaml", "--site", "west-texas", "--paths", "20",
		"--prices", "../../power/testdata/ercot_rt_2024-11-03.csv", "--price-format", "ercot-rt", "--settlement-point", "HB_WEST")
	// west-texas has $3 + $2 per MWh not drawn: selling back beats salvage alone.
	if !r.Valuation.Curtailed || r.Valuation.SellPowerNPV == nil || *r.Valuation.SellPowerNPV <= r.Valuation.SalvageNowUSD {
		t.Errorf("pivot with prices: %+v", r.Valuation)
	}
	_, errOut, code := runCLI(t, "fleet", "pivot", "../../examples/fleet.yaml", "--site", "west-texas", "--paths", "20",
		"--prices", "../../power/testdata/ercot_rt_2024-11-03.csv", "--price-format", "ercot-rt")
	if code != 2 || !strings.Contains(errOut, "--settlement-point") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestFleetRundownWithPrices(t *testing.T) {
	out, errOut, code := runCLI(t, "fleet", "rundown", "../../examples/fleet.yaml", "--price-drift-pct", "-5", "--format", "json",
		"--prices", "../../power/testdata/ercot_dam_2024-11-02_04.csv", "--price-format", "ercot-dam", "--settlement-point", "HB_WEST")
	if code != 0 || !strings.Contains(out, "optimal curtailment schedule against 73 price intervals") || !strings.Contains(out, `"mining_profit_usd"`) {
		t.Errorf("exit %d, stderr %q, stdout %.300q", code, errOut, out)
	}
	_, errOut, code = runCLI(t, "fleet", "rundown", "../../examples/fleet.yaml", "--prices", "../../power/testdata/ercot_dam_2024-11-02_04.csv", "--price-format", "ercot-dam", "--settlement-point", "HB_WEST", "--min-off", "0")
	if code != 2 || !strings.Contains(errOut, "--min-off") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

// At a hashprice of 0 nothing earns: the schedule is off throughout and
// profit is the credits alone (none here), so savings equal −flat-out profit.
func TestFleetScheduleZeroHashprice(t *testing.T) {
	var r struct {
		Totals struct {
			EnergyMWh     float64 `json:"energy_mwh"`
			ProfitUSD     float64 `json:"profit_usd"`
			FlatOutProfit float64 `json:"flat_out_profit_usd"`
			SavingsUSD    float64 `json:"savings_vs_flat_out_usd"`
		} `json:"totals"`
	}
	runJSON(t, &r, "fleet", "schedule", writeScheduleFleet(t), "--prices", "../../power/testdata/ercot_rt_2024-11-03.csv",
		"--price-format", "ercot-rt", "--settlement-point", "HB_WEST", "--hashprice-usd-per-ph-day", "0")
	if r.Totals.EnergyMWh != 0 || r.Totals.ProfitUSD != 0 || r.Totals.FlatOutProfit >= 0 || r.Totals.SavingsUSD != -r.Totals.FlatOutProfit {
		t.Errorf("totals %+v", r.Totals)
	}
}
