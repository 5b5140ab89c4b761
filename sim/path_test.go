package sim

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
)

func mustScenario(t *testing.T, yaml string) *Scenario {
	t.Helper()
	s, err := ParseScenario([]byte(yaml), "test.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustWorld(t *testing.T, s *Scenario) *world {
	t.Helper()
	w, err := newWorld(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Day-0 calibration: the cohorts the running rule keeps on add up to the
// hashrate implied by the start difficulty, D·2^32/600 (≈1 ZH/s at 141.7T,
// seed 001).
func TestFleetCalibratedToStartDifficulty(t *testing.T) {
	s, _ := LoadScenario("default")
	w := mustWorld(t, s)
	var day0 dayRecord
	w.simulatePath(0, Options{HorizonDays: 1, Engine: EngineFast}, func(_ int, r *dayRecord) { day0 = *r })
	want := economics.ImpliedHashrateHs(w.startDifficulty)
	if math.Abs(day0.HashrateHs-want) > 1e-9*want {
		t.Errorf("day-0 running hashrate = %.6g H/s, want %.6g", day0.HashrateHs, want)
	}
	if day0.HashrateHs < 0.95e21 || day0.HashrateHs > 1.05e21 {
		t.Errorf("day-0 hashrate %.3g H/s is not ≈1 ZH/s (seed 001)", day0.HashrateHs)
	}
	tiers := day0.tierHs[0] + day0.tierHs[1] + day0.tierHs[2] + day0.tierHs[3]
	if math.Abs(tiers-day0.HashrateHs) > 1e-9*want {
		t.Errorf("tiers add to %.6g, want %.6g", tiers, day0.HashrateHs)
	}
	// Seed 004 quotes $34/PH/day at these numbers.
	if math.Abs(day0.HashpriceUSDPerPHDay-34) > 1.5 {
		t.Errorf("day-0 hashprice = %.2f USD/PH/day, want ≈34 (seed 004)", day0.HashpriceUSDPerPHDay)
	}
}

// A single S19 XP cohort at $0.06/kWh with a scripted crash: it must stop
// when the price falls below its shutdown price (computed independently by
// economics.Machine), stay off for the restart delay, and restart only
// once the price clears the shutdown price by the restart margin.
func TestCohortHysteresisAndRestartDelay(t *testing.T) {
	s := mustScenario(t, `
base: default
fees: {model: constant}
price:
  model: scripted
  points: [{day: 1, price_usd: 50000}, {day: 2, price_usd: 50000}, {day: 20, price_usd: 100000}]
fleet:
  label: ASSUMED single-cohort test fleet
  mix: [{model: S19 XP, share: 1}]
  power_cost: [{usd_per_kwh: 0.06, share: 1}]
  pue: 1
  pool_fee_pct: 0
  stop_loss_frac: 0.1
  restart_margin_frac: 0.05
  restart_delay_days: 5
  ai_eligible_share: 0
  stranded: {share: 0}
  contracted_share: 0
entry: {enabled: false}
ai: {revenue_usd_per_kwh: 0}
`)
	w := mustWorld(t, s)
	m, _ := hardware.Default().Lookup("S19 XP")
	n := economics.Network{PriceUSD: 1, Difficulty: w.startDifficulty, SubsidySat: 312_500_000, FeesPerBlockSat: 2_500_000}
	shutdown := economics.Machine(m, n, economics.Site{PowerUSDPerKWh: 0.06}).ShutdownPriceUSD
	var prices, hs []float64
	w.simulatePath(0, Options{HorizonDays: 25, Engine: EngineFast}, func(_ int, r *dayRecord) {
		prices = append(prices, r.PriceUSD)
		hs = append(hs, r.HashrateHs)
	})
	if hs[0] == 0 {
		t.Fatal("cohort must run on day 0")
	}
	if prices[1] > shutdown*0.9 || hs[1] != 0 {
		t.Fatalf("day 1: price %.0f vs shutdown %.0f, hashrate %g; want stopped", prices[1], shutdown, hs[1])
	}
	restart := -1
	for d := 2; d < len(hs); d++ {
		if hs[d] > 0 {
			restart = d
			break
		}
	}
	want := -1
	for d := 1 + 5; d < len(prices); d++ {
		if prices[d] > shutdown*1.05 {
			want = d
			break
		}
	}
	if restart != want || want < 0 {
		t.Errorf("restarted on day %d, want day %d (first day ≥ 6 with price > 1.05 × %.0f)", restart, want, shutdown)
	}
}

// Seed 004's Hut 8 site converts to AI after for_days; its hashrate
// leaves at once and its MW come online delay_days later.
func TestAIConversionTiming(t *testing.T) {
	s := mustScenario(t, `
base: ai-pivot
fleet:
  ai_eligible_share: 0
  stranded: {share: 0}
  contracted_share: 0
ai: {revenue_usd_per_kwh: 0.217, factor: 2, for_days: 30, delay_days: 100, capex_usd_per_mw: 1.0e6}
price: {model: gbm, volatility_per_year: 0}
fees: {model: constant}
`)
	w := mustWorld(t, s)
	var conv, online, capex, hs []float64
	w.simulatePath(0, Options{HorizonDays: 200, Engine: EngineFast}, func(_ int, r *dayRecord) {
		conv = append(conv, r.aiMWConverted)
		online = append(online, r.aiMWOnline)
		capex = append(capex, r.aiCapexUSD)
		hs = append(hs, r.HashrateHs)
	})
	siteMW := 245 * s.Fleet.PUE
	// The AI rule holds from day 0, so the 30th qualifying day is day 29.
	if conv[28] != 0 || math.Abs(conv[29]-siteMW) > 1e-9 {
		t.Errorf("converted MW on days 28, 29 = %g, %g; want 0, %g", conv[28], conv[29], siteMW)
	}
	if online[128] != 0 || math.Abs(online[129]-siteMW) > 1e-9 {
		t.Errorf("online MW on days 128, 129 = %g, %g; want 0, %g", online[128], online[129], siteMW)
	}
	if math.Abs(capex[29]-siteMW*1e6) > 1e-3 {
		t.Errorf("capex = %g, want %g", capex[29], siteMW*1e6)
	}
	m, _ := hardware.Default().Lookup("S21")
	siteHs := 245e6 / m.JoulesPerTH() * 1e12
	if drop := hs[28] - hs[29]; math.Abs(drop-siteHs) > 0.01*siteHs {
		t.Errorf("hashrate fell by %.4g H/s on conversion, want the site's %.4g", drop, siteHs)
	}
}

// Sales are production_share of the day's production while margins are
// positive, and the feedback elasticity lowers the price only when set.
func TestMinerSalesAndFeedback(t *testing.T) {
	s, _ := LoadScenario("default")
	w := mustWorld(t, s)
	var sales, prod, price0 []float64
	w.simulatePath(3, Options{HorizonDays: 20, Engine: EngineFast, Seed: 5}, func(_ int, r *dayRecord) {
		sales = append(sales, r.salesBTCPerDay)
		prod = append(prod, r.securityBudgetUSDPerDay/r.PriceUSD)
		price0 = append(price0, r.PriceUSD)
	})
	for d := range sales {
		if math.Abs(sales[d]-0.7*prod[d]) > 1e-9*prod[d] {
			t.Errorf("day %d: sold %.4f BTC, want 0.7 × %.4f", d, sales[d], prod[d])
		}
	}
	s.Sales.FeedbackPctPer1000BTC = 1
	w = mustWorld(t, s)
	var price1 []float64
	w.simulatePath(3, Options{HorizonDays: 20, Engine: EngineFast, Seed: 5}, func(_ int, r *dayRecord) { price1 = append(price1, r.PriceUSD) })
	// Day 1's price is lowered by 1% per 1,000 BTC sold on day 0.
	if want := price0[1] * math.Exp(-0.01*sales[0]/1000); math.Abs(price1[1]-want) > 1e-9*want {
		t.Errorf("day-1 price with feedback = %.4f, want %.4f", price1[1], want)
	}
}

// Entry barrier: S21 XP Hydro at $0.04/kWh, PUE 1.05, $0.55/W, 540 days.
func TestEntryBarrier(t *testing.T) {
	m := hardware.Model{Name: "x", HashrateTHs: 500, PowerW: 6000, ListPriceUSD: 10000}
	e := EntryModel{PowerUSDPerKWh: 0.04, InfraUSDPerW: 0.5, PaybackDays: 500}
	usdPerTH, err := hardwareUSDPerTH(0, m)
	if err != nil || usdPerTH != 20 {
		t.Fatalf("list price per TH = %g, %v; want 20", usdPerTH, err)
	}
	// capex/PH = 20·1000 + 0.5·12·1000 = 26,000; power/PH/day = 12,000 W·24 h·$0.04/kWh·1.0 = 11.52.
	if got, want := entryBarrierUSDPerPHDay(&e, m, usdPerTH, 1), 26000.0/500+11.52; math.Abs(got-want) > 1e-9 {
		t.Errorf("barrier = %.6f, want %.6f", got, want)
	}
	if _, err := hardwareUSDPerTH(0, hardware.Model{Name: "y", HashrateTHs: 1}); err == nil {
		t.Error("no price anywhere should be an error")
	}
}

// When the hashprice sits far above the barrier, new capacity arrives
// after the lead time and not before.
func TestEntryLeadTime(t *testing.T) {
	s := mustScenario(t, `
base: default
price: {model: scripted, points: [{day: 1, price_usd: 200000}]}
fees: {model: constant}
entry: {enabled: true, model: S21 XP Hydro, hardware_usd_per_th: 16, power_usd_per_kwh: 0.04, infra_usd_per_w: 0.55, payback_days: 540, trigger_days: 3, lead_time_days: 20, capacity_hs_per_day: 1.0e19}
ai: {revenue_usd_per_kwh: 0}
fleet: {restart_delay_days: 0}
`)
	w := mustWorld(t, s)
	var tier0 []float64
	w.simulatePath(0, Options{HorizonDays: 40, Engine: EngineFast}, func(_ int, r *dayRecord) { tier0 = append(tier0, r.tierHs[0]) })
	// Orders start on day 3 (the third day above the barrier: days 1, 2, 3)
	// and arrive on day 23.
	if tier0[22] != tier0[21] {
		t.Errorf("capacity arrived before the lead time: %.4g → %.4g", tier0[21], tier0[22])
	}
	if got := tier0[23] - tier0[22]; math.Abs(got-1e19) > 1e-6*1e19 {
		t.Errorf("day-23 delivery = %.4g H/s, want the 1e19 H/s capacity", got)
	}
}

func TestDailyPathsContract(t *testing.T) {
	s, _ := LoadScenario("bear")
	o := Options{Paths: 6, HorizonDays: 45, Seed: 9, Threads: 1, Engine: EngineFast}
	a, err := DailyPaths(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Threads = 3
	b, err := DailyPaths(context.Background(), s, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 6 || len(a[0]) != 45 {
		t.Fatalf("shape %d×%d, want 6×45", len(a), len(a[0]))
	}
	for i := range a {
		if a[i][0].PriceUSD != 76176 || a[i][0].Difficulty != a[0][0].Difficulty {
			t.Errorf("path %d day 0 = %+v, want the start state", i, a[i][0])
		}
		for d := range a[i] {
			if a[i][d] != b[i][d] {
				t.Fatalf("path %d day %d differs between 1 and 3 threads", i, d)
			}
		}
	}
	if _, err := DailyPaths(context.Background(), exogenousScenario(t, 0, 10, 1), o); err == nil {
		t.Error("DailyPaths of the exogenous scenario should fail")
	}
}

// An S19 (≈34 J/TH) above the 30 J/TH scrap threshold is gone for good
// once it stops, even when the price comes back.
func TestEfficiencyRetirement(t *testing.T) {
	s := mustScenario(t, `
base: default
fees: {model: constant}
price:
  model: scripted
  points: [{day: 1, price_usd: 40000}, {day: 2, price_usd: 40000}, {day: 3, price_usd: 300000}]
fleet:
  label: ASSUMED two-cohort test fleet
  mix: [{model: S19, share: 0.5}, {model: S21 XP Hydro, share: 0.5}]
  power_cost: [{usd_per_kwh: 0.03, share: 1}]
  restart_delay_days: 0
  retire_above_j_per_th: 30
  ai_eligible_share: 0
  stranded: {share: 0}
  contracted_share: 0
entry: {enabled: false}
ai: {revenue_usd_per_kwh: 0}
`)
	w := mustWorld(t, s)
	var gt30 []float64
	w.simulatePath(0, Options{HorizonDays: 10, Engine: EngineFast}, func(_ int, r *dayRecord) { gt30 = append(gt30, r.tierHs[3]) })
	if gt30[0] == 0 {
		t.Fatal("S19 cohort must run on day 0 at $0.03/kWh")
	}
	for d := 1; d < len(gt30); d++ {
		if gt30[d] != 0 {
			t.Errorf("day %d: >30 J/TH hashrate %g after it was scrapped", d, gt30[d])
		}
	}
}

// Event flags follow the daily series: the minimum hashrate, the largest
// single-adjustment fall, and the days from the first 10% dip of the
// hashprice to its first day back at the day-0 level.
func TestPathEventsMatchSeries(t *testing.T) {
	s := mustScenario(t, `
base: default
fees: {model: constant}
price:
  model: scripted
  points: [{day: 5, price_usd: 55000}, {day: 40, price_usd: 55000}, {day: 70, price_usd: 120000}]
`)
	w := mustWorld(t, s)
	var hs, hp []float64
	ev := w.simulatePath(0, Options{HorizonDays: 120, Engine: EngineFast, Seed: 4}, func(_ int, r *dayRecord) {
		hs = append(hs, r.HashrateHs)
		hp = append(hp, r.HashpriceUSDPerPHDay)
	})
	minHs := math.Inf(1)
	for _, h := range hs {
		minHs = math.Min(minHs, h)
	}
	if ev.minHashrateHs != minHs || minHs >= hs[0] {
		t.Errorf("min hashrate %g, series min %g (day 0 %g)", ev.minHashrateHs, minHs, hs[0])
	}
	dip, back := -1, -1
	for d, h := range hp {
		if dip < 0 && h < hp[0]*0.9 {
			dip = d
		}
		if dip >= 0 && back < 0 && h >= hp[0] {
			back = d
		}
	}
	if dip < 0 || back < 0 || ev.recoveryDays != back-dip {
		t.Errorf("recovery days = %d, series: dip on day %d, back on day %d", ev.recoveryDays, dip, back)
	}
	if ev.maxFallPct <= 0 {
		t.Errorf("a 28%% price fall produced no difficulty fall (max fall %.2f%%)", ev.maxFallPct)
	}
}

// Prat & Walter's reflecting barrier: with the price held high and ample
// entry capacity, investment pushes the hashprice down to the barrier b
// and keeps it there once difficulty has caught up.
func TestEntryReflectsHashpriceAtBarrier(t *testing.T) {
	s := mustScenario(t, `
base: default
price: {model: scripted, points: [{day: 1, price_usd: 200000}]}
fees: {model: constant}
entry: {enabled: true, model: S21 XP Hydro, hardware_usd_per_th: 16, power_usd_per_kwh: 0.04, infra_usd_per_w: 0.55, payback_days: 540, trigger_days: 3, lead_time_days: 10, capacity_hs_per_day: 1.0e21}
ai: {revenue_usd_per_kwh: 0}
`)
	w := mustWorld(t, s)
	var hp []float64
	w.simulatePath(0, Options{HorizonDays: 200, Engine: EngineFast, Seed: 8}, func(_ int, r *dayRecord) { hp = append(hp, r.HashpriceUSDPerPHDay) })
	if hp[5] < 1.3*w.barrierUSDPerPH {
		t.Fatalf("test needs the hashprice well above the barrier at first: %.2f vs b = %.2f", hp[5], w.barrierUSDPerPH)
	}
	late := append([]float64(nil), hp[120:]...)
	sort.Float64s(late)
	med := late[len(late)/2]
	t.Logf("hashprice day 5 %.2f, late median %.2f, barrier %.2f USD/PH/day", hp[5], med, w.barrierUSDPerPH)
	if math.Abs(med-w.barrierUSDPerPH) > 0.08*w.barrierUSDPerPH {
		t.Errorf("late median hashprice %.2f, want ≈ barrier %.2f", med, w.barrierUSDPerPH)
	}
}

// In the full model too, the two engines must agree in distribution: the
// difficulty and hashrate on day 59 of the default scenario (after the
// first retargets) across 300 paths of each, with different seeds.
func TestEnginesAgreeOnDefaultScenario(t *testing.T) {
	s, _ := LoadScenario("default")
	paths := 300
	if raceEnabled {
		paths = 100
	}
	day59 := func(engine string, seed uint64) (diff, hs []float64) {
		a, err := DailyPaths(context.Background(), s, Options{Paths: paths, HorizonDays: 60, Seed: seed, Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range a {
			diff = append(diff, p[59].Difficulty)
			hs = append(hs, p[59].HashrateHs)
		}
		return diff, hs
	}
	bd, bh := day59(EngineBlock, 101)
	fd, fh := day59(EngineFast, 202)
	if p := ksP(bd, fd); p < 0.001 {
		t.Errorf("day-59 difficulty differs between engines: KS p = %.2g", p)
	}
	if p := ksP(bh, fh); p < 0.001 {
		t.Errorf("day-59 hashrate differs between engines: KS p = %.2g", p)
	}
}
