package economics

import (
	"math"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/metrics"
)

// FeeSMABlocks is the window of the fee average used for hashprice: one
// day of blocks.
const FeeSMABlocks = 144

// HashpriceDay is one day of hashprice history.
type HashpriceDay struct {
	Day                  time.Time `json:"day"`
	Height               int64     `json:"height"` // the day's last block
	PriceUSD             float64   `json:"price_usd"`
	Difficulty           float64   `json:"difficulty"`
	SubsidySat           int64     `json:"subsidy_sat"`
	FeesSMA144Sat        int64     `json:"fees_sma144_sat"`
	HashpriceBTCPerPHDay float64   `json:"hashprice_btc_per_ph_day"`
	HashpriceUSDPerPHDay float64   `json:"hashprice_usd_per_ph_day"`
	// PuellMultiple is 0 until 365 priced days precede it.
	PuellMultiple float64 `json:"puell_multiple"`
}

// FeesSMASat is the mean of FeesSat over the FeeSMABlocks blocks ending at
// height (fewer near the start of blocks), rounded to a satoshi. blocks
// must be contiguous and contain height.
func FeesSMASat(blocks []chain.Block, height int64) int64 {
	end := int(height - blocks[0].Height)
	start := max(0, end-FeeSMABlocks+1)
	var sum int64
	for _, b := range blocks[start : end+1] {
		sum += b.FeesSat
	}
	return int64(math.Round(float64(sum) / float64(end-start+1)))
}

// HashpriceHistory prices each day that has a close. At the day's last
// block, with D its difficulty, s the subsidy and f̄ the 144-block mean of
// fees,
//
//	hashprice = (s + f̄)[sat]/1e8 · 1e15 · 86400 / (D · 2^32)    BTC/PH/day
//
// and times the close in USD. The Puell multiple divides the day's
// issuance in USD by its 365-day mean:
//
//	Puell = subsidy_day · price_day / mean_{365 d}(subsidy · price)
//
// (issuance counts the subsidy only, as Puell defined it). days come from
// metrics.Daily over the same contiguous blocks.
func HashpriceHistory(p *chaincfg.Params, blocks []chain.Block, days []metrics.Day, prices []chain.Price) []HashpriceDay {
	close := make(map[int64]float64, len(prices))
	for _, pr := range prices {
		close[pr.Day.Unix()] = pr.CloseUSD
	}
	var out []HashpriceDay
	var issuance []float64 // consecutive priced days
	for _, d := range days {
		price, ok := close[d.Day.Unix()]
		if !ok || d.LastHeight < blocks[0].Height {
			issuance = issuance[:0]
			continue
		}
		fees := FeesSMASat(blocks, d.LastHeight)
		sub := consensus.BlockSubsidy(p, d.LastHeight)
		h := HashpriceDay{
			Day:                  d.Day,
			Height:               d.LastHeight,
			PriceUSD:             price,
			Difficulty:           d.Difficulty,
			SubsidySat:           sub,
			FeesSMA144Sat:        fees,
			HashpriceBTCPerPHDay: HashpriceBTCPerPHDay(d.Difficulty, float64(sub+fees)),
		}
		h.HashpriceUSDPerPHDay = h.HashpriceBTCPerPHDay * price
		issuance = append(issuance, float64(d.SubsidySat)/SatPerBTC*price)
		if n := len(issuance); n >= 365 {
			var sum float64
			for _, v := range issuance[n-365:] {
				sum += v
			}
			h.PuellMultiple = issuance[n-1] / (sum / 365)
		}
		out = append(out, h)
	}
	return out
}

// HashRibbonRecoveries returns the hash-ribbon "recovery" days: after each
// capitulation end, the first day whose 10-day price SMA is above its
// 20-day SMA (Edwards' buy signal), unless a new capitulation starts
// first.
func HashRibbonRecoveries(events []metrics.RibbonEvent, prices []chain.Price) []metrics.RibbonEvent {
	closes := make([]float64, len(prices))
	for i, p := range prices {
		closes[i] = p.CloseUSD
	}
	s10, s20 := metrics.SMA(closes, 10), metrics.SMA(closes, 20)
	var out []metrics.RibbonEvent
	for i, e := range events {
		if e.Kind != "capitulation_end" {
			continue
		}
		var next time.Time
		if i+1 < len(events) {
			next = events[i+1].Day
		}
		for j, p := range prices {
			if p.Day.Before(e.Day) || !next.IsZero() && !p.Day.Before(next) {
				continue
			}
			if s10[j] > s20[j] {
				out = append(out, metrics.RibbonEvent{Day: p.Day, Kind: "recovery"})
				break
			}
		}
	}
	return out
}

// RevenueToCost is revenue over power cost for a reference fleet of
// efficiency fleetJPerTH at power price c:
//
//	ratio = hashprice[USD/TH/day] / (fleetJPerTH · 0.024 · c)
//
// Below 1 the fleet mines at a loss on power alone.
func RevenueToCost(n Network, fleetJPerTH, powerUSDPerKWh float64) float64 {
	return ProfitabilityThresholdJPerTH(n, powerUSDPerKWh) / fleetJPerTH
}

// SignalSummary is the latest of the capitulation signals: the last
// priced day's hashprice (USD and BTC per PH/s per day) and Puell
// multiple, the difficulty ribbon's compression, and a reference fleet's
// revenue-to-cost at its efficiency (J/TH) and power price (USD/kWh).
type SignalSummary struct {
	Day                         time.Time `json:"day"`
	HashpriceUSDPerPHDay        float64   `json:"hashprice_usd_per_ph_day"`
	HashpriceBTCPerPHDay        float64   `json:"hashprice_btc_per_ph_day"`
	PuellMultiple               *float64  `json:"puell_multiple"`
	DifficultyRibbonCompression *float64  `json:"difficulty_ribbon_compression"`
	FleetJPerTH                 float64   `json:"fleet_j_per_th"`
	PowerUSDPerKWh              float64   `json:"power_usd_per_kwh"`
	RevenueToCost               float64   `json:"revenue_to_cost"`
}

// SummarizeSignals is the SignalSummary of days (metrics.Daily, not
// empty) and hist (their HashpriceHistory, possibly empty). With no hist
// the day is days' last and the hashprice is left 0 for the caller; the
// Puell multiple is nil while unknown (0), the compression nil where
// metrics.DifficultyRibbonCompression is NaN.
func SummarizeSignals(n Network, days []metrics.Day, hist []HashpriceDay, fleetJPerTH, powerUSDPerKWh float64) SignalSummary {
	s := SignalSummary{Day: days[len(days)-1].Day, FleetJPerTH: fleetJPerTH, PowerUSDPerKWh: powerUSDPerKWh,
		RevenueToCost: RevenueToCost(n, fleetJPerTH, powerUSDPerKWh)}
	if len(hist) > 0 {
		h := hist[len(hist)-1]
		s.Day, s.HashpriceUSDPerPHDay, s.HashpriceBTCPerPHDay = h.Day, h.HashpriceUSDPerPHDay, h.HashpriceBTCPerPHDay
		if h.PuellMultiple > 0 {
			s.PuellMultiple = &h.PuellMultiple
		}
	}
	if c := metrics.DifficultyRibbonCompression(days); !math.IsNaN(c) {
		s.DifficultyRibbonCompression = &c
	}
	return s
}
