package report

import (
	"fmt"
	"sort"
	"time"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
	"github.com/hashfall/hashfall/output"
)

// Input is everything a report is computed from.
type Input struct {
	State   economics.State
	Site    economics.Site
	Catalog *hardware.Catalog
}

// NetworkSection is the state of the network and its hashprice.
type NetworkSection struct {
	Source            string    `json:"source"`
	AsOf              time.Time `json:"as_of"`
	PriceUSD          float64   `json:"price_usd" table:"%.0f"`
	Difficulty        float64   `json:"difficulty"`
	ImpliedHashrateHs float64   `json:"implied_hashrate_hs"`
	SubsidyBTC        float64   `json:"subsidy_btc" table:"%.8g"`
	FeesPerBlockBTC   float64   `json:"fees_per_block_btc" table:"%.4f"`
	USDPerPHDay       float64   `json:"usd_per_ph_day" table:"%.2f"`
	BTCPerPHDay       float64   `json:"btc_per_ph_day" table:"%.8f"`
	PowerUSDPerKWh    float64   `json:"power_usd_kwh" table:"%.4f"`
	PUE               float64   `json:"pue" table:"%.2f"`
	PoolFeePct        float64   `json:"pool_fee_pct" table:"%.2f"`
}

// FleetRow is one model's economics and whether it runs at a loss.
type FleetRow struct {
	economics.MachineEconomics
	Tier       string `json:"tier"`
	Underwater bool   `json:"underwater"`
}

// TierRow summarises the models of one efficiency tier.
type TierRow struct {
	Tier                    string  `json:"tier"`
	Models                  int     `json:"models"`
	Underwater              int     `json:"underwater"`
	MinShutdownPriceUSD     float64 `json:"min_shutdown_price_usd" table:"%.0f"`
	MedianShutdownPriceUSD  float64 `json:"median_shutdown_price_usd" table:"%.0f"`
	MaxShutdownPriceUSD     float64 `json:"max_shutdown_price_usd" table:"%.0f"`
	MedianBreakevenPowerUSD float64 `json:"median_breakeven_power_usd_kwh" table:"%.4f"`
}

// SecuritySection is what the network pays for its security.
type SecuritySection struct {
	BudgetUSDPerDay  float64 `json:"budget_usd_day" table:"%.0f"`
	BudgetBTCPerDay  float64 `json:"budget_btc_day" table:"%.2f"`
	BudgetUSDPerYear float64 `json:"budget_usd_year" table:"%.4g"`
	FeeSharePct      float64 `json:"fee_share_pct" table:"%.2f"`
	USDPerTHDay      float64 `json:"usd_per_th_day" table:"%.5f"`
}

// Report is the computed capitulation report.
type Report struct {
	Label    string
	Network  NetworkSection
	Fleet    []FleetRow
	Tiers    []TierRow
	Security SecuritySection
}

// TierNames name the efficiency tiers of hardware.EfficiencyTier.
var TierNames = [hardware.EfficiencyTierCount]string{"<20 J/TH", "20-25 J/TH", "25-30 J/TH", ">30 J/TH"}

// TierOf names the efficiency tier of joulesPerTH.
func TierOf(joulesPerTH float64) string {
	return TierNames[hardware.EfficiencyTier(joulesPerTH)]
}

// Build computes the report.
func Build(in Input) Report {
	n := in.State.Network
	r := Report{Label: in.State.Label}
	r.Network = NetworkSection{
		Source:            in.State.Label,
		AsOf:              in.State.AsOf,
		PriceUSD:          n.PriceUSD,
		Difficulty:        n.Difficulty,
		ImpliedHashrateHs: economics.ImpliedHashrateHs(n.Difficulty),
		SubsidyBTC:        float64(n.SubsidySat) / economics.SatPerBTC,
		FeesPerBlockBTC:   float64(n.FeesPerBlockSat) / economics.SatPerBTC,
		USDPerPHDay:       n.HashpriceUSDPerPHDay(),
		BTCPerPHDay:       n.HashpriceBTCPerPHDay(),
		PowerUSDPerKWh:    in.Site.PowerUSDPerKWh,
		PUE:               max(in.Site.PUE, 1),
		PoolFeePct:        in.Site.PoolFeeFrac * 100,
	}
	for _, m := range in.Catalog.ByEfficiency() {
		e := economics.Machine(m, n, in.Site)
		r.Fleet = append(r.Fleet, FleetRow{MachineEconomics: e, Tier: TierOf(e.JoulesPerTH), Underwater: e.ProfitUSDDay < 0})
	}
	for _, name := range TierNames {
		row := TierRow{Tier: name}
		var shutdown, breakeven []float64
		for _, f := range r.Fleet {
			if f.Tier != name {
				continue
			}
			row.Models++
			if f.Underwater {
				row.Underwater++
			}
			shutdown = append(shutdown, f.ShutdownPriceUSD)
			breakeven = append(breakeven, f.BreakevenPowerUSDPerKWh)
		}
		if row.Models > 0 {
			sort.Float64s(shutdown)
			sort.Float64s(breakeven)
			row.MinShutdownPriceUSD = shutdown[0]
			row.MaxShutdownPriceUSD = shutdown[len(shutdown)-1]
			row.MedianShutdownPriceUSD = median(shutdown)
			row.MedianBreakevenPowerUSD = median(breakeven)
		}
		r.Tiers = append(r.Tiers, row)
	}
	budget := n.SecurityBudgetUSDPerDay()
	r.Security = SecuritySection{
		BudgetUSDPerDay:  budget,
		BudgetBTCPerDay:  budget / n.PriceUSD,
		BudgetUSDPerYear: budget * 365.25,
		FeeSharePct:      100 * float64(n.FeesPerBlockSat) / float64(n.RewardPerBlockSat()),
		USDPerTHDay:      budget / (r.Network.ImpliedHashrateHs / 1e12),
	}
	return r
}

// median of sorted values: the middle one, or the mean of the two middle
// ones.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// Document renders the report as named sections for table, JSON and CSV.
func (r Report) Document() output.Document {
	underwater := 0
	for _, f := range r.Fleet {
		if f.Underwater {
			underwater++
		}
	}
	return output.Document{
		Title: "hashfall capitulation report",
		Notes: []string{
			r.Label,
			underwaterNote(underwater, len(r.Fleet)),
		},
		Sections: []output.Section{
			{Name: "network", Data: r.Network},
			{Name: "fleet", Data: r.Fleet},
			{Name: "breakeven_by_tier", Data: r.Tiers},
			{Name: "security", Data: r.Security},
		},
	}
}

func underwaterNote(underwater, total int) string {
	return fmt.Sprintf("%d of %d catalog models earn less than their power costs (underwater = yes)", underwater, total)
}
