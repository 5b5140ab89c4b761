package economics

import (
	"fmt"
	"math"
)

// Attack51 is the inputs to the cost of a majority attack.
type Attack51 struct {
	// ASICUSDPerTH is what new hardware costs per TH/s.
	ASICUSDPerTH float64
	// JoulesPerTH is the attacker's fleet efficiency.
	JoulesPerTH    float64
	PowerUSDPerKWh float64
	PUE            float64
	// RentUSDPerPHDay is the hashrate marketplace price, 0 if unknown.
	RentUSDPerPHDay float64
	Days            float64
}

// Security is the network's security budget and the cost to attack it.
type Security struct {
	BudgetUSDPerDay   float64 `json:"budget_usd_per_day"`
	BudgetUSDPerTHDay float64 `json:"budget_usd_per_th_day"`
	HashrateHs        float64 `json:"hashrate_hs"`
	AttackDays        float64 `json:"attack_days"`
	BuildHardwareUSD  float64 `json:"build_hardware_usd"`
	BuildEnergyUSD    float64 `json:"build_energy_usd"`
	BuildTotalUSD     float64 `json:"build_total_usd"`
	RentUSD           float64 `json:"rent_usd,omitempty"`
	AttackPowerGW     float64 `json:"attack_power_gw"`
	BudgetDaysToBuild float64 `json:"budget_days_to_build"`
}

// SecurityOf prices the network's security. The budget is what miners are
// paid a day:
//
//	budget = 144 · (subsidy + fees)[sat] / 1e8 · price        USD/day
//
// An attacker outpaces the honest chain with as much hashrate again as the
// network's H (then holding just over half of the total). Building it costs
//
//	hardware = H[TH/s] · ASIC USD/TH                          USD
//	energy   = H[TH/s] · J/TH · PUE · 24 h · days / 1000 · c  USD
//
// (W·h/1000 = kWh) and renting it, where a market existed that deep,
// rent = H[PH/s] · USD/PH/day · days.
func SecurityOf(n Network, hashrateHs float64, a Attack51) (Security, error) {
	if !(hashrateHs > 0) || math.IsInf(hashrateHs, 0) {
		return Security{}, fmt.Errorf("hashrate must be > 0 H/s, got %g", hashrateHs)
	}
	if !(a.Days > 0) || a.ASICUSDPerTH < 0 || a.JoulesPerTH < 0 || a.PowerUSDPerKWh < 0 || a.RentUSDPerPHDay < 0 {
		return Security{}, fmt.Errorf("attack inputs must be ≥ 0 and days > 0: %+v", a)
	}
	pue := a.PUE
	if pue == 0 {
		pue = 1
	}
	th := hashrateHs / 1e12
	s := Security{
		BudgetUSDPerDay:  n.SecurityBudgetUSDPerDay(),
		HashrateHs:       hashrateHs,
		AttackDays:       a.Days,
		BuildHardwareUSD: th * a.ASICUSDPerTH,
		BuildEnergyUSD:   th * a.JoulesPerTH * pue * 24 * a.Days / 1000 * a.PowerUSDPerKWh,
		RentUSD:          hashrateHs / 1e15 * a.RentUSDPerPHDay * a.Days,
		AttackPowerGW:    th * a.JoulesPerTH * pue / 1e9,
	}
	s.BudgetUSDPerTHDay = s.BudgetUSDPerDay / th
	s.BuildTotalUSD = s.BuildHardwareUSD + s.BuildEnergyUSD
	if s.BudgetUSDPerDay > 0 {
		s.BudgetDaysToBuild = s.BuildTotalUSD / s.BudgetUSDPerDay
	}
	return s, nil
}
