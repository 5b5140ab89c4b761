package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
	"github.com/hashfall/hashfall/security"
)

// MaxConfirmationsNeeded caps the confirmations_needed series: a budget
// attacker needing more (near half the hashrate) is recorded as 1001.
const MaxConfirmationsNeeded = 1000

// world is what every path of a scenario shares, computed once.
type world struct {
	s                   *Scenario
	params              *chaincfg.Params
	startBits           uint32
	startDifficulty     float64
	fleet               []cohort // day-0 cohorts; each path copies them
	poolFeeFrac         float64
	entry               hardware.Model
	barrierUSDPerPH     float64
	attackUSDPerTH      float64 // price of new hashrate for a 51% build
	budgetAttackerHs    float64 // what security.attacker_budget_usd builds
	confirmations       *security.Thresholds
	recoveryUSDPerPHDay float64
}

// hashpriceUSDPerHsDay is the expected revenue of 1 H/s for a day:
//
//	hashprice = 86400 s / (D·2^32 H/block) · (subsidy + fees) BTC/block · P USD/BTC
func hashpriceUSDPerHsDay(difficulty, rewardBTC, priceUSD float64) float64 {
	return secondsPerDay / (difficulty * economics.HashesPerDifficulty) * rewardBTC * priceUSD
}

func newWorld(s *Scenario) (*world, error) {
	p := &chaincfg.MainNetParams
	bits, err := bitsForDifficulty(p, s.Start.Difficulty)
	if err != nil {
		return nil, fmt.Errorf("start.difficulty: %v", err)
	}
	w := &world{s: s, params: p, startBits: bits}
	c := newChain(p, EngineBlock, nil, s.Start.Height, bits)
	w.startDifficulty = c.difficulty
	if s.Kind == KindExogenous {
		return w, nil
	}
	subsidyBTC := float64(subsidySat(p, s.Start.Height, s.Start.Height+1)) / economics.SatPerBTC
	hp0 := hashpriceUSDPerHsDay(w.startDifficulty, subsidyBTC+s.Start.FeesPerBlockBTC, s.Start.PriceUSD)
	w.poolFeeFrac = s.Fleet.PoolFeePct / 100
	w.fleet, err = buildFleet(&s.Fleet, economics.ImpliedHashrateHs(w.startDifficulty), hp0)
	if err != nil {
		return nil, err
	}
	if s.Entry.Enabled {
		// validate checked the model and its price.
		w.entry, _ = catalogModel(s.Entry.Model)
		usdPerTH, _ := hardwareUSDPerTH(s.Entry.HardwareUSDPerTH, w.entry)
		w.barrierUSDPerPH = entryBarrierUSDPerPHDay(&s.Entry, w.entry, usdPerTH, s.Fleet.PUE)
	}
	attack := hardware.Default().ByEfficiency()[0]
	if s.Security.AttackModel != "" {
		attack, _ = catalogModel(s.Security.AttackModel)
	}
	w.attackUSDPerTH, _ = hardwareUSDPerTH(s.Security.HardwareUSDPerTH, attack)
	budget, risk := s.Security.BudgetAttacker()
	if w.attackUSDPerTH > 0 {
		w.budgetAttackerHs = budget / w.attackUSDPerTH * 1e12
	}
	if w.confirmations, err = security.NewThresholds(risk, MaxConfirmationsNeeded); err != nil {
		return nil, fmt.Errorf("security.double_spend_risk: %v", err)
	}
	w.recoveryUSDPerPHDay = s.Events.RecoveryUSDPerPHDay
	if w.recoveryUSDPerPHDay == 0 {
		w.recoveryUSDPerPHDay = hp0 * 1e15
	}
	return w, nil
}

// dayRecord is one path's state at the start of a day and what happened
// during it.
type dayRecord struct {
	PathDay
	blockTimeS              float64 // 86400 s / blocks mined that day (86400 if none)
	underwaterShare         float64 // share of installed hashrate whose revenue < power cost
	tierHs                  [4]float64
	securityBudgetUSDPerDay float64 // blocks × (subsidy+fees) × price for the day
	build51USD              float64 // honest hashrate bought new: H/10^12 · USD/TH
	rent51USDPerDay         float64 // honest hashrate rented for a day at hashprice × (1+premium)
	confirmationsNeeded     float64 // Rosenfeld's z for the budget attacker's share at the risk
	salesBTCPerDay          float64
	aiMWConverted           float64 // site MW converted to AI/HPC so far (hashrate gone)
	aiMWOnline              float64 // converted MW whose conversion delay has passed
	aiCapexUSD              float64 // conversion capex spent so far
	aiHsConverted           float64 // hashrate of the cohorts converted to AI so far, H/s
}

// pathEvents are one path's event flags over the horizon.
type pathEvents struct {
	maxFallPct    float64 // largest single-adjustment difficulty fall, %
	minHashrateHs float64
	recoveryDays  int // days from the first dip (DipPct below the recovery hashprice) to the first day back at it; 0 if no dip, −1 if never back
	blocks        int64
}

// simulatePath runs path number idx of an economic scenario and calls
// visit for each day 0..horizon−1.
func (w *world) simulatePath(idx int, o Options, visit func(day int, r *dayRecord)) pathEvents {
	s := w.s
	src := rand.NewPCG(o.Seed, uint64(idx))
	rng := rand.New(src)
	ch := newChain(w.params, o.Engine, src, s.Start.Height, w.startBits)
	price := newPriceProcess(s, rng)
	fleet := append([]cohort(nil), w.fleet...)
	arrivals := make([]float64, o.HorizonDays+s.Entry.LeadTimeDays+1)
	pipelineHs := 0.0
	triggerDays := 0
	reservesBTC := s.Sales.ReservesBTC
	var conversions []conversion
	pue := s.Fleet.PUE
	ev := pathEvents{minHashrateHs: math.Inf(1)}
	dippedOn := -1
	prevRunningHs := 0.0
	var rec dayRecord
	for day := 0; day < o.HorizonDays; day++ {
		if day > 0 {
			price.step()
		}
		p := price.price()
		fees := s.Start.FeesPerBlockBTC
		if day > 0 {
			fees = feesPerBlockBTC(&s.Fees, s.Start.FeesPerBlockBTC, s.Start.PriceUSD, p, rng)
		}
		subsidyBTC := float64(subsidySat(w.params, ch.height, ch.height+1)) / economics.SatPerBTC
		hp := hashpriceUSDPerHsDay(ch.difficulty, subsidyBTC+fees, p)

		// Deliveries of new machines ordered LeadTimeDays ago.
		if a := arrivals[day]; a > 0 {
			pipelineHs -= a
			fleet = deliver(fleet, w.entry, a, s.Entry.PowerUSDPerKWh, day)
		}

		// Run-through: with the next retarget close, a cohort judges its
		// revenue at the difficulty that retarget is projected to set.
		runThrough, difficultyRatio := false, 1.0
		if n := s.Fleet.RunThroughRetargetDays; n > 0 && prevRunningHs > 0 {
			next, daysLeft := projectedRetarget(ch, prevRunningHs)
			runThrough, difficultyRatio = daysLeft <= float64(n), ch.difficulty/next
		}
		rec = dayRecord{}
		installedHs, underwaterHs, runningHs, marginUSD := 0.0, 0.0, 0.0, 0.0
		for i := range fleet {
			c := &fleet[i]
			if c.gone {
				continue
			}
			rev := c.revenueUSDPerDay(hp, w.poolFeeFrac)
			cost := c.powerUSDPerDay(pue)
			if c.aiEligible && s.AI.RevenueUSDPerKWh > 0 {
				// Mining revenue per kWh the site would earn: revenue / (P_W·PUE·24/1000).
				miningUSDPerKWh := rev / (c.powerW * pue * 24 / 1000)
				if s.AI.RevenueUSDPerKWh >= s.AI.Factor*miningUSDPerKWh {
					c.aiDays++
				} else {
					c.aiDays = 0
				}
				if c.aiDays >= max(s.AI.ForDays, 1) {
					c.gone = true
					conversions = append(conversions, conversion{day: day, mw: c.powerW * pue / 1e6, hs: c.hashrateHs})
					continue
				}
			}
			c.ageDays++
			if (s.Fleet.MaxAgeDays > 0 && c.ageDays > s.Fleet.MaxAgeDays) ||
				(!c.running && !c.stranded && s.Fleet.RetireAfterOffDays > 0 && day-c.offSince > s.Fleet.RetireAfterOffDays) {
				c.gone = true
				continue
			}
			// Hysteresis: stop below cost·(1−stop loss); restart above
			// cost·(1+margin) once the restart delay has passed.
			if day < c.runUntilDay {
				c.running = true
			} else if c.running && rev < cost*(1-s.Fleet.StopLossFrac) &&
				!(runThrough && rev*difficultyRatio >= cost*(1-s.Fleet.StopLossFrac)) {
				c.running, c.offSince = false, day
				// Machines less efficient than the scrap threshold are
				// sold or scrapped when they stop, not mothballed.
				if t := s.Fleet.RetireAboveJPerTH; t > 0 && c.joulesPerTH > t {
					c.gone = true
					continue
				}
			} else if !c.running && day-c.offSince >= s.Fleet.RestartDelayDays && rev > cost*(1+s.Fleet.RestartMarginFrac) {
				c.running = true
			}
			installedHs += c.hashrateHs
			if rev < cost {
				underwaterHs += c.hashrateHs
			}
			if c.running {
				runningHs += c.hashrateHs
				rec.tierHs[c.tier] += c.hashrateHs
				marginUSD += rev - cost
			}
		}

		// Entry: order capacity while the hashprice stays above the barrier.
		if s.Entry.Enabled {
			hpPH := hp * 1e15
			if hpPH > w.barrierUSDPerPH {
				triggerDays++
			} else {
				triggerDays = 0
			}
			if triggerDays >= s.Entry.TriggerDays && runningHs > 0 {
				// Once difficulty catches up with the hashrate, hashprice is
				// ∝ 1/H at a given reward and price, so the hashrate that
				// brings today's hashprice down to b is H_D·h/b, H_D = D·2^32/600
				// the hashrate today's difficulty stands for.
				needed := economics.ImpliedHashrateHs(ch.difficulty)*hpPH/w.barrierUSDPerPH - runningHs - pipelineHs
				if order := math.Min(needed, s.Entry.CapacityHsPerDay); order > 0 {
					arrivals[day+s.Entry.LeadTimeDays] += order
					pipelineHs += order
				}
			}
		}

		prevRunningHs = runningHs
		startHeight, startDifficulty := ch.height, ch.difficulty
		nEvents := len(ch.events)
		blocks := ch.advance(secondsPerDay, runningHs)
		for _, e := range ch.events[nEvents:] {
			if fall := (1 - e.newDifficulty/e.oldDifficulty) * 100; fall > ev.maxFallPct {
				ev.maxFallPct = fall
			}
		}
		ch.events = ch.events[:0]
		ev.blocks += blocks
		productionBTC := (float64(subsidySat(w.params, startHeight, ch.height)) + float64(blocks)*fees*economics.SatPerBTC) / economics.SatPerBTC

		soldBTC := s.Sales.ProductionShare * productionBTC
		if marginUSD < 0 {
			soldBTC += s.Sales.ReserveShareWhenNegative * reservesBTC
		}
		reservesBTC = math.Max(0, reservesBTC+productionBTC-soldBTC)
		if fb := s.Sales.FeedbackPctPer1000BTC; fb > 0 {
			price.shock(-fb / 100 * soldBTC / 1000)
		}

		rec.PathDay = PathDay{PriceUSD: p, Difficulty: startDifficulty, HashrateHs: runningHs, HashpriceUSDPerPHDay: hp * 1e15, FeesPerBlockBTC: fees}
		rec.blockTimeS = secondsPerDay / math.Max(float64(blocks), 1)
		if installedHs > 0 {
			rec.underwaterShare = underwaterHs / installedHs
		}
		rec.securityBudgetUSDPerDay = productionBTC * p
		rec.build51USD = runningHs / 1e12 * w.attackUSDPerTH
		rec.rent51USDPerDay = runningHs * hp * (1 + s.Security.RentPremiumPct/100)
		rec.confirmationsNeeded = float64(w.confirmations.Confirmations(w.budgetAttackerHs / (runningHs + w.budgetAttackerHs)))
		rec.salesBTCPerDay = soldBTC
		for _, cv := range conversions {
			rec.aiMWConverted += cv.mw
			rec.aiHsConverted += cv.hs
			if day-cv.day >= s.AI.DelayDays {
				rec.aiMWOnline += cv.mw
			}
		}
		rec.aiCapexUSD = rec.aiMWConverted * s.AI.CapexUSDPerMW
		if visit != nil {
			visit(day, &rec)
		}

		if runningHs < ev.minHashrateHs {
			ev.minHashrateHs = runningHs
		}
		hpPH := hp * 1e15
		switch {
		case dippedOn < 0 && hpPH < w.recoveryUSDPerPHDay*(1-s.Events.DipPct/100):
			dippedOn = day
			ev.recoveryDays = -1
		case dippedOn >= 0 && ev.recoveryDays < 0 && hpPH >= w.recoveryUSDPerPHDay:
			ev.recoveryDays = day - dippedOn
		}
	}
	return ev
}

// conversion is a site's move to AI/HPC: its mining stops on day, its AI
// load comes online DelayDays later.
type conversion struct {
	day int
	mw  float64
	hs  float64 // the site's hashrate when it stopped mining, H/s
}

// deliver adds newly delivered machines. Deliveries within 30 days of an
// entry cohort join it, which keeps the cohort count bounded by the
// horizon/30 while the age error stays under a month.
func deliver(fleet []cohort, m hardware.Model, hs, usdPerKWh float64, day int) []cohort {
	for i := range fleet {
		c := &fleet[i]
		if c.vintage >= 0 && !c.gone && day-c.vintage < 30 && c.usdPerKWh == usdPerKWh {
			c.hashrateHs += hs
			c.powerW = c.hashrateHs / 1e12 * c.joulesPerTH
			return fleet
		}
	}
	c := newCohort(m, hs, usdPerKWh, false, 0)
	c.vintage = day
	return append(fleet, c)
}

// projectedRetarget returns the difficulty the next retarget would set if
// the rest of the epoch were mined at hs, and the days until it:
//
//	t_left  = (blocks to the epoch's last block) · D·2^32 / hs          s
//	span    = clamp(t_now + t_left − t_first, 302400, 4838400)         s
//	D_next  = D · 1209600 / span
//
// t_first is the epoch's first block's timestamp (t_now if the epoch has
// not begun). This is the consensus retarget without compact rounding.
func projectedRetarget(ch *chain, hs float64) (nextDifficulty, daysLeft float64) {
	last := ch.height - ch.height%retargetInterval + retargetInterval - 1
	tLeft := float64(last-ch.height+1) * ch.hashesPerBlock / hs
	first := float64(ch.epochFirstTS)
	if ch.height%retargetInterval == 0 {
		first = ch.timeS
	}
	const targetS = retargetInterval * 600.0
	span := math.Min(math.Max(ch.timeS+tLeft-first, targetS/4), targetS*4)
	return ch.difficulty * targetS / span, tLeft / secondsPerDay
}
