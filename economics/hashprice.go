package economics

import (
	"math"
	"time"
)

// HashesPerDifficulty is the expected number of hashes per block at
// difficulty 1: 2^32 (the difficulty-1 target is about 2^224).
const HashesPerDifficulty = 4294967296.0

// TargetBlockIntervalS is the block interval, in seconds, that the
// retarget aims for.
const TargetBlockIntervalS = 600.0

// SatPerBTC is the number of satoshis in one bitcoin.
const SatPerBTC = 1e8

const secondsPerDay = 86400.0

// BTCToSat converts a BTC amount to satoshis, rounding to the nearest
// satoshi: sat = round(btc · 1e8).
func BTCToSat(btc float64) int64 { return int64(math.Round(btc * SatPerBTC)) }

// ExpectedHashesPerBlock returns D·2^32, the expected number of hashes
// needed to find one block at difficulty D.
func ExpectedHashesPerBlock(difficulty float64) float64 {
	return difficulty * HashesPerDifficulty
}

// ImpliedHashrateHs returns the network hashrate, in H/s, that finds blocks
// every 600 s on average at difficulty D: H = D·2^32/600.
func ImpliedHashrateHs(difficulty float64) float64 {
	return difficulty * HashesPerDifficulty / TargetBlockIntervalS
}

// ImpliedDifficulty inverts ImpliedHashrateHs: D = H·600/2^32, with H in H/s.
func ImpliedDifficulty(hashrateHs float64) float64 {
	return hashrateHs * TargetBlockIntervalS / HashesPerDifficulty
}

// HashpriceBTCPerPHDay returns the expected revenue of 1 PH/s for one day,
// in BTC, at difficulty D with rewardPerBlockSat = subsidy + fees per
// block in satoshis:
//
//	hashprice = 1e15 H/s · 86400 s / (D·2^32 H/block) · reward/1e8 BTC/block
func HashpriceBTCPerPHDay(difficulty float64, rewardPerBlockSat float64) float64 {
	blocksPerPHDay := 1e15 * secondsPerDay / ExpectedHashesPerBlock(difficulty)
	return blocksPerPHDay * rewardPerBlockSat / SatPerBTC
}

// Network is the state of the network that revenue depends on.
type Network struct {
	PriceUSD        float64 // USD per BTC
	Difficulty      float64
	SubsidySat      int64 // block subsidy, satoshis
	FeesPerBlockSat int64 // mean transaction fees per block, satoshis
}

// RewardPerBlockSat returns subsidy + fees per block, in satoshis.
func (n Network) RewardPerBlockSat() int64 { return n.SubsidySat + n.FeesPerBlockSat }

// HashpriceBTCPerPHDay returns the network's hashprice in BTC/PH/day.
func (n Network) HashpriceBTCPerPHDay() float64 {
	return HashpriceBTCPerPHDay(n.Difficulty, float64(n.RewardPerBlockSat()))
}

// HashpriceUSDPerPHDay returns the hashprice in USD/PH/day: the BTC
// hashprice times the price in USD/BTC.
func (n Network) HashpriceUSDPerPHDay() float64 {
	return n.HashpriceBTCPerPHDay() * n.PriceUSD
}

// SecurityBudgetUSDPerDay returns what the network pays its miners per day
// at the target block rate: 144 blocks/day × (subsidy + fees) × price.
func (n Network) SecurityBudgetUSDPerDay() float64 {
	return secondsPerDay / TargetBlockIntervalS * float64(n.RewardPerBlockSat()) / SatPerBTC * n.PriceUSD
}

// State is a network state together with the power price it is judged at.
type State struct {
	Network        Network
	PowerUSDPerKWh float64
	Height         int64 // approximate block height of the snapshot
	AsOf           time.Time
	Label          string
}

// Snapshot2026Feb is the state the seed articles describe for early
// February 2026: f2pool's Feb. 2 dashboard price of $76,176
// (004_b3078c83a3b438cd.txt), difficulty 141.7T after the 11% fall
// (001_5a78b7d26449070f.txt), the 3.125 BTC subsidy since the 2024 halving
// (003_e37eb505e42ffc38.txt), fees of 0.025 BTC per block, and power at
// $0.06/kWh. It is a snapshot for reproducible reports, not live data.
var Snapshot2026Feb = State{
	Network: Network{
		PriceUSD:        76176,
		Difficulty:      141.7e12,
		SubsidySat:      312_500_000,
		FeesPerBlockSat: 2_500_000,
	},
	PowerUSDPerKWh: 0.06,
	Height:         934_000,
	AsOf:           time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC),
	Label:          "SNAPSHOT of early February 2026 from the seed articles (f2pool Feb. 2 dashboard) — not live data",
}
