package plan

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/hashfall/hashfall/economics"
)

// SalvageCurve prices used machines in the style of an ASIC price index:
// USD per TH/s by efficiency tier, declining by a fixed share each month.
type SalvageCurve struct {
	// USDPerTH holds the tiers <25, 25–38, 38–68 and >68 J/TH, in that
	// order.
	USDPerTH           [4]float64
	DeclinePctPerMonth float64
}

// IllustrativeSalvage is a default for demos: round numbers of the right
// order for early 2026, NOT market data. Pass your own curve.
var IllustrativeSalvage = SalvageCurve{USDPerTH: [4]float64{12, 4, 1.5, 0.3}, DeclinePctPerMonth: 3}

// SalvageTier returns the index of the tier for an efficiency in J/TH.
func SalvageTier(joulesPerTH float64) int {
	switch {
	case joulesPerTH < 25:
		return 0
	case joulesPerTH < 38:
		return 1
	case joulesPerTH < 68:
		return 2
	}
	return 3
}

// UnitUSD returns the resale value of one machine after months:
//
//	value = TH/s · tier USD/TH · (1 − decline)^months
func (c SalvageCurve) UnitUSD(hashrateTHs, joulesPerTH, months float64) float64 {
	return hashrateTHs * c.USDPerTH[SalvageTier(joulesPerTH)] * math.Pow(1-c.DeclinePctPerMonth/100, months)
}

// RundownOptions drives the deterministic run-down plan.
type RundownOptions struct {
	Start                 time.Time
	HorizonDays           int
	PriceDriftPctPerMonth float64 // BTC price change per month, compounding
	DifficultyPctPerMonth float64 // difficulty change per month, compounding
	Salvage               SalvageCurve
	// Liquidation prices BTC sales: Units, HorizonDays and Periods are set
	// by the plan; σ, η, γ, ε and λ come from here.
	Liquidation Liquidation
	// PriceSchedule's Prices, when set, replaces each group's flat mean
	// power cost with the optimal curtailment schedule against this price
	// file (repeated over the horizon): a group earns the schedule's
	// profit per day at the day's hashprice, and is shut down once the
	// schedule would run it in no interval (it earns no more than idle
	// credits).
	PriceSchedule
}

// RundownEvent is one dated action.
type RundownEvent struct {
	Date      string  `json:"date"`
	Day       int     `json:"day"`
	Action    string  `json:"action"`
	Site      string  `json:"site"`
	Model     string  `json:"model,omitempty"`
	Count     int     `json:"count,omitempty"`
	BTC       float64 `json:"btc,omitempty" table:"%.4f"`
	AmountUSD float64 `json:"amount_usd" table:"%.0f"`
	Reason    string  `json:"reason"`
}

// RundownDay is the state at the end of one day, for the timeline chart.
type RundownDay struct {
	Day       int     `json:"day"`
	OnlinePHs float64 `json:"online_ph_s"`
	CashUSD   float64 `json:"cash_usd"`
	BTC       float64 `json:"btc"`
	PriceUSD  float64 `json:"price_usd"`
}

// RundownSummary totals the plan.
type RundownSummary struct {
	HorizonDays          int     `json:"horizon_days"`
	MiningProfitUSD      float64 `json:"mining_profit_usd" table:"%.0f"`
	DebtServiceUSD       float64 `json:"debt_service_usd" table:"%.0f"`
	HardwareSalesUSD     float64 `json:"hardware_sales_usd" table:"%.0f"`
	BTCSold              float64 `json:"btc_sold" table:"%.4f"`
	BTCSalesUSD          float64 `json:"btc_sales_usd" table:"%.0f"` // at the day's price, before impact costs
	ExpectedImpactUSD    float64 `json:"expected_impact_cost_usd" table:"%.0f"`
	StdImpactUSD         float64 `json:"std_impact_cost_usd" table:"%.0f"`
	MinCashBeforeSaleUSD float64 `json:"min_cash_before_btc_sales_usd" table:"%.0f"`
	EndCashUSD           float64 `json:"end_cash_usd" table:"%.0f"`
	EndBTC               float64 `json:"end_btc" table:"%.4f"`
	UncoveredUSD         float64 `json:"uncovered_usd" table:"%.0f"` // shortfall the treasury's BTC cannot cover
}

// Rundown is the whole plan.
type Rundown struct {
	Summary RundownSummary
	Events  []RundownEvent
	// InstalledPHs is the fleet's hashrate before any shutdown (PH/s),
	// the level the timeline's day-0 shutdowns start from.
	InstalledPHs float64 `json:"installed_ph_s"`
	Timeline     []RundownDay
}

// minBTCOrder is the smallest BTC sale the run-down plans, 0.0001 BTC:
// ASSUMED, the order of an exchange's minimum order size.
const minBTCOrder = 1e-4

// Rundown builds a dated plan for a fleet on a deterministic path: price
// and difficulty compound monthly from n. Each day every running group is
// priced with economics.Machine; a group whose profit turns negative is
// shut down that day and sold at the salvage curve (groups crossing on the
// same day go least efficient, most expensive power first). A site left
// with nothing running and an ai: option is marked for conversion. Cash
// earns mining profit and pays debt service; if it would go negative, the
// shortfall is raised by selling treasury BTC on the Almgren–Chriss
// schedule over the days before the first negative day.
func (f *Fleet) Rundown(n economics.Network, o RundownOptions) (Rundown, error) {
	if o.HorizonDays < 1 || o.HorizonDays > 36500 {
		return Rundown{}, fmt.Errorf("horizon must be 1–36500 days, got %d", o.HorizonDays)
	}
	if !(n.PriceUSD > 0) {
		return Rundown{}, fmt.Errorf("BTC price must be > 0")
	}
	var out Rundown
	running := make([]bool, len(f.Machines))
	for i, g := range f.Machines {
		running[i] = true
		out.InstalledPHs += float64(g.Count) * g.model.HashrateTHs / 1000
	}
	siteConverted := make([]bool, len(f.Sites))
	date := func(d int) string { return o.Start.AddDate(0, 0, d).Format(time.DateOnly) }
	netAt := func(d int) economics.Network {
		months := float64(d) / daysPerMonth
		m := n
		m.PriceUSD = n.PriceUSD * math.Pow(1+o.PriceDriftPctPerMonth/100, months)
		m.Difficulty = n.Difficulty * math.Pow(1+o.DifficultyPctPerMonth/100, months)
		return m
	}
	var curves []curtailedCurve
	if o.Prices != nil {
		maxH := math.Max(netAt(0).HashpriceUSDPerPHDay(), netAt(o.HorizonDays).HashpriceUSDPerPHDay())
		for i := range f.Machines {
			cv, err := f.curtailedCurve(func(j int) bool { return j == i }, o.Prices, o.MinOnIntervals, o.MinOffIntervals, maxH)
			if err != nil {
				return Rundown{}, err
			}
			curves = append(curves, cv)
		}
	}
	cash := f.Treasury.CashUSD
	debtPerDay := f.Treasury.DebtServiceUSDPerMonth / daysPerMonth
	minCash, firstNegative := cash, -1
	for d := 0; d < o.HorizonDays; d++ {
		net := netAt(d)
		type cand struct {
			i        int
			shutdown float64
		}
		var off []cand
		var online float64
		for i, g := range f.Machines {
			if !running[i] {
				continue
			}
			unit, _ := f.GroupEconomics(g, net)
			groupProfit := float64(g.Count) * unit.ProfitUSDDay
			if curves != nil {
				h := net.HashpriceUSDPerPHDay()
				groupProfit = curves[i].at(h)
				if groupProfit <= curves[i].sellBackUSDPerDay*(1+1e-9) {
					off = append(off, cand{i, unit.ShutdownPriceUSD})
					continue
				}
			} else if unit.ProfitUSDDay < 0 {
				off = append(off, cand{i, unit.ShutdownPriceUSD})
				continue
			}
			cash += groupProfit
			out.Summary.MiningProfitUSD += groupProfit
			online += float64(g.Count) * g.model.HashrateTHs / 1000
		}
		sort.SliceStable(off, func(a, b int) bool { return off[a].shutdown > off[b].shutdown })
		for _, c := range off {
			g := f.Machines[c.i]
			running[c.i] = false
			site := f.Sites[g.site]
			out.Events = append(out.Events, RundownEvent{Date: date(d), Day: d, Action: "shut down", Site: site.Name, Model: g.model.Name, Count: g.Count,
				Reason: fmt.Sprintf("shutdown price $%.0f above BTC $%.0f", c.shutdown, net.PriceUSD)})
			sale := float64(g.Count) * o.Salvage.UnitUSD(g.model.HashrateTHs, g.model.JoulesPerTH(), float64(d)/daysPerMonth)
			cash += sale
			out.Summary.HardwareSalesUSD += sale
			why := fmt.Sprintf("salvage tier %d (%.1f J/TH)", SalvageTier(g.model.JoulesPerTH()), g.model.JoulesPerTH())
			if g.PriceUSD > 0 {
				why += fmt.Sprintf("; paid $%.0f", float64(g.Count)*g.PriceUSD)
				if g.Purchased != "" {
					why += " on " + g.Purchased
				}
			}
			out.Events = append(out.Events, RundownEvent{Date: date(d), Day: d, Action: "sell hardware", Site: site.Name, Model: g.model.Name, Count: g.Count, AmountUSD: sale, Reason: why})
		}
		for si, s := range f.Sites {
			if siteConverted[si] || s.AI == nil || f.siteRunning(si, running) {
				continue
			}
			siteConverted[si] = true
			capex := s.AI.CapexUSDPerMW * s.CapacityMW
			out.Events = append(out.Events, RundownEvent{Date: date(d), Day: d, Action: "convert site", Site: s.Name, AmountUSD: -capex,
				Reason: fmt.Sprintf("no machine earns its power; AI/HPC lease online after %.0f months (value it with fleet pivot)", s.AI.LeadTimeMonths)})
		}
		cash -= debtPerDay
		out.Summary.DebtServiceUSD += debtPerDay
		if cash < minCash {
			minCash = cash
		}
		if cash < 0 && firstNegative < 0 {
			firstNegative = d
		}
		out.Timeline = append(out.Timeline, RundownDay{Day: d, OnlinePHs: online, CashUSD: cash, BTC: f.Treasury.BTC, PriceUSD: net.PriceUSD})
	}
	out.Summary.HorizonDays = o.HorizonDays
	out.Summary.MinCashBeforeSaleUSD = minCash
	out.Summary.EndBTC = f.Treasury.BTC
	if minCash < 0 {
		if err := f.planBTCSales(&out, o, netAt, -minCash, firstNegative, date); err != nil {
			return Rundown{}, err
		}
	}
	out.Summary.EndCashUSD = out.Timeline[len(out.Timeline)-1].CashUSD
	sort.SliceStable(out.Events, func(a, b int) bool { return out.Events[a].Day < out.Events[b].Day })
	return out, nil
}

func (f *Fleet) siteRunning(si int, running []bool) bool {
	for i, g := range f.Machines {
		if g.site == si && running[i] {
			return true
		}
	}
	return false
}

// planBTCSales sells enough BTC, at each sale day's price, to cover the
// deepest cash shortfall, spread by Almgren–Chriss over the days before cash first
// goes negative (one period a day, at most 60), and updates the timeline.
func (f *Fleet) planBTCSales(out *Rundown, o RundownOptions, netAt func(int) economics.Network, shortfallUSD float64, firstNegative int, date func(int) string) error {
	days := max(firstNegative, 1)
	l := o.Liquidation
	l.Units, l.HorizonDays, l.Periods = 1, float64(days), min(days, 60)
	dayOf := func(s LiquidationSchedule, k int) int {
		return min(int(math.Round(s.TimesDays[k])), len(out.Timeline)-1) // sold over period k, settled at its start
	}
	// The trajectory is linear in the amount sold, so the USD raised per
	// BTC at each sale day's price follows from selling one BTC.
	unit, err := AlmgrenChriss(l)
	if err != nil {
		return fmt.Errorf("BTC sales: %w", err)
	}
	var usdPerBTC float64
	for k, frac := range unit.Trades {
		usdPerBTC += frac * netAt(dayOf(unit, k)).PriceUSD
	}
	want := shortfallUSD / usdPerBTC
	sell := math.Min(want, f.Treasury.BTC)
	out.Summary.UncoveredUSD = (want - sell) * usdPerBTC
	if sell <= 0 {
		return nil
	}
	l.Units = sell
	s, err := AlmgrenChriss(l)
	if err != nil {
		return fmt.Errorf("BTC sales: %w", err)
	}
	out.Summary.ExpectedImpactUSD, out.Summary.StdImpactUSD = s.ExpectedCostUSD, s.StdCostUSD
	held := f.Treasury.BTC
	proceedsByDay := make([]float64, len(out.Timeline))
	btcByDay := make([]float64, len(out.Timeline))
	lastSale, folded := -1, 0
	for k, btc := range s.Trades {
		if btc < 1/economics.SatPerBTC {
			continue // the sinh tail: less than a satoshi is no trade
		}
		if btc < minBTCOrder && lastSale >= 0 {
			// Too small to place: fold it into the previous sale. Selling
			// earlier, never later, keeps cash from running short, and
			// the plan lists no near-zero action.
			e := &out.Events[lastSale]
			usd := btc * netAt(e.Day).PriceUSD
			e.BTC += btc
			e.AmountUSD += usd
			proceedsByDay[e.Day] += usd
			btcByDay[e.Day] += btc
			out.Summary.BTCSold += btc
			out.Summary.BTCSalesUSD += usd
			folded++
			continue
		}
		d := dayOf(s, k)
		usd := btc * netAt(d).PriceUSD
		proceedsByDay[d] += usd
		btcByDay[d] += btc
		out.Summary.BTCSold += btc
		out.Summary.BTCSalesUSD += usd
		out.Events = append(out.Events, RundownEvent{Date: date(d), Day: d, Action: "sell BTC", Site: "treasury", BTC: btc, AmountUSD: usd,
			Reason: fmt.Sprintf("Almgren–Chriss period %d of %d, κ = %.3f/day", k+1, len(s.Trades), s.KappaPerDay)})
		lastSale = len(out.Events) - 1
	}
	if folded > 0 {
		out.Events[lastSale].Reason += fmt.Sprintf("; with the %d later periods below %g BTC", folded, minBTCOrder)
	}
	var cum, cumBTC float64
	for d := range out.Timeline {
		cum += proceedsByDay[d]
		cumBTC += btcByDay[d]
		out.Timeline[d].CashUSD += cum
		out.Timeline[d].BTC = held - cumBTC
	}
	out.Summary.EndBTC = held - cumBTC
	return nil
}
