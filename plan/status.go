package plan

import (
	"math"
	"sort"

	"github.com/hashfall/hashfall/economics"
)

// GroupStatus is the daily P&L of one machine group (a model at a site)
// with every unit running, at the site's mean energy price.
type GroupStatus struct {
	Site                  string  `json:"site"`
	Model                 string  `json:"model"`
	Count                 int     `json:"count"`
	JoulesPerTH           float64 `json:"j_per_th" table:"%.1f"`
	EnergyUSDPerKWh       float64 `json:"energy_usd_per_kwh" table:"%.4f"`
	RevenueUSDDay         float64 `json:"revenue_usd_day" table:"%.0f"`
	PowerUSDDay           float64 `json:"power_usd_day" table:"%.0f"`
	HostingUSDDay         float64 `json:"hosting_usd_day" table:"%.0f"`
	ProfitUSDDay          float64 `json:"profit_usd_day" table:"%.0f"`
	ShutdownPriceUSD      float64 `json:"shutdown_price_usd" table:"%.0f"`
	BreakevenEnergyUSDkWh float64 `json:"breakeven_energy_usd_per_kwh" table:"%.4f"`
	SwitchOff             bool    `json:"switch_off"`
}

// FleetStatus is the fleet's P&L today.
type FleetStatus struct {
	Groups []GroupStatus `json:"groups"`
	Sites  []SiteStatus  `json:"sites"`
	Totals FleetTotals   `json:"totals"`
}

// SiteStatus sums a site's groups.
type SiteStatus struct {
	Site          string  `json:"site"`
	LoadMW        float64 `json:"load_mw" table:"%.2f"`
	CapacityMW    float64 `json:"capacity_mw" table:"%.2f"`
	RevenueUSDDay float64 `json:"revenue_usd_day" table:"%.0f"`
	PowerUSDDay   float64 `json:"power_usd_day" table:"%.0f"`
	HostingUSDDay float64 `json:"hosting_usd_day" table:"%.0f"`
	ProfitUSDDay  float64 `json:"profit_usd_day" table:"%.0f"`
}

// FleetTotals are the fleet-wide figures.
type FleetTotals struct {
	RevenueUSDDay float64 `json:"revenue_usd_day" table:"%.0f"`
	CostUSDDay    float64 `json:"cost_usd_day" table:"%.0f"` // power + hosting
	ProfitUSDDay  float64 `json:"profit_usd_day" table:"%.0f"`
	// ProfitIfCurtailedUSDDay is the profit with the loss-making groups
	// switched off.
	ProfitIfCurtailedUSDDay float64 `json:"profit_if_curtailed_usd_day" table:"%.0f"`
	// BreakevenPriceUSD is the BTC price at which the whole fleet, all on,
	// covers power and hosting: Σcost / ΣrevenueBTC.
	BreakevenPriceUSD float64 `json:"breakeven_price_usd" table:"%.0f"`
	// CashBreakevenPriceUSD adds debt service (per month / 30.4375 days).
	CashBreakevenPriceUSD float64 `json:"cash_breakeven_price_usd" table:"%.0f"`
}

const daysPerMonth = 365.25 / 12

// GroupEconomics prices one group's unit at its site's mean energy price,
// with the hosting fee counted as energy cost: it is paid per kWh, so a
// machine must earn it to be worth running. It returns the per-unit
// economics and the energy part of the power bill per unit per day.
func (f *Fleet) GroupEconomics(g MachineGroup, n economics.Network) (unit economics.MachineEconomics, energyUSDDay float64) {
	site := f.Sites[g.site]
	energy := site.Tariff.MeanUSDPerKWh()
	es := economics.Site{PowerUSDPerKWh: energy + site.HostingUSDPerKWh, PUE: site.PUEOrOne(), PoolFeeFrac: site.PoolFeePct / 100}
	unit = economics.Machine(g.model, n, es)
	return unit, economics.PowerUSDPerDay(g.model.PowerW, economics.Site{PowerUSDPerKWh: energy, PUE: site.PUEOrOne()})
}

// Status prices every group at network n:
//
//	revenue_usd_day  = count · TH/s/1000 · hashprice(BTC/PH/day) · (1 − pool fee) · price
//	power_usd_day    = count · W/1000 · 24 · PUE · energy USD/kWh
//	hosting_usd_day  = count · W/1000 · 24 · PUE · hosting USD/kWh
//	shutdown_price   = (power + hosting) / revenue BTC/day      (USD/BTC)
//
// A group should be switched off today when its profit is negative.
func (f *Fleet) Status(n economics.Network) FleetStatus {
	var st FleetStatus
	siteIdx := map[int]int{}
	var revBTC float64
	for _, g := range f.Machines {
		site := f.Sites[g.site]
		unit, energyUSD := f.GroupEconomics(g, n)
		c := float64(g.Count)
		gs := GroupStatus{
			Site: site.Name, Model: g.model.Name, Count: g.Count,
			JoulesPerTH:           unit.JoulesPerTH,
			EnergyUSDPerKWh:       site.Tariff.MeanUSDPerKWh(),
			RevenueUSDDay:         c * unit.RevenueUSDDay,
			PowerUSDDay:           c * energyUSD,
			HostingUSDDay:         c * (unit.PowerUSDDay - energyUSD),
			ProfitUSDDay:          c * unit.ProfitUSDDay,
			ShutdownPriceUSD:      unit.ShutdownPriceUSD,
			BreakevenEnergyUSDkWh: unit.BreakevenPowerUSDPerKWh - site.HostingUSDPerKWh,
			SwitchOff:             unit.ProfitUSDDay < 0,
		}
		st.Groups = append(st.Groups, gs)
		revBTC += c * unit.RevenueBTCDay
		i, ok := siteIdx[g.site]
		if !ok {
			i = len(st.Sites)
			siteIdx[g.site] = i
			st.Sites = append(st.Sites, SiteStatus{Site: site.Name, CapacityMW: site.CapacityMW})
		}
		s := &st.Sites[i]
		s.LoadMW += c * g.model.PowerW * site.PUEOrOne() / 1e6
		s.RevenueUSDDay += gs.RevenueUSDDay
		s.PowerUSDDay += gs.PowerUSDDay
		s.HostingUSDDay += gs.HostingUSDDay
		s.ProfitUSDDay += gs.ProfitUSDDay
		t := &st.Totals
		t.RevenueUSDDay += gs.RevenueUSDDay
		t.CostUSDDay += gs.PowerUSDDay + gs.HostingUSDDay
		t.ProfitUSDDay += gs.ProfitUSDDay
		t.ProfitIfCurtailedUSDDay += math.Max(gs.ProfitUSDDay, 0)
	}
	if revBTC > 0 {
		st.Totals.BreakevenPriceUSD = st.Totals.CostUSDDay / revBTC
		st.Totals.CashBreakevenPriceUSD = (st.Totals.CostUSDDay + f.Treasury.DebtServiceUSDPerMonth/daysPerMonth) / revBTC
	}
	// Worst first: the groups to switch off lead the table.
	sort.SliceStable(st.Groups, func(i, j int) bool { return st.Groups[i].ShutdownPriceUSD > st.Groups[j].ShutdownPriceUSD })
	return st
}
