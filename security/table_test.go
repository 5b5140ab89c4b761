package security

import (
	"math"
	"testing"
)

func TestAssessSharesAndBudget(t *testing.T) {
	today := Scenario{Name: "today", NetworkHashrateHs: 900e18, BlockRewardUSD: 2e5, Label: "SNAPSHOT"}
	dropped := today
	dropped.Name, dropped.NetworkHashrateHs = "today −12%", 900e18*0.88
	q := Query{Model: Rosenfeld, Risk: 0.001, Shares: []float64{0.1, 0.3, 0.45, 0.6}, Confirmations: 6, Attack: costIn}
	rows, err := Assess([]Scenario{today, dropped}, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 {
		t.Fatalf("%d rows", len(rows))
	}
	// The paper-checked figures come through: 6, 32 and 539 confirmations
	// for 10 %, 30 % and 45 % at ε = 0.1 % (TestRosenfeldConfirmationsForPBelow0001).
	for i, want := range []int{6, 32, 539} {
		if rows[i].ConfirmationsNeeded == nil || *rows[i].ConfirmationsNeeded != want {
			t.Errorf("row %d: %v confirmations, want %d", i, rows[i].ConfirmationsNeeded, want)
		}
	}
	if rows[3].ConfirmationsNeeded != nil {
		t.Error("a 60% attacker has a finite confirmation count")
	}
	// Confirmations needed depend on the share alone; the cost of the same
	// share falls with the hashrate, by exactly 12 %.
	for i := 0; i < 3; i++ {
		a, b := rows[i], rows[i+4]
		if *a.ConfirmationsNeeded != *b.ConfirmationsNeeded {
			t.Errorf("share %g: %d vs %d confirmations", a.AttackerShare, *a.ConfirmationsNeeded, *b.ConfirmationsNeeded)
		}
		if math.Abs(b.BuildTotalUSD/a.BuildTotalUSD-0.88) > 1e-12 {
			t.Errorf("share %g: build cost ratio %g after a 12%% drop", a.AttackerShare, b.BuildTotalUSD/a.BuildTotalUSD)
		}
	}
	if p := *rows[0].SuccessProbability; math.Abs(p-mustP(Rosenfeld, 0.1, 6)) > 0 {
		t.Errorf("P(0.1, 6) = %g", p)
	}
	// A fixed budget buys a larger share of a smaller network.
	q.Shares, q.BudgetUSD = nil, 1e9
	rows, err = Assess([]Scenario{today, dropped}, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[1].Funding != "build" || !(rows[3].AttackerShare > rows[1].AttackerShare) {
		t.Fatalf("budget rows: %+v", rows)
	}
	if math.Abs(rows[1].BuildTotalUSD-1e9) > 1 {
		t.Errorf("a 1e9 USD budget builds %g USD", rows[1].BuildTotalUSD)
	}
}

func mustP(m Model, q float64, z int) float64 {
	p, err := m.P(q, z)
	if err != nil {
		panic(err)
	}
	return p
}
