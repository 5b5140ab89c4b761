package economics

import (
	"testing"
)

// Seed 004: the network "is effectively paying about 3.5 cents per
// terahash per day for its security" at about $76,000 and ~1 ZH/s.
func TestSecuritySeed004(t *testing.T) {
	n := seedNetwork(76176)
	s, err := SecurityOf(n, ImpliedHashrateHs(n.Difficulty), Attack51{ASICUSDPerTH: 15, JoulesPerTH: 15, PowerUSDPerKWh: 0.05, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "budget USD/TH/day", s.BudgetUSDPerTHDay, 0.035, 0.0015)
	// Seeds 001 and 004: a 51% attack costs "billions of dollars in
	// specialized hardware and energy".
	if s.BuildTotalUSD < 1e9 || s.BuildTotalUSD > 1e11 {
		t.Errorf("cost to build 51%% = $%.3g, want billions", s.BuildTotalUSD)
	}
}

// 1 EH/s = 1e6 TH/s at 20 J/TH draws 20 MW: 480 MWh a day, $24,000 at
// $0.05/kWh; with PUE 1.1 over 3 days, $79,200. Hardware at $10/TH is
// $10M; renting at $50/PH/day for 3 days is 1000 PH · $150 = $150,000.
func TestSecurityClosedForm(t *testing.T) {
	s, err := SecurityOf(seedNetwork(76176), 1e18, Attack51{ASICUSDPerTH: 10, JoulesPerTH: 20, PowerUSDPerKWh: 0.05, PUE: 1.1, RentUSDPerPHDay: 50, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "energy USD", s.BuildEnergyUSD, 79200, 1e-6)
	within(t, "hardware USD", s.BuildHardwareUSD, 1e7, 1e-6)
	within(t, "rent USD", s.RentUSD, 150000, 1e-6)
	within(t, "power GW", s.AttackPowerGW, 0.022, 1e-12)
	for _, bad := range []Attack51{{Days: 0}, {Days: 1, ASICUSDPerTH: -1}} {
		if _, err := SecurityOf(seedNetwork(1), 1e18, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := SecurityOf(seedNetwork(1), 0, Attack51{Days: 1}); err == nil {
		t.Error("zero hashrate accepted")
	}
}
