package plan

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/hashfall/hashfall/economics"
)

// CurtailClass is one machine class for the hourly backtest: its revenue
// and draw per hour at full speed, with every unit counted.
type CurtailClass struct {
	Name string
	// RevenueUSDPerHour is what the class earns per hour it runs.
	RevenueUSDPerHour float64
	// FacilityMW is the class's draw at the meter, PUE included.
	FacilityMW float64
	// HostingUSDPerMWh and CreditsUSDPerMWh are the per-MWh fee on top of
	// energy and the credits paid for each MWh not drawn.
	HostingUSDPerMWh, CreditsUSDPerMWh float64
}

// BreakevenUSDPerMWh is the energy price at which running an hour earns
// exactly what switching off does:
//
//	revenue/h − MW·(price + hosting) = MW·credits
//	⇒ breakeven = revenue/h / MW − hosting − credits        (USD/MWh)
func (c CurtailClass) BreakevenUSDPerMWh() float64 {
	if c.FacilityMW <= 0 {
		return 0
	}
	return c.RevenueUSDPerHour/c.FacilityMW - c.HostingUSDPerMWh - c.CreditsUSDPerMWh
}

// CurtailResult is the backtest of one class.
type CurtailResult struct {
	Class              string  `json:"class"`
	BreakevenUSDPerMWh float64 `json:"breakeven_usd_per_mwh" table:"%.2f"`
	Hours              int     `json:"hours"`
	HoursOn            int     `json:"hours_on"`
	UptimePct          float64 `json:"uptime_pct" table:"%.1f"`
	EnergyMWh          float64 `json:"energy_mwh" table:"%.0f"`
	RevenueUSD         float64 `json:"revenue_usd" table:"%.0f"`
	EnergyCostUSD      float64 `json:"energy_cost_usd" table:"%.0f"`
	HostingUSD         float64 `json:"hosting_usd" table:"%.0f"`
	CreditsUSD         float64 `json:"credits_usd" table:"%.0f"`
	ProfitUSD          float64 `json:"profit_usd" table:"%.0f"`
	FlatOutProfitUSD   float64 `json:"flat_out_profit_usd" table:"%.0f"`
	SavingsUSD         float64 `json:"savings_usd" table:"%.0f"`
}

// Curtail backtests the optimal on/off rule for each class against hourly
// prices (USD/MWh, one slice per class, all the same length): run in an
// hour exactly when price < breakeven (net of credits). With revenue
// constant over the backtest this rule is optimal hour by hour, since
// hours do not interact. Profit counts credits earned while off; flat-out
// profit runs every hour; savings = profit − flat-out profit ≥ 0.
func Curtail(classes []CurtailClass, pricesUSDPerMWh [][]float64) ([]CurtailResult, error) {
	if len(classes) != len(pricesUSDPerMWh) {
		return nil, fmt.Errorf("%d classes but %d price series", len(classes), len(pricesUSDPerMWh))
	}
	out := make([]CurtailResult, len(classes))
	for k, c := range classes {
		prices := pricesUSDPerMWh[k]
		be := c.BreakevenUSDPerMWh()
		r := CurtailResult{Class: c.Name, BreakevenUSDPerMWh: be, Hours: len(prices)}
		var sumOnPrice, sumAllPrice float64
		for _, p := range prices {
			sumAllPrice += p
			if p < be {
				r.HoursOn++
				sumOnPrice += p
			}
		}
		on, off := float64(r.HoursOn), float64(r.Hours-r.HoursOn)
		r.EnergyMWh = on * c.FacilityMW
		r.RevenueUSD = on * c.RevenueUSDPerHour
		r.EnergyCostUSD = sumOnPrice * c.FacilityMW
		r.HostingUSD = r.EnergyMWh * c.HostingUSDPerMWh
		r.CreditsUSD = off * c.FacilityMW * c.CreditsUSDPerMWh
		r.ProfitUSD = r.RevenueUSD - r.EnergyCostUSD - r.HostingUSD + r.CreditsUSD
		all := float64(r.Hours)
		r.FlatOutProfitUSD = all*c.RevenueUSDPerHour - sumAllPrice*c.FacilityMW - all*c.FacilityMW*c.HostingUSDPerMWh
		r.SavingsUSD = r.ProfitUSD - r.FlatOutProfitUSD
		if r.Hours > 0 {
			r.UptimePct = 100 * on / all
		}
		out[k] = r
	}
	return out, nil
}

// CurtailClasses turns the fleet's groups into backtest classes at
// network n, and their price series: with override set, grid's prices (a
// --prices file) apply at every site; otherwise each site's own tariff is
// expanded onto grid's hours.
func (f *Fleet) CurtailClasses(n economics.Network, grid HourlyPrices, override bool) ([]CurtailClass, [][]float64) {
	classes := make([]CurtailClass, len(f.Machines))
	prices := make([][]float64, len(f.Machines))
	perSite := map[int][]float64{}
	for i, g := range f.Machines {
		site := f.Sites[g.site]
		unit, _ := f.GroupEconomics(g, n)
		c := float64(g.Count)
		classes[i] = CurtailClass{
			Name:              site.Name + "/" + g.model.Name,
			RevenueUSDPerHour: c * unit.RevenueUSDDay / 24,
			FacilityMW:        c * g.model.PowerW * site.PUEOrOne() / 1e6,
			HostingUSDPerMWh:  site.HostingUSDPerKWh * 1000,
			CreditsUSDPerMWh:  site.CreditsUSDPerMWh(),
		}
		if override {
			prices[i] = grid.USDPerMWh
			continue
		}
		p, ok := perSite[g.site]
		if !ok {
			p = site.Tariff.HourlyOn(grid)
			perSite[g.site] = p
		}
		prices[i] = p
	}
	return classes, prices
}

// CurtailTotal sums a backtest over classes.
type CurtailTotal struct {
	EnergyMWh        float64 `json:"energy_mwh" table:"%.0f"`
	RevenueUSD       float64 `json:"revenue_usd" table:"%.0f"`
	CostUSD          float64 `json:"cost_usd" table:"%.0f"` // energy + hosting
	CreditsUSD       float64 `json:"credits_usd" table:"%.0f"`
	ProfitUSD        float64 `json:"profit_usd" table:"%.0f"`
	FlatOutProfitUSD float64 `json:"flat_out_profit_usd" table:"%.0f"`
	SavingsUSD       float64 `json:"savings_usd" table:"%.0f"`
}

// CurtailTotals sums results.
func CurtailTotals(rs []CurtailResult) CurtailTotal {
	var t CurtailTotal
	for _, r := range rs {
		t.EnergyMWh += r.EnergyMWh
		t.RevenueUSD += r.RevenueUSD
		t.CostUSD += r.EnergyCostUSD + r.HostingUSD
		t.CreditsUSD += r.CreditsUSD
		t.ProfitUSD += r.ProfitUSD
		t.FlatOutProfitUSD += r.FlatOutProfitUSD
		t.SavingsUSD += r.SavingsUSD
	}
	return t
}

// WriteCurtailSchedule writes the hour-by-hour on/off decision of every
// class as CSV: a timestamp column, then one column per class, 1 = run,
// 0 = off.
func WriteCurtailSchedule(w io.Writer, grid HourlyPrices, classes []CurtailClass, pricesUSDPerMWh [][]float64) error {
	if len(classes) != len(pricesUSDPerMWh) {
		return fmt.Errorf("%d classes but %d price series", len(classes), len(pricesUSDPerMWh))
	}
	cw := csv.NewWriter(w)
	row := make([]string, len(classes)+1)
	row[0] = "timestamp"
	for k, c := range classes {
		row[k+1] = c.Name
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	be := make([]float64, len(classes))
	for k, c := range classes {
		be[k] = c.BreakevenUSDPerMWh()
	}
	for i := range grid.USDPerMWh {
		row[0] = grid.At(i).Format(time.RFC3339)
		for k := range classes {
			row[k+1] = "0"
			if i < len(pricesUSDPerMWh[k]) && pricesUSDPerMWh[k][i] < be[k] {
				row[k+1] = "1"
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
