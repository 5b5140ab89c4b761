package security

import (
	"fmt"
	"time"
)

// Scenario is one state of the network to assess: today, today after a
// hashrate drop, or a past date from the difficulty history.
type Scenario struct {
	Name              string
	Date              time.Time
	NetworkHashrateHs float64
	BlockRewardUSD    float64 // 0 when no price is known for the date
	Label             string  // where the figures come from: LIVE, SNAPSHOT, history
}

// Query is what to ask of every scenario. Exactly one of Shares and
// BudgetUSD is used: a budget buys a share by renting and by building.
type Query struct {
	Model Model
	// Risk is the merchant's accepted success probability ε.
	Risk float64
	// Shares are the attacker shares q to assess.
	Shares []float64
	// BudgetUSD, when > 0, replaces Shares by what it buys.
	BudgetUSD float64
	// Confirmations, when > 0, adds the success probability at that z
	// and the share that reaches Risk at that z.
	Confirmations int
	// Attack holds the cost inputs; its hashrate and reward come from
	// each scenario.
	Attack AttackInputs
}

// Row is one scenario × attacker share.
type Row struct {
	Scenario          string     `json:"scenario"`
	Date              *time.Time `json:"date,omitempty"`
	NetworkHashrateHs float64    `json:"network_hashrate_hs"`
	Funding           string     `json:"funding,omitempty"`
	Model             Model      `json:"model"`
	Risk              float64    `json:"risk"`
	// ConfirmationsNeeded is absent for q ≥ 0.5, when no wait suffices.
	ConfirmationsNeeded *int     `json:"confirmations_needed,omitempty"`
	Confirmations       *int     `json:"confirmations,omitempty"`
	SuccessProbability  *float64 `json:"success_probability,omitempty"`
	ShareNeededAtZ      *float64 `json:"share_needed_at_z,omitempty"`
	AttackCost
	Label string `json:"label"`
}

// Assess answers q for every scenario: the confirmations needed against
// each attacker share, the probability at q.Confirmations, and the rent
// and build cost of holding that share for q.Attack.Hours hours.
func Assess(scenarios []Scenario, q Query) ([]Row, error) {
	if len(q.Shares) == 0 && q.BudgetUSD <= 0 {
		return nil, fmt.Errorf("give attacker shares or a budget")
	}
	var rows []Row
	for _, sc := range scenarios {
		in := q.Attack
		in.NetworkHashrateHs, in.BlockRewardUSD = sc.NetworkHashrateHs, sc.BlockRewardUSD
		type share struct {
			q       float64
			funding string
		}
		var shares []share
		if q.BudgetUSD > 0 {
			for _, rent := range []bool{true, false} {
				s, err := ShareForBudget(in, q.BudgetUSD, rent)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", sc.Name, err)
				}
				shares = append(shares, share{s, map[bool]string{true: "rent", false: "build"}[rent]})
			}
		} else {
			for _, s := range q.Shares {
				shares = append(shares, share{s, ""})
			}
		}
		for _, sh := range shares {
			r := Row{Scenario: sc.Name, NetworkHashrateHs: sc.NetworkHashrateHs, Funding: sh.funding, Model: q.Model, Risk: q.Risk, Label: sc.Label}
			if !sc.Date.IsZero() {
				d := sc.Date
				r.Date = &d
			}
			if sh.q < 0.5 {
				z, err := q.Model.ConfirmationsNeeded(sh.q, q.Risk)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", sc.Name, err)
				}
				r.ConfirmationsNeeded = &z
			}
			if q.Confirmations > 0 {
				z := q.Confirmations
				p, err := q.Model.P(sh.q, z)
				if err != nil {
					return nil, err
				}
				need, err := q.Model.ShareNeeded(z, q.Risk)
				if err != nil {
					return nil, err
				}
				r.Confirmations, r.SuccessProbability, r.ShareNeededAtZ = &z, &p, &need
			}
			if sh.q > 0 {
				c, err := CostOf(in, sh.q)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", sc.Name, err)
				}
				r.AttackCost = c
			} else {
				r.AttackCost = AttackCost{Hours: in.Hours}
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// DefaultShares are the attacker shares of the total hashrate that
// `hashfall security` and serve assess by default: 10%, 30% and 45%.
var DefaultShares = []float64{0.10, 0.30, 0.45}

// DefaultRisk is the accepted double-spend success probability ε, 0.1%.
const DefaultRisk = 0.001

// DefaultAttack is `hashfall security`'s cost inputs when no flag is
// given: a 24-hour attack, hashrate rented at 50 USD per PH/s per day for
// up to 5% of the network, a fleet built at 15 USD per TH/s and powered at
// 0.05 USD/kWh. Every price is ASSUMED (no market feed is read); the
// fleet's J/TH comes from the caller (the catalog's best efficiency).
func DefaultAttack(joulesPerTH float64) AttackInputs {
	return AttackInputs{Hours: 24, RentUSDPerPHDay: 50, RentableShare: 0.05, ASICUSDPerTH: 15,
		JoulesPerTH: joulesPerTH, PowerUSDPerKWh: 0.05}
}

// AssumedLabel is the suffix every assessed row's label carries, naming
// the ASSUMED inputs; efficiency says where the J/TH came from, such as
// "17.0 J/TH (Bitmain S21)".
func (in AttackInputs) AssumedLabel(efficiency string) string {
	return fmt.Sprintf(" | ASSUMED: rent %g USD/PH/day for up to %g%% of the network; build %g USD/TH at %s, power %g USD/kWh",
		in.RentUSDPerPHDay, 100*in.RentableShare, in.ASICUSDPerTH, efficiency, in.PowerUSDPerKWh)
}
