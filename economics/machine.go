package economics

import "github.com/hashfall/hashfall/hardware"

// Site is where a machine runs: what its power costs and what it pays
// beside power.
type Site struct {
	PowerUSDPerKWh float64 // price of energy at the meter, USD/kWh
	PUE            float64 // facility energy / machine energy; 0 means 1
	PoolFeeFrac    float64 // share of revenue kept by the pool, 0..1
}

func (s Site) pue() float64 {
	if s.PUE <= 0 {
		return 1
	}
	return s.PUE
}

// MachineEconomics is the daily P&L of one machine at one network state
// and site.
type MachineEconomics struct {
	Model                   string   `json:"model"`
	THs                     float64  `json:"th_s" table:"%.1f"`
	Watts                   float64  `json:"watts" table:"%.0f"`
	JoulesPerTH             float64  `json:"j_per_th" table:"%.1f"`
	RevenueBTCDay           float64  `json:"revenue_btc_day" table:"%.8f"`
	RevenueUSDDay           float64  `json:"revenue_usd_day" table:"%.2f"`
	PowerUSDDay             float64  `json:"power_usd_day" table:"%.2f"`
	ProfitUSDDay            float64  `json:"profit_usd_day" table:"%.2f"`
	CostRatio               float64  `json:"cost_ratio" table:"%.3f"`
	ShutdownPriceUSD        float64  `json:"shutdown_price_usd" table:"%.0f"`
	BreakevenPowerUSDPerKWh float64  `json:"breakeven_power_usd_kwh" table:"%.4f"`
	PaybackDays             *float64 `json:"payback_days,omitempty" table:"%.0f"`
}

// RevenueBTCPerDay returns the expected BTC revenue per day of hashrateTHs
// TH/s, after the pool fee:
//
//	revenue = TH/s / 1000 · hashprice(BTC/PH/day) · (1 − poolFee)
func RevenueBTCPerDay(hashrateTHs float64, n Network, s Site) float64 {
	return hashrateTHs / 1000 * n.HashpriceBTCPerPHDay() * (1 - s.PoolFeeFrac)
}

// PowerUSDPerDay returns the daily energy cost of powerW watts at a site:
//
//	cost = W/1000 kW · 24 h · PUE · USD/kWh
func PowerUSDPerDay(powerW float64, s Site) float64 {
	return powerW / 1000 * 24 * s.pue() * s.PowerUSDPerKWh
}

// Machine returns the daily economics of model m on network n at site s.
//
//	cost_ratio              = power USD/day / revenue USD/day
//	shutdown_price_usd      = power USD/day / revenue BTC/day (the BTC price at which revenue only pays for power)
//	breakeven_power_usd_kwh = revenue USD/day / (W/1000 · 24 · PUE) (the power price at which profit is zero)
//	payback_days            = list price / profit USD/day, when both are positive
func Machine(m hardware.Model, n Network, s Site) MachineEconomics {
	revBTC := RevenueBTCPerDay(m.HashrateTHs, n, s)
	revUSD := revBTC * n.PriceUSD
	powerUSD := PowerUSDPerDay(m.PowerW, s)
	e := MachineEconomics{
		Model:         m.Name,
		THs:           m.HashrateTHs,
		Watts:         m.PowerW,
		JoulesPerTH:   m.JoulesPerTH(),
		RevenueBTCDay: revBTC,
		RevenueUSDDay: revUSD,
		PowerUSDDay:   powerUSD,
		ProfitUSDDay:  revUSD - powerUSD,
	}
	if revUSD > 0 {
		e.CostRatio = powerUSD / revUSD
	}
	if revBTC > 0 {
		e.ShutdownPriceUSD = powerUSD / revBTC
	}
	if kWhPerDay := m.PowerW / 1000 * 24 * s.pue(); kWhPerDay > 0 {
		e.BreakevenPowerUSDPerKWh = revUSD / kWhPerDay
	}
	if m.ListPriceUSD > 0 && e.ProfitUSDDay > 0 {
		days := m.ListPriceUSD / e.ProfitUSDDay
		e.PaybackDays = &days
	}
	return e
}
