package economics

import (
	"math"
	"testing"
	"time"

	"github.com/hashfall/hashfall/hardware"
)

// Seed 004 at $75,000 and $0.06/kWh: the S19 XP runs at about 92% of
// revenue on power (profitable), the S19 Pro at 109–162% (not), so the
// CBECI threshold must fall between their efficiencies.
func TestThresholdSeed004(t *testing.T) {
	n := seedNetwork(75000)
	th := ProfitabilityThresholdJPerTH(n, 0.06)
	xp, err := hardware.Default().Lookup("S19 XP")
	if err != nil {
		t.Fatal(err)
	}
	pro, err := hardware.Default().Lookup("S19 Pro")
	if err != nil {
		t.Fatal(err)
	}
	if !(xp.JoulesPerTH() < th && th < pro.JoulesPerTH()) {
		t.Errorf("threshold %.2f J/TH not between S19 XP %.2f and S19 Pro %.2f", th, xp.JoulesPerTH(), pro.JoulesPerTH())
	}
	// Closed form: $34/PH/day is $0.034/TH/day; 0.034/(0.024·0.06) J/TH.
	n = seedNetwork(76176)
	within(t, "threshold", ProfitabilityThresholdJPerTH(n, 0.06), n.HashpriceUSDPerPHDay()/1000/(0.024*0.06), 1e-9)
	within(t, "threshold ≈ 23.6", ProfitabilityThresholdJPerTH(n, 0.06), 0.034/(0.024*0.06), 0.8)
}

// A synthetic three-model catalog: 15, 20 and 30 J/TH, the last released
// after the date. At a threshold between 20 and 30 the profitable set is
// {15, 20}; 1 ZH/s = 1e9 TH/s, so the bounds are 1e9·e·PUE/1e9 GW.
func TestEnergyBounds(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01", s); return t }
	cat := &hardware.Catalog{Models: []hardware.Model{
		{Name: "a", Released: d("2022-01"), HashrateTHs: 100, PowerW: 1500},
		{Name: "b", Released: d("2020-01"), HashrateTHs: 100, PowerW: 2000},
		{Name: "c", Released: d("2025-01"), HashrateTHs: 100, PowerW: 3000},
		{Name: "old", Released: d("2016-01"), HashrateTHs: 10, PowerW: 1000},
	}}
	n := seedNetwork(76176) // threshold ≈ 23.6 J/TH at $0.06
	e, err := Energy(n, 1e21, d("2024-06"), 0.06, cat)
	if err != nil {
		t.Fatal(err)
	}
	if e.ProfitableModels != 2 || e.NoneProfitable {
		t.Fatalf("%+v", e)
	}
	within(t, "lower GW", e.LowerGW, 15*1.01, 1e-9)
	within(t, "best GW", e.BestGW, 17.5*1.10, 1e-9)
	within(t, "upper GW", e.UpperGW, 20*1.20, 1e-9)
	within(t, "best TWh/yr", e.BestTWhPerYr, 17.5*1.10*8.76, 1e-9)
	// At 10× the power price nothing is profitable: the bounds collapse
	// onto the most efficient model released.
	e, err = Energy(n, 1e21, d("2024-06"), 0.6, cat)
	if err != nil {
		t.Fatal(err)
	}
	if !e.NoneProfitable || e.LowerJPerTH != 15 || e.UpperJPerTH != 15 {
		t.Errorf("%+v", e)
	}
	if _, err := Energy(n, 1e21, d("2010-01"), 0.06, cat); err == nil {
		t.Error("no model released, no error")
	}
	if _, err := Energy(n, 1e21, d("2024-06"), 0, cat); err == nil {
		t.Error("zero power price accepted")
	}
}

func TestRevenueToCostSeed004(t *testing.T) {
	// The S21 XP Hydro (12 J/TH): electricity "about 52% of revenue".
	r := RevenueToCost(seedNetwork(75000), 5676.0/473, 0.06)
	within(t, "revenue/cost", 1/r, 0.52, 0.04)
	n := seedNetwork(75000)
	if r := RevenueToCost(n, ProfitabilityThresholdJPerTH(n, 0.05), 0.05); math.Abs(r-1) > 1e-12 {
		t.Errorf("at the threshold ratio = %g, want 1", r)
	}
}
