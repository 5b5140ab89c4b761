package security

import (
	"math"
	"testing"
)

var costIn = AttackInputs{
	NetworkHashrateHs: 900e18, // 900 EH/s
	Hours:             24,
	RentUSDPerPHDay:   50,
	RentableShare:     0.05,
	ASICUSDPerTH:      15,
	JoulesPerTH:       20,
	PowerUSDPerKWh:    0.05,
	BlockRewardUSD:    3.125 * 70000,
}

// Worked by hand: q = 30 % against 900 EH/s needs 900·0.3/0.7 =
// 385.714… EH/s = 385,714,285.7 TH/s = 385,714.2857 PH/s.
func TestCostOfByHand(t *testing.T) {
	c, err := CostOf(costIn, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	th := 900e6 * 0.3 / 0.7
	checks := []struct {
		name      string
		got, want float64
	}{
		{"hashrate", c.AttackerHashrateHs, 385.714285714285714e18},
		{"rent", c.RentUSD, th / 1000 * 50},                      // one day at 50 USD/PH/day
		{"hardware", c.BuildHardwareUSD, th * 15},                // 5.79e9 USD
		{"energy", c.BuildEnergyUSD, th * 20 * 24 / 1000 * 0.05}, // 20 W/TH · 24 h
		{"blocks", c.AttackerBlocks, 144 * 0.3 / 0.7},            // 61.7 blocks in a day
		{"rewards", c.RewardsUSD, 144 * 0.3 / 0.7 * 218750},
	}
	for _, k := range checks {
		if math.Abs(k.got-k.want) > 1e-9*k.want {
			t.Errorf("%s = %g, want %g", k.name, k.got, k.want)
		}
	}
	if c.RentAvailable {
		t.Error("a 43% rental cannot come from a 5% market")
	}
	if c.BuildTotalUSD != c.BuildHardwareUSD+c.BuildEnergyUSD {
		t.Error("build total is not hardware + energy")
	}
}

func TestShareForBudgetInvertsCost(t *testing.T) {
	in := costIn
	in.RentableShare = 1
	for _, q := range []float64{0.1, 0.3, 0.45} {
		c, _ := CostOf(in, q)
		got, err := ShareForBudget(in, c.RentUSD, true)
		if err != nil || math.Abs(got-q) > 1e-12 {
			t.Errorf("rent: q=%g → budget %g → q=%g (%v)", q, c.RentUSD, got, err)
		}
		got, err = ShareForBudget(in, c.BuildTotalUSD, false)
		if err != nil || math.Abs(got-q) > 1e-12 {
			t.Errorf("build: q=%g → budget %g → q=%g (%v)", q, c.BuildTotalUSD, got, err)
		}
	}
	// The rental market caps the share at RentableShare·H.
	got, _ := ShareForBudget(costIn, 1e15, true)
	if want := 0.05 / 1.05; math.Abs(got-want) > 1e-12 {
		t.Errorf("capped rental share %g, want %g", got, want)
	}
}

func TestCostBadInputs(t *testing.T) {
	bad := costIn
	bad.Hours = math.NaN()
	if _, err := CostOf(bad, 0.3); err == nil {
		t.Error("NaN hours accepted")
	}
	if _, err := CostOf(costIn, 1); err == nil {
		t.Error("q = 1 accepted")
	}
	huge := costIn
	huge.Hours = 1e308
	if _, err := CostOf(huge, 0.3); err == nil {
		t.Error("an overflowing cost was returned")
	}
	if _, err := ShareForBudget(costIn, 1e308, false); err == nil {
		t.Error("a budget beyond float range gave a share")
	}
	bad = costIn
	bad.RentableShare = 2
	if _, err := ShareForBudget(bad, 1, true); err == nil {
		t.Error("rentable share 2 accepted")
	}
}
