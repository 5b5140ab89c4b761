package sim

import (
	"fmt"
	"math"

	"github.com/hashfall/hashfall/hardware"
)

func catalogModel(name string) (hardware.Model, error) {
	m, err := hardware.Default().Lookup(name)
	if err != nil {
		return hardware.Model{}, err
	}
	if !(m.HashrateTHs > 0) || !(m.PowerW > 0) {
		return hardware.Model{}, fmt.Errorf("catalog model %q has no hashrate or power", name)
	}
	return m, nil
}

// tierNames name hardware.EfficiencyTier's tiers in the hashrate-by-tier
// metric names.
var tierNames = [hardware.EfficiencyTierCount]string{"lt20", "20to25", "25to30", "gt30"}

// cohort is a block of identical machines paying one power price.
type cohort struct {
	model       string
	hashrateHs  float64
	powerW      float64 // at the wall before PUE
	joulesPerTH float64
	usdPerKWh   float64
	tier        int
	aiEligible  bool

	running  bool
	offSince int // day the cohort last stopped
	ageDays  int
	aiDays   int // consecutive days the AI rule has held
	gone     bool
	vintage  int // day an entry cohort was first delivered; −1 for the day-0 fleet
	// stranded cohorts (fleet.stranded) are never retired for days off.
	stranded bool
	// runUntilDay: the cohort runs whatever its margin before this day
	// (fleet.contracted_days); 0 for none.
	runUntilDay int
}

// powerUSDPerDay is a cohort's power bill per day:
//
//	cost = P_W · 24 h / 1000 · price_USD/kWh · PUE      (USD/day)
func (c *cohort) powerUSDPerDay(pue float64) float64 {
	return c.powerW * 24 / 1000 * c.usdPerKWh * pue
}

// revenueUSDPerDay is a cohort's expected revenue per day at a hashprice
// in USD per (H/s)·day, net of the pool fee:
//
//	revenue = H · hashprice · (1 − pool fee)            (USD/day)
func (c *cohort) revenueUSDPerDay(usdPerHsDay, poolFeeFrac float64) float64 {
	return c.hashrateHs * usdPerHsDay * (1 - poolFeeFrac)
}

// buildFleet turns the scenario's fleet into cohorts and returns them with
// the installed hashrate scaled so that the cohorts running on day 0 add up
// to runningHs (the hashrate implied by the start difficulty unless
// fleet.hashrate_hs fixes the installed total).
func buildFleet(f *FleetModel, runningHs, usdPerHsDay float64) ([]cohort, error) {
	var sites, generic []cohort
	sitesHs := 0.0
	for _, s := range f.Sites {
		m, err := catalogModel(s.Model)
		if err != nil {
			return nil, err
		}
		hs := s.MW * 1e6 / m.JoulesPerTH() * 1e12
		sites = append(sites, newCohort(m, hs, s.USDPerKWh, s.AIEligible, s.AgeDays))
		sitesHs += hs
	}
	contracted := 0.0
	if f.ContractedDays > 0 {
		contracted = f.ContractedShare
	}
	for _, mix := range f.Mix {
		m, err := catalogModel(mix.Model)
		if err != nil {
			return nil, err
		}
		for _, b := range f.PowerCost {
			share := mix.Share * b.Share
			if share == 0 {
				continue
			}
			for _, ai := range []struct {
				eligible bool
				frac     float64
			}{{true, f.AIEligibleShare}, {false, 1 - f.AIEligibleShare}} {
				if ai.frac <= 0 {
					continue
				}
				if contracted > 0 {
					k := newCohort(m, share*ai.frac*contracted, b.USDPerKWh, ai.eligible, mix.AgeDays)
					k.runUntilDay = f.ContractedDays
					generic = append(generic, k)
				}
				if contracted < 1 {
					generic = append(generic, newCohort(m, share*ai.frac*(1-contracted), b.USDPerKWh, ai.eligible, mix.AgeDays))
				}
			}
		}
	}
	if st := f.Stranded; st.Share > 0 {
		m, err := catalogModel(st.Model)
		if err != nil {
			return nil, err
		}
		c := newCohort(m, st.Share*runningHs, st.USDPerKWh, false, 0)
		c.stranded = true
		sites = append(sites, c)
		sitesHs += c.hashrateHs
	}
	// Day-0 running rule, which does not depend on the scale.
	runs := func(c *cohort) bool {
		return c.runUntilDay > 0 || c.revenueUSDPerDay(usdPerHsDay, f.PoolFeePct/100) >= c.powerUSDPerDay(f.PUE)*(1-f.StopLossFrac)
	}
	sitesRunningHs, genericRunningShare := 0.0, 0.0
	for i := range sites {
		if runs(&sites[i]) {
			sitesRunningHs += sites[i].hashrateHs
		}
	}
	for i := range generic {
		if runs(&generic[i]) {
			genericRunningShare += generic[i].hashrateHs
		}
	}
	var genericHs float64
	if f.HashrateHs > 0 {
		genericHs = f.HashrateHs - sitesHs
	} else {
		if genericRunningShare == 0 {
			return nil, fmt.Errorf("fleet: no cohort of the generic mix is profitable on day 0, so the fleet cannot be calibrated to the start difficulty; set fleet.hashrate_hs")
		}
		genericHs = (runningHs - sitesRunningHs) / genericRunningShare
	}
	if genericHs < 0 {
		return nil, fmt.Errorf("fleet: named sites (%.3g H/s) exceed the fleet's hashrate", sitesHs)
	}
	for i := range generic {
		generic[i].hashrateHs *= genericHs
		generic[i].powerW = generic[i].hashrateHs / 1e12 * generic[i].joulesPerTH
	}
	return append(sites, generic...), nil
}

func newCohort(m hardware.Model, hs, usdPerKWh float64, aiEligible bool, ageDays int) cohort {
	j := m.JoulesPerTH()
	return cohort{
		model: m.Name, hashrateHs: hs, powerW: hs / 1e12 * j, joulesPerTH: j,
		usdPerKWh: usdPerKWh, tier: hardware.EfficiencyTier(j), aiEligible: aiEligible,
		running: true, offSince: math.MinInt32 / 2, ageDays: ageDays, vintage: -1,
	}
}

// entryBarrierUSDPerPHDay is the investment threshold of the entry model:
// the hashprice at which a new machine pays back its hardware and site
// within the payback period on top of its power:
//
//	b = (capex_USD/PH)/payback_days + power_USD/PH/day
//	capex/PH = hardware_USD/TH·1000 + infra_USD/W · J/TH·1000
//	power/PH/day = J/TH·1000 W · 24 h/1000 · USD/kWh · PUE
func entryBarrierUSDPerPHDay(e *EntryModel, m hardware.Model, usdPerTH, pue float64) float64 {
	wPerPH := m.JoulesPerTH() * 1000
	capexPerPH := usdPerTH*1000 + e.InfraUSDPerW*wPerPH
	powerPerPHDay := wPerPH * 24 / 1000 * e.PowerUSDPerKWh * pue
	return capexPerPH/e.PaybackDays + powerPerPHDay
}

// hardwareUSDPerTH is the price of new hashrate, USD per TH/s: the
// scenario's figure, else the catalog model's list price per TH/s.
func hardwareUSDPerTH(scenarioUSDPerTH float64, m hardware.Model) (float64, error) {
	if scenarioUSDPerTH > 0 {
		return scenarioUSDPerTH, nil
	}
	if m.ListPriceUSD > 0 && m.HashrateTHs > 0 {
		return m.ListPriceUSD / m.HashrateTHs, nil
	}
	return 0, fmt.Errorf("catalog model %q has no list price; set hardware_usd_per_th", m.Name)
}
