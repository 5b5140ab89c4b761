package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs hashfall in-process and returns stdout, stderr and the exit
// code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out, errOut, code := runCLI(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("hashfall %v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("hashfall %v: invalid JSON %q: %v", args, out, err)
	}
}

// Bitcoin Core src/test/pow_tests.cpp, get_next_work: the period ending at
// block 32255 (bits 0x1d00ffff, first block time 1261130161, last
// 1262152739) retargets to 0x1d00d86a.
func TestRetargetCommandCoreVector(t *testing.T) {
	out, errOut, code := runCLI(t, "retarget", "--bits", "1d00ffff", "--first-time", "1261130161", "--last-time", "1262152739")
	if code != 0 || !strings.Contains(out, "1d00d86a") {
		t.Fatalf("table output %q (stderr %q, exit %d), want bits 1d00d86a", out, errOut, code)
	}
	var r struct {
		Bits      string  `json:"bits"`
		TimespanS int64   `json:"timespan_s"`
		Clamped   bool    `json:"clamped"`
		ChangePct float64 `json:"change_pct"`
		TargetHex string  `json:"target_hex"`
	}
	runJSON(t, &r, "retarget", "--bits", "0x1d00ffff", "--first-time", "1261130161", "--last-time", "1262152739")
	if r.Bits != "1d00d86a" || r.TimespanS != 1262152739-1261130161 || r.Clamped {
		t.Errorf("retarget JSON = %+v", r)
	}
	if len(r.TargetHex) != 64 {
		t.Errorf("target_hex %q is not 64 hex digits", r.TargetHex)
	}
	// Same exponent, so difficulty rises by the mantissa ratio:
	// 0xffff/0xd86a − 1 ≈ 18.29%.
	if want := (float64(0xffff)/float64(0xd86a) - 1) * 100; math.Abs(r.ChangePct-want) > 1e-9 {
		t.Errorf("change_pct = %g, want %g", r.ChangePct, want)
	}
}

// Bitcoin Core src/test/pow_tests.cpp, get_next_work_lower_limit_actual:
// a 4x-too-fast period is clamped.
func TestRetargetCommandClamped(t *testing.T) {
	var r struct {
		Bits    string `json:"bits"`
		Clamped bool   `json:"clamped"`
	}
	runJSON(t, &r, "retarget", "--bits", "1c05a3f4", "--first-time", "1279008237", "--last-time", "1279297671")
	if r.Bits != "1c0168fd" || !r.Clamped {
		t.Errorf("retarget = %+v, want bits 1c0168fd, clamped", r)
	}
}

func TestDifficultyCommand(t *testing.T) {
	var r struct {
		Difficulty         float64 `json:"difficulty"`
		TargetHex          string  `json:"target_hex"`
		Work               string  `json:"work"`
		ExpectedHashrateHs float64 `json:"expected_hashrate_hs"`
	}
	runJSON(t, &r, "difficulty", "--bits", "1d00ffff")
	if r.Difficulty != 1 || r.TargetHex != "00000000ffff0000000000000000000000000000000000000000000000000000" {
		t.Errorf("difficulty = %+v", r)
	}
	// Work of the genesis target: 2^256/(0xffff·2^208 + 1) = 4295032833.
	if r.Work != "4295032833" {
		t.Errorf("work = %s, want 4295032833", r.Work)
	}
	if want := 4294967296.0 / 600; r.ExpectedHashrateHs != want {
		t.Errorf("expected_hashrate_hs = %g, want %g", r.ExpectedHashrateHs, want)
	}
}

func TestSubsidyCommand(t *testing.T) {
	var r struct {
		SubsidySat        int64 `json:"subsidy_sat"`
		SupplySat         int64 `json:"supply_sat"`
		Halvings          int64 `json:"halvings"`
		NextHalvingHeight int64 `json:"next_halving_height"`
	}
	runJSON(t, &r, "subsidy", "--height", "840000")
	// Seed 003 (003_e37eb505e42ffc38.txt): the 2024 halving cut the
	// reward to 3.125 BTC.
	if r.SubsidySat != 312_500_000 || r.Halvings != 4 || r.NextHalvingHeight != 1_050_000 {
		t.Errorf("subsidy at 840000 = %+v", r)
	}
	// 210000·(50+25+12.5+6.25) BTC before it, plus block 840000 itself.
	if want := int64(210000*(5_000_000_000+2_500_000_000+1_250_000_000+625_000_000) + 312_500_000); r.SupplySat != want {
		t.Errorf("supply_sat = %d, want %d", r.SupplySat, want)
	}
}

func TestHashpriceCommandSeed004(t *testing.T) {
	var byDifficulty, byHashrate struct {
		USDPerPHDay       float64 `json:"usd_per_ph_day"`
		USDPerTHDay       float64 `json:"usd_per_th_day"`
		ImpliedHashrateHs float64 `json:"implied_hashrate_hs"`
		ImpliedDifficulty float64 `json:"implied_difficulty"`
	}
	// Seed 004 (004_b3078c83a3b438cd.txt): $76,176 → $0.034/TH/day.
	runJSON(t, &byDifficulty, "hashprice", "--price", "76176", "--difficulty", "141.7T", "--fees-btc", "0.025")
	if byDifficulty.USDPerTHDay < 0.034*0.97 || byDifficulty.USDPerTHDay > 0.034*1.03 {
		t.Errorf("usd_per_th_day = %g, want 0.034 ± 3%%", byDifficulty.USDPerTHDay)
	}
	runJSON(t, &byHashrate, "hashprice", "--price", "76176", "--hashrate", "890EH/s")
	if d := byHashrate.ImpliedDifficulty; d < 124e12 || d > 125e12 {
		t.Errorf("implied difficulty of 890 EH/s = %g, want 890e18·600/2^32 ≈ 124.3T", d)
	}
}

func TestMachinesCommandSortedByEfficiency(t *testing.T) {
	var rows []struct {
		Model       string  `json:"model"`
		JoulesPerTH float64 `json:"j_per_th"`
		CostRatio   float64 `json:"cost_ratio"`
	}
	runJSON(t, &rows, "machines", "--price", "75000", "--difficulty", "141.7T", "--power-cost", "0.06")
	if len(rows) < 40 {
		t.Fatalf("%d rows, want the whole catalog (≥ 40)", len(rows))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].JoulesPerTH < rows[i-1].JoulesPerTH {
			t.Fatalf("rows not sorted by J/TH at %d: %g after %g", i, rows[i].JoulesPerTH, rows[i-1].JoulesPerTH)
		}
	}
	var one []struct {
		Model     string  `json:"model"`
		CostRatio float64 `json:"cost_ratio"`
	}
	runJSON(t, &one, "machines", "--price", "75000", "--difficulty", "141.7T", "--power-cost", "0.06", "--model", "s21 xp hydro")
	if len(one) != 1 || one[0].CostRatio < 0.48 || one[0].CostRatio > 0.56 {
		t.Errorf("--model s21 xp hydro = %+v, want one row with cost ratio ≈ 0.52 (seed 004)", one)
	}
}

func TestReportDefaultIsLabelledSnapshot(t *testing.T) {
	out, errOut, code := runCLI(t, "report")
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"SNAPSHOT", "not live data", "network", "fleet", "breakeven_by_tier", "security", "<20 J/TH", ">30 J/TH"} {
		if !strings.Contains(out, want) {
			t.Errorf("report output lacks %q", want)
		}
	}
	var r struct {
		Network struct {
			USDPerPHDay float64 `json:"usd_per_ph_day"`
		} `json:"network"`
		Fleet []struct {
			Model      string `json:"model"`
			Underwater bool   `json:"underwater"`
		} `json:"fleet"`
		Security struct {
			BudgetUSDDay float64 `json:"budget_usd_day"`
		} `json:"security"`
	}
	runJSON(t, &r, "report")
	if r.Network.USDPerPHDay < 33 || r.Network.USDPerPHDay > 35 {
		t.Errorf("report hashprice = %g USD/PH/day, want ≈ 34 (seed 004)", r.Network.USDPerPHDay)
	}
	under := map[string]bool{}
	for _, f := range r.Fleet {
		under[f.Model] = f.Underwater
	}
	if !under["S19 Pro"] || under["S21 XP Hydro"] {
		t.Errorf("underwater: S19 Pro %v, S21 XP Hydro %v; want true, false (seed 004)", under["S19 Pro"], under["S21 XP Hydro"])
	}
	if want := 144 * 3.15 * 76176; r.Security.BudgetUSDDay < want-1 || r.Security.BudgetUSDDay > want+1 {
		t.Errorf("budget_usd_day = %g, want %g", r.Security.BudgetUSDDay, want)
	}
}

func TestReportHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	if _, errOut, code := runCLI(t, "report", "--html", path, "--format", "csv"); code != 0 {
		t.Fatalf("report --html: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"<!DOCTYPE html>", "<svg", "Shutdown price vs efficiency", "SNAPSHOT", "<table>"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if strings.Contains(page, "<?xml") {
		t.Error("HTML report embeds an XML declaration")
	}
}

// Issue 2, section 6: every bad input gives one line on stderr and a
// non-zero exit, 2 for usage errors.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	badCatalog := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badCatalog, []byte("version: x\nmodels:\n  - maker: A\n    model: B\n    th_s: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		code     int
		mentions string
	}{
		{"non-hex bits", []string{"difficulty", "--bits", "zz00ffff"}, 2, "bits"},
		{"overflowing bits", []string{"difficulty", "--bits", "ff123456"}, 2, "bits"},
		{"too long bits", []string{"difficulty", "--bits", "1d00ffff00"}, 2, "bits"},
		{"negative height", []string{"subsidy", "--height", "-1"}, 2, "height"},
		{"zero price", []string{"hashprice", "--price", "0", "--difficulty", "1e12"}, 2, "price"},
		{"negative price", []string{"hashprice", "--price", "-5", "--difficulty", "1e12"}, 2, "price"},
		{"conflicting flags", []string{"hashprice", "--price", "1", "--difficulty", "1e12", "--hashrate", "1E"}, 2, "conflict"},
		{"bad hashrate", []string{"hashprice", "--price", "1", "--hashrate", "lots"}, 2, "hashrate"},
		{"unknown model", []string{"machines", "--price", "75000", "--difficulty", "1e14", "--power-cost", "0.06", "--model", "S21 XP Hydor"}, 2, "S21 XP Hydro"},
		{"malformed catalog", []string{"machines", "--price", "75000", "--difficulty", "1e14", "--power-cost", "0.06", "--catalog", badCatalog}, 1, "bad.yaml"},
		{"missing catalog", []string{"report", "--catalog", filepath.Join(dir, "nope.yaml")}, 1, "nope.yaml"},
		{"bad format", []string{"report", "--format", "xml"}, 2, "xml"},
		{"bad progress mode", []string{"report", "--progress", "sometimes"}, 2, "sometimes"},
		{"unknown flag", []string{"report", "--bogus"}, 2, "bogus"},
		{"stray argument", []string{"report", "extra"}, 2, "extra"},
		{"negative power", []string{"report", "--power-cost", "-1"}, 2, "power-cost"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty on error: %q", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "hashfall: ") {
				t.Errorf("stderr is not one line: %q", errOut)
			}
			if !strings.Contains(errOut, c.mentions) {
				t.Errorf("stderr %q does not mention %q", errOut, c.mentions)
			}
		})
	}
}

// report --db reads the live store instead of the snapshot: over btcd's
// real 2009 mainnet blocks (difficulty 1, subsidy 50 BTC) with a SYNTHETIC
// constant price of $3, the report must show exactly those, labelled live.
func TestReportFromStore(t *testing.T) {
	db := syncedMainnet(t)
	prices := filepath.Join(t.TempDir(), "prices.csv")
	if err := os.WriteFile(prices, []byte("date,close\n2009-05-01,3\n2009-05-02,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "report", "--db", db); code != exitError || !strings.Contains(errOut, "price") {
		t.Errorf("report --db without prices: exit %d %q, want an error naming the missing price", code, errOut)
	}
	if _, errOut, code := runCLI(t, "import", "prices", prices, "--db", db); code != 0 {
		t.Fatalf("import prices: %s", errOut)
	}
	var r struct {
		Notes   []string `json:"notes"`
		Network struct {
			PriceUSD    float64 `json:"price_usd"`
			Difficulty  float64 `json:"difficulty"`
			SubsidyBTC  float64 `json:"subsidy_btc"`
			FeesBTC     float64 `json:"fees_per_block_btc"`
			BTCPerPHDay float64 `json:"btc_per_ph_day"`
		} `json:"network"`
	}
	runJSON(t, &r, "report", "--db", db)
	if r.Network.PriceUSD != 3 || r.Network.Difficulty != 1 || r.Network.SubsidyBTC != 50 {
		t.Errorf("network from store = %+v", r.Network)
	}
	// At difficulty 1 a PH/s finds 1e15·86400/2^32 blocks a day. The few
	// 2009 transactions that paid fees leave a small mean over 144 blocks.
	if r.Network.FeesBTC < 0 || r.Network.FeesBTC > 0.01 {
		t.Errorf("fees_per_block_btc = %g, want the small 2009 mean", r.Network.FeesBTC)
	}
	if want := 1e15 * 86400 / 4294967296 * (50 + r.Network.FeesBTC); math.Abs(r.Network.BTCPerPHDay-want) > want*1e-9 {
		t.Errorf("btc_per_ph_day = %g, want %g", r.Network.BTCPerPHDay, want)
	}
	if len(r.Notes) == 0 || !strings.HasPrefix(r.Notes[0], "LIVE") || strings.Contains(r.Notes[0], "SNAPSHOT") {
		t.Errorf("notes = %q, want the live label", r.Notes)
	}
	if _, errOut, code := runCLI(t, "report", "--db", filepath.Join(t.TempDir(), "none.db")); code == 0 || !strings.Contains(errOut, "none.db") {
		t.Errorf("report on a missing store: exit %d %q", code, errOut)
	}
}
