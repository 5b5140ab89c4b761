package economics

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hashfall/hashfall/hardware"
)

// CBECI's power usage effectiveness for the lower, best-guess and upper
// bounds.
const (
	PUELower = 1.01
	PUEBest  = 1.10
	PUEUpper = 1.20
)

// hoursPerYear converts GW to TWh/yr: 1 GW for 8760 h is 8.76 TWh.
const hoursPerYear = 8760.0

// EnergyEstimate is a CBECI-style estimate of the network's power draw.
type EnergyEstimate struct {
	Date             time.Time `json:"date"`
	HashrateHs       float64   `json:"hashrate_hs"`
	PowerUSDPerKWh   float64   `json:"power_usd_per_kwh"`
	ThresholdJPerTH  float64   `json:"threshold_j_per_th"`
	ProfitableModels int       `json:"profitable_models"`
	// NoneProfitable is set when no model released by Date beats the
	// threshold; the bounds then use the most efficient model alone.
	NoneProfitable bool    `json:"none_profitable"`
	LowerJPerTH    float64 `json:"lower_j_per_th"`
	BestJPerTH     float64 `json:"best_j_per_th"`
	UpperJPerTH    float64 `json:"upper_j_per_th"`
	LowerGW        float64 `json:"lower_gw"`
	BestGW         float64 `json:"best_gw"`
	UpperGW        float64 `json:"upper_gw"`
	LowerTWhPerYr  float64 `json:"lower_twh_per_yr"`
	BestTWhPerYr   float64 `json:"best_twh_per_yr"`
	UpperTWhPerYr  float64 `json:"upper_twh_per_yr"`
}

// ProfitabilityThresholdJPerTH is the least efficient hardware that still
// covers its power bill. One TH/s at e J/TH draws e W, e·24/1000 kWh a day
// costing e·0.024·c USD, against a revenue of the hashprice h (USD per
// TH/s per day), so
//
//	threshold = h / (0.024 · c)                    J/TH
//
// with c the power price in USD/kWh.
func ProfitabilityThresholdJPerTH(n Network, powerUSDPerKWh float64) float64 {
	usdPerTHDay := n.HashpriceUSDPerPHDay() / 1000
	return usdPerTHDay / (0.024 * powerUSDPerKWh)
}

// Energy estimates the network's power the way the Cambridge Bitcoin
// Electricity Consumption Index does: the profitable set is every catalog
// model released by date whose J/TH is at or below the threshold; the
// whole hashrate H runs on the most efficient of them (lower bound), on
// their plain mean (best guess) or on the least efficient (upper bound),
// times the PUE of each bound:
//
//	P = H[TH/s] · e[J/TH] · PUE / 1e9             GW
//	E = P · 8760 h / 1000                         TWh/yr
func Energy(n Network, hashrateHs float64, date time.Time, powerUSDPerKWh float64, cat *hardware.Catalog) (EnergyEstimate, error) {
	if !(powerUSDPerKWh > 0) || math.IsInf(powerUSDPerKWh, 0) {
		return EnergyEstimate{}, fmt.Errorf("power cost must be > 0 USD/kWh, got %g", powerUSDPerKWh)
	}
	if !(hashrateHs > 0) {
		return EnergyEstimate{}, fmt.Errorf("hashrate must be > 0 H/s, got %g", hashrateHs)
	}
	e := EnergyEstimate{Date: date, HashrateHs: hashrateHs, PowerUSDPerKWh: powerUSDPerKWh,
		ThresholdJPerTH: ProfitabilityThresholdJPerTH(n, powerUSDPerKWh)}
	var released []float64
	var sum float64
	e.LowerJPerTH, e.UpperJPerTH = math.Inf(1), math.Inf(-1)
	best := math.Inf(1)
	for _, m := range cat.Models {
		if m.Released.After(date) {
			continue
		}
		j := m.JoulesPerTH()
		best = min(best, j)
		if j <= e.ThresholdJPerTH {
			released = append(released, j)
			sum += j
			e.LowerJPerTH, e.UpperJPerTH = min(e.LowerJPerTH, j), max(e.UpperJPerTH, j)
		}
	}
	if math.IsInf(best, 1) {
		return EnergyEstimate{}, errors.New("no catalog model was released by " + date.Format(time.DateOnly))
	}
	e.ProfitableModels = len(released)
	if len(released) == 0 {
		e.NoneProfitable = true
		e.LowerJPerTH, e.UpperJPerTH, sum = best, best, best
		released = []float64{best}
	}
	e.BestJPerTH = sum / float64(len(released))
	th := hashrateHs / 1e12
	e.LowerGW = th * e.LowerJPerTH * PUELower / 1e9
	e.BestGW = th * e.BestJPerTH * PUEBest / 1e9
	e.UpperGW = th * e.UpperJPerTH * PUEUpper / 1e9
	e.LowerTWhPerYr = e.LowerGW * hoursPerYear / 1000
	e.BestTWhPerYr = e.BestGW * hoursPerYear / 1000
	e.UpperTWhPerYr = e.UpperGW * hoursPerYear / 1000
	return e, nil
}
