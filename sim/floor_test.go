package sim

import (
	"math"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/consensus"
)

// bestCostUSDPerHsDay is the lowest power cost per H/s per day any machine
// of the scenario pays: the minimum over its cohorts (mix × power tiers,
// sites, the stranded floor) and the entry model at its power price of
//
//	cost = J/TH / 10^12 · 24 h / 1000 · USD/kWh · PUE      (USD per H/s per day)
func bestCostUSDPerHsDay(w *world) float64 {
	jkWh := math.Inf(1)
	for _, c := range w.fleet {
		jkWh = min(jkWh, c.joulesPerTH*c.usdPerKWh)
	}
	if w.s.Entry.Enabled {
		jkWh = min(jkWh, w.entry.JoulesPerTH()*w.s.Entry.PowerUSDPerKWh)
	}
	return jkWh / 1e12 * 24 / 1000 * w.s.Fleet.PUE
}

// TestNoDeathAbovePowerFloor: in every built-in economic scenario, a path
// reaches zero running hashrate only on a day when, or within the restart
// delay after, the hashprice (at that day's price and difficulty) fell
// below what the cheapest-running machine needs to restart: revenue·(1 − pool fee) ≤
// cost·(1 + restart margin). Before the stranded floor (never retired for
// days off) the bear scenario kept dead paths dead after the price had
// recovered, because every machine retired while off.
func TestNoDeathAbovePowerFloor(t *testing.T) {
	for _, name := range []string{"default", "bear", "ai-pivot"} {
		s, err := LoadScenario(name)
		if err != nil {
			t.Fatal(err)
		}
		w, err := newWorld(s)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Options{Paths: 300, HorizonDays: s.HorizonDays, Seed: 1, Engine: EngineFast}.normalize(s)
		if err != nil {
			t.Fatal(err)
		}
		cost := bestCostUSDPerHsDay(w) * (1 + s.Fleet.RestartMarginFrac)
		dead, violations := 0, 0
		for idx := range o.Paths {
			lastBelow := math.MinInt32
			died := false
			w.simulatePath(idx, o, func(day int, r *dayRecord) {
				if r.HashpriceUSDPerPHDay/1e15*(1-w.poolFeeFrac) <= cost {
					lastBelow = day
				}
				if r.HashrateHs == 0 {
					died = true
					if day-lastBelow > s.Fleet.RestartDelayDays {
						if violations == 0 {
							t.Errorf("%s path %d day %d: zero hashrate at a hashprice of $%.2f/PH/day, above the cheapest-running machine's $%.2f restart level (last below on day %d)",
								name, idx, day, r.HashpriceUSDPerPHDay, cost*1e15/(1-w.poolFeeFrac), lastBelow)
						}
						violations++
					}
				}
			})
			if died {
				dead++
			}
		}
		if violations > 0 {
			t.Errorf("%s: %d dead days above the power floor", name, violations)
		}
		t.Logf("%s: network death in %d of %d paths; cheapest-running machine's restart hashprice $%.2f/PH/day", name, dead, o.Paths, cost*1e15/(1-w.poolFeeFrac))
	}
}

// TestProjectedRetargetMatchesConsensus: the run-through rule's projection
// equals consensus.NextWorkRequired on the projected timestamps (up to
// compact rounding): an epoch 592 blocks in, on schedule so far, with its
// remaining 1,424 blocks mined at half the hashrate the difficulty stands
// for (1,200 s a block).
func TestProjectedRetargetMatchesConsensus(t *testing.T) {
	p := &chaincfg.MainNetParams
	bits, err := bitsForDifficulty(p, 141.7e12)
	if err != nil {
		t.Fatal(err)
	}
	ch := newChain(p, EngineFast, nil, 934000, bits)
	hs := ch.hashesPerBlock / 1200
	next, days := projectedRetarget(ch, hs)
	first := ch.epochFirstTS
	last := int64(1424 * 1200)
	want := consensus.DifficultyFromBits(consensus.NextWorkRequired(p, bits, first, last).Bits)
	if math.Abs(next/want-1) > 1e-4 {
		t.Errorf("projected difficulty %.6g, consensus on the projected timestamps %.6g", next, want)
	}
	if math.Abs(days-float64(last)/86400) > 1e-9 {
		t.Errorf("days to the retarget %g, want %g", days, float64(last)/86400)
	}
	// At 1/10 of the rate the span passes 4× the target and the clamp holds
	// the fall to 4×.
	if next, _ := projectedRetarget(ch, ch.hashesPerBlock/6000); math.Abs(next/(ch.difficulty/4)-1) > 1e-12 {
		t.Errorf("clamped projection %g, want D/4 = %g", next, ch.difficulty/4)
	}
}
