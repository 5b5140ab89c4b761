package power

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"time"
)

// PointResult is one class at one operating point (or "off") over the
// schedule. Credits are those earned in the intervals spent at this
// point; FourCPAvoidedUSD is the expected 4CP charge flat out would have
// incurred in those intervals, less what this point incurred.
type PointResult struct {
	Class            string  `json:"class"`
	Point            string  `json:"point"`
	Hours            float64 `json:"hours" table:"%.2f"`
	EnergyMWh        float64 `json:"energy_mwh" table:"%.1f"`
	RevenueUSD       float64 `json:"revenue_usd" table:"%.0f"`
	EnergyCostUSD    float64 `json:"energy_cost_usd" table:"%.0f"`
	HostingUSD       float64 `json:"hosting_usd" table:"%.0f"`
	CreditsUSD       float64 `json:"credits_usd" table:"%.0f"`
	FourCPChargeUSD  float64 `json:"four_cp_expected_charge_usd" table:"%.0f"`
	FourCPAvoidedUSD float64 `json:"four_cp_avoided_usd" table:"%.0f"`
	ProfitUSD        float64 `json:"profit_usd" table:"%.0f"`
}

// ClassResult sums a class's points and compares with flat out.
type ClassResult struct {
	Class           string  `json:"class"`
	StrikeUSDPerMWh float64 `json:"strike_usd_per_mwh" table:"%.2f"` // at the flat-out point
	HoursOn         float64 `json:"hours_on" table:"%.2f"`
	Hours           float64 `json:"hours" table:"%.2f"`
	Sums
}

// Sums are what a class, or the whole site, adds up over the schedule:
// energy in MWh and money in USD, with profit against flat out.
type Sums struct {
	EnergyMWh        float64 `json:"energy_mwh" table:"%.1f"`
	RevenueUSD       float64 `json:"revenue_usd" table:"%.0f"`
	EnergyCostUSD    float64 `json:"energy_cost_usd" table:"%.0f"`
	HostingUSD       float64 `json:"hosting_usd" table:"%.0f"`
	CreditsUSD       float64 `json:"credits_usd" table:"%.0f"`
	FourCPAvoidedUSD float64 `json:"four_cp_avoided_usd" table:"%.0f"`
	ProfitUSD        float64 `json:"profit_usd" table:"%.0f"`
	FlatOutProfitUSD float64 `json:"flat_out_profit_usd" table:"%.0f"`
	SavingsUSD       float64 `json:"savings_vs_flat_out_usd" table:"%.0f"`
}

// Report breaks a schedule down per class and point. Profit is
// revenue − energy − hosting + credits − expected 4CP charge, the
// optimiser's objective; savings = profit − flat-out profit.
func Report(classes []Class, m *Market, sch Schedule) ([]ClassResult, []PointResult) {
	dtH := m.Prices.Hours()
	var cls []ClassResult
	var pts []PointResult
	for k, c := range classes {
		res := make([]PointResult, len(c.Points)+1)
		res[0] = PointResult{Class: c.Name, Point: "off"}
		for j, p := range c.Points {
			res[j+1] = PointResult{Class: c.Name, Point: p.Name}
		}
		coef := coefOf(c, dtH)
		flatJ := c.FlatOut + 1
		cr := ClassResult{Class: c.Name, StrikeUSDPerMWh: c.StrikeUSDPerMWh(c.FlatOut)}
		for i, price := range m.Prices.USDPerMWh {
			j := sch.Points[k][i] + 1
			r := &res[j]
			credit := c.CreditUSDPerMWh
			if m.DemandResponseUSDPerMWh != nil {
				credit += m.DemandResponseUSDPerMWh[i]
			}
			var cp float64
			if m.PeakProbability != nil {
				cp = m.PeakProbability[i] * 1000 * m.TransmissionUSDPerKWYear / 4
			}
			r.Hours += dtH
			r.EnergyMWh += coef.mw[j] * dtH
			r.RevenueUSD += coef.rev[j]
			r.EnergyCostUSD += coef.mw[j] * dtH * price
			r.HostingUSD += coef.mw[j] * dtH * c.HostingUSDPerMWh
			r.CreditsUSD += coef.credMW[j] * dtH * credit
			r.FourCPChargeUSD += cp * coef.mw[j]
			r.FourCPAvoidedUSD += cp * (coef.mw[flatJ] - coef.mw[j])
			cr.FlatOutProfitUSD += coef.rev[flatJ] - coef.mw[flatJ]*dtH*(price+c.HostingUSDPerMWh) - cp*coef.mw[flatJ]
		}
		for j := range res {
			r := &res[j]
			r.ProfitUSD = r.RevenueUSD - r.EnergyCostUSD - r.HostingUSD + r.CreditsUSD - r.FourCPChargeUSD
			cr.Hours += r.Hours
			if j > 0 {
				cr.HoursOn += r.Hours
			}
			cr.EnergyMWh += r.EnergyMWh
			cr.RevenueUSD += r.RevenueUSD
			cr.EnergyCostUSD += r.EnergyCostUSD
			cr.HostingUSD += r.HostingUSD
			cr.CreditsUSD += r.CreditsUSD
			cr.FourCPAvoidedUSD += r.FourCPAvoidedUSD
			cr.ProfitUSD += r.ProfitUSD
		}
		cr.SavingsUSD = cr.ProfitUSD - cr.FlatOutProfitUSD
		if math.Abs(cr.SavingsUSD) < 1e-9*math.Max(1, math.Abs(cr.FlatOutProfitUSD)) {
			cr.SavingsUSD = 0 // rounding, not a loss
		}
		cls = append(cls, cr)
		pts = append(pts, res...)
	}
	return cls, pts
}

// SiteTotal sums the classes.
type SiteTotal struct{ Sums }

// Total sums class results.
func Total(cls []ClassResult) SiteTotal {
	var t SiteTotal
	for _, c := range cls {
		t.EnergyMWh += c.EnergyMWh
		t.RevenueUSD += c.RevenueUSD
		t.EnergyCostUSD += c.EnergyCostUSD
		t.HostingUSD += c.HostingUSD
		t.CreditsUSD += c.CreditsUSD
		t.FourCPAvoidedUSD += c.FourCPAvoidedUSD
		t.ProfitUSD += c.ProfitUSD
		t.FlatOutProfitUSD += c.FlatOutProfitUSD
		t.SavingsUSD += c.SavingsUSD
	}
	return t
}

// WriteScheduleCSV writes the schedule as one table: a row per interval
// with its UTC start, price, the site's facility draw and, per class, the
// operating point chosen ("off" when off).
func WriteScheduleCSV(w io.Writer, classes []Class, m *Market, sch Schedule) error {
	cw := csv.NewWriter(w)
	row := []string{"interval_start_utc", "price_usd_per_mwh", "site_mw"}
	for _, c := range classes {
		row = append(row, c.Name)
	}
	if err := cw.Write(row); err != nil {
		return err
	}
	for i, p := range m.Prices.USDPerMWh {
		row = row[:0]
		row = append(row, m.Prices.At(i).Format(time.RFC3339), strconv.FormatFloat(p, 'f', -1, 64), strconv.FormatFloat(siteMW(classes, sch.Points, i), 'f', 4, 64))
		for k, c := range classes {
			name := "off"
			if j := sch.Points[k][i]; j >= 0 {
				name = c.Points[j].Name
			}
			row = append(row, name)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
