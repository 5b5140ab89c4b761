package main

import (
	"math"
	"strings"
	"testing"
)

type securityRowJSON struct {
	Scenario            string  `json:"scenario"`
	NetworkHashrateHs   float64 `json:"network_hashrate_hs"`
	ConfirmationsNeeded *int    `json:"confirmations_needed"`
	AttackerShare       float64 `json:"attacker_share"`
	BuildTotalUSD       float64 `json:"build_total_usd"`
	RentUSD             float64 `json:"rent_usd"`
	Funding             string  `json:"funding"`
	Label               string  `json:"label"`
}

func TestSecuritySnapshot(t *testing.T) {
	var rows []securityRowJSON
	runJSON(t, &rows, "security")
	if len(rows) != 6 {
		t.Fatalf("%d rows, want 3 shares × (today, today −12%%)", len(rows))
	}
	// Rosenfeld at ε = 0.1 %: 6, 32 and 539 confirmations (security's
	// paper-table tests), unchanged by the hashrate drop.
	for i, want := range []int{6, 32, 539, 6, 32, 539} {
		if rows[i].ConfirmationsNeeded == nil || *rows[i].ConfirmationsNeeded != want {
			t.Errorf("row %d (%s, q=%g): %v, want %d", i, rows[i].Scenario, rows[i].AttackerShare, rows[i].ConfirmationsNeeded, want)
		}
		if !strings.Contains(rows[i].Label, "SNAPSHOT") || !strings.Contains(rows[i].Label, "ASSUMED") {
			t.Errorf("row %d label %q", i, rows[i].Label)
		}
	}
	if r := rows[4].NetworkHashrateHs / rows[1].NetworkHashrateHs; math.Abs(r-0.88) > 1e-12 || !strings.Contains(rows[4].Scenario, "−12%") {
		t.Errorf("drop scenario %q at %g of today's hashrate", rows[4].Scenario, r)
	}
	var nak []securityRowJSON
	runJSON(t, &nak, "security", "--model", "nakamoto", "--attacker-share", "0.45", "--hashrate-drop-pct", "0")
	if len(nak) != 1 || *nak[0].ConfirmationsNeeded != 340 {
		t.Errorf("Nakamoto at q = 0.45: %+v, paper says 340", nak)
	}
	var budget []securityRowJSON
	runJSON(t, &budget, "security", "--attacker-budget-usd", "1e9", "--asic-usd-per-th", "10", "--joules-per-th", "20", "--power-cost", "0.05", "--hours", "10")
	if len(budget) != 4 || budget[1].Funding != "build" || math.Abs(budget[1].BuildTotalUSD-1e9) > 1 || !(budget[3].AttackerShare > budget[1].AttackerShare) {
		t.Errorf("budget rows %+v", budget)
	}
}

func TestSecurityHistoryAndErrors(t *testing.T) {
	db := importedHistoryStore(t)
	var rows []securityRowJSON
	runJSON(t, &rows, "security", "--db", db, "--at", "2021-07-10", "--hashrate-drop-pct", "0", "--attacker-share", "0.3")
	// On 2021-07-10 the period from height 689,472 (difficulty −27.94 %)
	// was in force.
	if len(rows) != 1 || rows[0].Scenario != "2021-07-10" || !strings.Contains(rows[0].Label, "689472") {
		t.Fatalf("rows %+v", rows)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--attacker-share", "0.3", "--attacker-budget-usd", "5"}, "not both"},
		{[]string{"--attacker-share", "1.5"}, "--attacker-share"},
		{[]string{"--risk", "0"}, "--risk"},
		{[]string{"--model", "x"}, "--model"},
		{[]string{"--at", "2021-07-10"}, "--at"},
		{[]string{"--hashrate-drop-pct", "100"}, "--hashrate-drop-pct"},
	} {
		_, errOut, code := runCLI(t, append([]string{"security"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d %q", c.args, code, errOut)
		}
	}
}
