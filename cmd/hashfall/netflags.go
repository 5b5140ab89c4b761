package main

import (
	"math"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
)

// networkFlags are the flags that describe a network state and a site, shared
// by hashprice, machines and report.
type networkFlags struct {
	price      float64
	difficulty float64
	hashrateHs float64
	feesBTC    float64
	powerCost  float64
	pue        float64
	poolFeePct float64
}

func (nf *networkFlags) addNetwork(cmd *cobra.Command) {
	f := cmd.Flags()
	floatVar(f, &nf.price, "price", 0, rangePriceUSD, "BTC price in USD")
	siFloatVar(f, &nf.difficulty, "difficulty", 0, rangeDifficulty, "network difficulty, SI suffix allowed (141.7T)")
	hashrateVar(f, &nf.hashrateHs, "hashrate", 0, rangeHashrateHs, "network hashrate in H/s, SI suffix allowed (890E, 1Z); implies the difficulty")
	floatVar(f, &nf.feesBTC, "fees-btc", float64(economics.Snapshot2026Feb.Network.FeesPerBlockSat)/economics.SatPerBTC, rangeBTC, "mean transaction fees per block, BTC")
}

func (nf *networkFlags) addSite(cmd *cobra.Command) {
	f := cmd.Flags()
	floatVar(f, &nf.powerCost, "power-cost", 0, rangePowerUSDPerKWh, "power price, USD/kWh")
	floatVar(f, &nf.pue, "pue", 1, rangePUE, "power usage effectiveness (facility / machine energy, ≥ 1)")
	floatVar(f, &nf.poolFeePct, "pool-fee", 0, rangePctBelow100, "pool fee, percent of revenue")
}

// network builds the state from the flags. With fallback non-nil, flags the
// user did not set take their value from it; otherwise price and one of
// difficulty or hashrate are required.
func (nf *networkFlags) network(cmd *cobra.Command, fallback *economics.State) (economics.Network, error) {
	flags := cmd.Flags()
	if flags.Changed("difficulty") && flags.Changed("hashrate") {
		return economics.Network{}, usageErrorf("--difficulty and --hashrate conflict: give one")
	}
	n := economics.Network{SubsidySat: economics.Snapshot2026Feb.Network.SubsidySat}
	if fallback != nil {
		n = fallback.Network
	}
	switch {
	case flags.Changed("price"):
		n.PriceUSD = nf.price
	case fallback == nil:
		return n, usageErrorf("--price is required")
	}
	if !(n.PriceUSD > 0) || math.IsInf(n.PriceUSD, 0) {
		return n, usageErrorf("--price must be > 0, got %g", n.PriceUSD)
	}
	switch {
	case flags.Changed("difficulty"):
		n.Difficulty = nf.difficulty
	case flags.Changed("hashrate"):
		n.Difficulty = economics.ImpliedDifficulty(nf.hashrateHs)
	case fallback == nil:
		return n, usageErrorf("give --difficulty or --hashrate")
	}
	if !(n.Difficulty >= 1) {
		return n, usageErrorf("--difficulty must be ≥ 1, got %g", n.Difficulty)
	}
	if flags.Changed("fees-btc") || fallback == nil {
		if nf.feesBTC < 0 || math.IsNaN(nf.feesBTC) || nf.feesBTC > 21e6 {
			return n, usageErrorf("--fees-btc must be between 0 and 21,000,000, got %g", nf.feesBTC)
		}
		n.FeesPerBlockSat = economics.BTCToSat(nf.feesBTC)
	}
	return n, nil
}

func (nf *networkFlags) site(cmd *cobra.Command, fallback *economics.State) (economics.Site, error) {
	s := economics.Site{PowerUSDPerKWh: nf.powerCost, PUE: nf.pue, PoolFeeFrac: nf.poolFeePct / 100}
	if !cmd.Flags().Changed("power-cost") {
		if fallback == nil {
			return s, usageErrorf("--power-cost is required")
		}
		s.PowerUSDPerKWh = fallback.PowerUSDPerKWh
	}
	if s.PowerUSDPerKWh < 0 || math.IsNaN(s.PowerUSDPerKWh) || math.IsInf(s.PowerUSDPerKWh, 0) {
		return s, usageErrorf("--power-cost must be ≥ 0 USD/kWh, got %g", s.PowerUSDPerKWh)
	}
	if !(s.PUE >= 1) || math.IsInf(s.PUE, 0) {
		return s, usageErrorf("--pue must be ≥ 1, got %g", s.PUE)
	}
	if !(nf.poolFeePct >= 0 && nf.poolFeePct < 100) {
		return s, usageErrorf("--pool-fee must be a percentage in [0, 100), got %g", nf.poolFeePct)
	}
	return s, nil
}
