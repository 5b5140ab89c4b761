package security

import (
	"fmt"
	"math"
)

// blocksPerHour is the block rate the difficulty targets.
const blocksPerHour = 6

// AttackInputs describe the network and the attacker's two ways to get
// hashrate. Everything not measured is the caller's ASSUMED input.
type AttackInputs struct {
	// NetworkHashrateHs is the honest hashrate H in H/s.
	NetworkHashrateHs float64
	// Hours is how long the attack runs.
	Hours float64
	// RentUSDPerPHDay is the hashrate marketplace price (ASSUMED).
	RentUSDPerPHDay float64
	// RentableShare is the fraction of H that the market can rent out
	// at that price (ASSUMED).
	RentableShare float64
	// ASICUSDPerTH is new hardware's price per TH/s (catalog or input).
	ASICUSDPerTH float64
	// JoulesPerTH is the built fleet's efficiency.
	JoulesPerTH float64
	// PowerUSDPerKWh is the built fleet's power price.
	PowerUSDPerKWh float64
	// BlockRewardUSD is subsidy plus fees per block, in USD.
	BlockRewardUSD float64
}

// AttackCost is what an attacker holding share q of the total hashrate
// pays for an attack of Hours hours, and the block rewards at stake.
type AttackCost struct {
	AttackerShare      float64 `json:"attacker_share"`
	AttackerHashrateHs float64 `json:"attacker_hashrate_hs"`
	Hours              float64 `json:"hours"`
	RentUSD            float64 `json:"rent_usd"`
	// RentAvailable is false when the hashrate needed exceeds what the
	// market can rent (RentableShare · H).
	RentAvailable    bool    `json:"rent_available"`
	BuildHardwareUSD float64 `json:"build_hardware_usd"`
	BuildEnergyUSD   float64 `json:"build_energy_usd"`
	BuildTotalUSD    float64 `json:"build_total_usd"`
	AttackerBlocks   float64 `json:"attacker_blocks"`
	RewardsUSD       float64 `json:"rewards_usd"`
}

func (in AttackInputs) validate() error {
	if !(in.NetworkHashrateHs > 0) || math.IsInf(in.NetworkHashrateHs, 0) {
		return fmt.Errorf("network hashrate must be > 0 H/s, got %g", in.NetworkHashrateHs)
	}
	if !(in.Hours > 0) || math.IsInf(in.Hours, 0) {
		return fmt.Errorf("hours must be > 0, got %g", in.Hours)
	}
	for name, v := range map[string]float64{
		"rent USD/PH/day": in.RentUSDPerPHDay, "ASIC USD/TH": in.ASICUSDPerTH,
		"J/TH": in.JoulesPerTH, "power USD/kWh": in.PowerUSDPerKWh, "block reward USD": in.BlockRewardUSD,
	} {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s must be ≥ 0, got %g", name, v)
		}
	}
	if !(in.RentableShare >= 0 && in.RentableShare <= 1) {
		return fmt.Errorf("rentable share %g not in [0, 1]", in.RentableShare)
	}
	return nil
}

// CostOf prices an attacker who holds share q ∈ (0, 1) of the total once
// it joins. Against honest hashrate H it needs
//
//	H_a = H · q / (1 − q)                                   H/s
//
// Renting it for h hours costs H_a[PH/s] · USD/PH/day · h/24, possible only
// when H_a ≤ RentableShare · H. Building it costs
//
//	hardware = H_a[TH/s] · USD/TH
//	energy   = H_a[TH/s] · J/TH · h / 1000 · USD/kWh        (W·h/1000 = kWh)
//
// At the difficulty H set, the attacker's chain grows by 6 · h · H_a/H
// blocks; their rewards (BlockRewardUSD each) are what it earns if its chain
// wins, and what it forgoes by not mining honestly if it loses.
func CostOf(in AttackInputs, q float64) (AttackCost, error) {
	if err := in.validate(); err != nil {
		return AttackCost{}, err
	}
	if !(q > 0 && q < 1) {
		return AttackCost{}, fmt.Errorf("attacker share %g not in (0, 1)", q)
	}
	ha := in.NetworkHashrateHs * q / (1 - q)
	th := ha / 1e12
	c := AttackCost{
		AttackerShare:      q,
		AttackerHashrateHs: ha,
		Hours:              in.Hours,
		RentUSD:            ha / 1e15 * in.RentUSDPerPHDay * in.Hours / 24,
		RentAvailable:      ha <= in.RentableShare*in.NetworkHashrateHs,
		BuildHardwareUSD:   th * in.ASICUSDPerTH,
		BuildEnergyUSD:     th * in.JoulesPerTH * in.Hours / 1000 * in.PowerUSDPerKWh,
		AttackerBlocks:     blocksPerHour * in.Hours * ha / in.NetworkHashrateHs,
	}
	c.BuildTotalUSD = c.BuildHardwareUSD + c.BuildEnergyUSD
	c.RewardsUSD = c.AttackerBlocks * in.BlockRewardUSD
	for _, v := range []float64{c.AttackerHashrateHs, c.RentUSD, c.BuildTotalUSD, c.AttackerBlocks, c.RewardsUSD} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return AttackCost{}, fmt.Errorf("attack cost overflows float64: inputs too large (%+v)", in)
		}
	}
	return c, nil
}

// ShareForBudget is the share q a budget of budgetUSD buys for an attack of
// in.Hours hours, renting (rent = true) or building. Renting buys
// H_a = B / (USD/PH/day · h/24) PH/s, capped at RentableShare · H;
// building buys H_a = B / (USD/TH + J/TH · h/1000 · USD/kWh) TH/s. Then
// q = H_a / (H + H_a).
func ShareForBudget(in AttackInputs, budgetUSD float64, rent bool) (float64, error) {
	if err := in.validate(); err != nil {
		return 0, err
	}
	if !(budgetUSD >= 0) || math.IsInf(budgetUSD, 0) {
		return 0, fmt.Errorf("budget must be ≥ 0 USD, got %g", budgetUSD)
	}
	var ha float64
	if rent {
		perPH := in.RentUSDPerPHDay * in.Hours / 24
		if perPH <= 0 {
			return 0, fmt.Errorf("rent price must be > 0 USD/PH/day")
		}
		ha = math.Min(budgetUSD/perPH*1e15, in.RentableShare*in.NetworkHashrateHs)
	} else {
		perTH := in.ASICUSDPerTH + in.JoulesPerTH*in.Hours/1000*in.PowerUSDPerKWh
		if perTH <= 0 {
			return 0, fmt.Errorf("build cost per TH must be > 0 USD")
		}
		ha = budgetUSD / perTH * 1e12
	}
	q := ha / (in.NetworkHashrateHs + ha)
	if math.IsNaN(q) || q >= 1 {
		return 0, fmt.Errorf("a budget of %g USD buys more than the whole network's hashrate", budgetUSD)
	}
	return q, nil
}
