package sim

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashfall/hashfall/economics"
)

// DayOutcome is what VisitPaths shows of one path's day: the state at the
// start of the day and what the day produced.
type DayOutcome struct {
	PathDay
	// SecurityBudgetUSDPerDay is the miners' revenue that day,
	// Σ_blocks (subsidy + fees) BTC × price USD/BTC.
	SecurityBudgetUSDPerDay float64
	// AIHashrateConvertedHs is the hashrate, H/s, of every cohort that has
	// left mining for AI/HPC by this day, counted at its size when it left.
	AIHashrateConvertedHs float64
	// ConfirmationsNeeded is the confirmations_needed series' value for
	// the day: Rosenfeld's smallest z (security.Thresholds) at which an
	// attacker holding the hashrate security.attacker_budget_usd buys new
	// succeeds with probability below security.double_spend_risk
	// (SecurityModel.BudgetAttacker), against the day's running hashrate;
	// MaxConfirmationsNeeded + 1 when more than MaxConfirmationsNeeded are
	// needed, which includes every attacker share ≥ ½.
	ConfirmationsNeeded int
}

// VisitPaths runs paths [from, to) of an economic scenario one after
// another on the calling goroutine and calls visit for every day of each.
// Path i draws from PCG(o.Seed, i), as in Run, so a path's days do not
// depend on which range it was run in. It returns the blocks simulated.
func VisitPaths(ctx context.Context, s *Scenario, o Options, from, to int, visit func(path, day int, d *DayOutcome)) (int64, error) {
	if s.Kind != KindEconomic {
		return 0, fmt.Errorf("scenario %q is %s; visiting paths needs an economic scenario", s.Name, s.Kind)
	}
	o, err := o.normalize(s)
	if err != nil {
		return 0, err
	}
	if from < 0 || to > o.Paths || from > to {
		return 0, fmt.Errorf("paths [%d, %d) are outside [0, %d)", from, to, o.Paths)
	}
	w, err := newWorld(s)
	if err != nil {
		return 0, err
	}
	var blocks int64
	var out DayOutcome
	for i := from; i < to; i++ {
		if err := ctx.Err(); err != nil {
			return blocks, errors.Join(errors.New("simulation interrupted"), err)
		}
		ev := w.simulatePath(i, o, func(day int, r *dayRecord) {
			out = DayOutcome{PathDay: r.PathDay, SecurityBudgetUSDPerDay: r.securityBudgetUSDPerDay, AIHashrateConvertedHs: r.aiHsConverted, ConfirmationsNeeded: int(r.confirmationsNeeded)}
			visit(i, day, &out)
		})
		blocks += ev.blocks
	}
	return blocks, nil
}

// FleetBreakevenUSDPerPHDay is the hashprice at which the fleet that mines
// on day 0 covers its power bill, net of the pool fee:
//
//	b = Σ_c W_c·24/1000·price_c·PUE / (Σ_c H_c·(1 − pool fee)) · 10^15   USD/PH/day
//
// over the cohorts running on day 0 (W_c wall power in W before PUE, price_c
// USD/kWh, H_c in H/s). Power only: no hardware, hosting or overheads.
func FleetBreakevenUSDPerPHDay(s *Scenario) (float64, error) {
	if s.Kind != KindEconomic {
		return 0, fmt.Errorf("scenario %q is %s; it has no fleet", s.Name, s.Kind)
	}
	w, err := newWorld(s)
	if err != nil {
		return 0, err
	}
	subsidyBTC := float64(subsidySat(w.params, s.Start.Height, s.Start.Height+1)) / economics.SatPerBTC
	hp0 := hashpriceUSDPerHsDay(w.startDifficulty, subsidyBTC+s.Start.FeesPerBlockBTC, s.Start.PriceUSD)
	costUSD, hs := 0.0, 0.0
	for i := range w.fleet {
		c := &w.fleet[i]
		// buildFleet's day-0 running rule.
		if c.revenueUSDPerDay(hp0, w.poolFeeFrac) >= c.powerUSDPerDay(s.Fleet.PUE)*(1-s.Fleet.StopLossFrac) {
			costUSD += c.powerUSDPerDay(s.Fleet.PUE)
			hs += c.hashrateHs
		}
	}
	if hs == 0 {
		return 0, errors.New("no cohort runs on day 0")
	}
	return costUSD / (hs * (1 - w.poolFeeFrac)) * 1e15, nil
}
