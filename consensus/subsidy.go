package consensus

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/btcsuite/btcd/chaincfg/v2"
)

// InitialSubsidySat is the block subsidy before the first halving,
// 50 BTC = 5,000,000,000 sat.
const InitialSubsidySat int64 = 50 * 100_000_000

// maxHalvings is where Core stops shifting: a right shift by 64 or more is
// undefined in C++, so Core returns 0 from the 64th halving on.
const maxHalvings = 64

// Halvings is the number of subsidy halvings before the block at height:
// ⌊height / SubsidyReductionInterval⌋ (210000 blocks on mainnet). A
// negative height (no block) gives 0.
func Halvings(p *chaincfg.Params, height int64) int64 {
	if height < 0 {
		return 0
	}
	return height / int64(p.SubsidyReductionInterval)
}

// BlockSubsidy is Bitcoin Core's GetBlockSubsidy, in satoshi:
// subsidy = 5,000,000,000 sat >> ⌊height / 210000⌋, and 0 from 64 halvings
// on. A negative height (no block) gives 0.
func BlockSubsidy(p *chaincfg.Params, height int64) int64 {
	h := Halvings(p, height)
	if height < 0 || h >= maxHalvings {
		return 0
	}
	return InitialSubsidySat >> h
}

// SupplyThrough is the total subsidy in satoshi issued by blocks 0..height
// inclusive (the genesis subsidy counts, as in Core's subsidy_limit_test):
//
//	supply = Σ_k (5e9 sat >> k) · (blocks of era k at or below height)
//
// summed over halving eras, so it costs O(halvings), not O(height). It
// never exceeds 2,099,999,997,690,000 sat. A negative height gives 0.
func SupplyThrough(p *chaincfg.Params, height int64) int64 {
	if height < 0 {
		return 0
	}
	interval := int64(p.SubsidyReductionInterval)
	last := min(Halvings(p, height), maxHalvings-1)
	var supply int64
	for k := int64(0); k <= last; k++ {
		start := k * interval
		end := min(height, start+interval-1)
		supply += (end - start + 1) * (InitialSubsidySat >> k)
	}
	return supply
}

// NextHalvingHeight is the height of the first block after height whose
// subsidy is halved again: (⌊height / 210000⌋ + 1) · 210000. For a negative
// height it is the first halving; it saturates at math.MaxInt64.
func NextHalvingHeight(p *chaincfg.Params, height int64) int64 {
	interval := int64(p.SubsidyReductionInterval)
	next := Halvings(p, height) + 1
	if next > math.MaxInt64/interval {
		return math.MaxInt64
	}
	return next * interval
}

// CheckHeight rejects heights that name no block.
func CheckHeight(height int64) error {
	if height < 0 {
		return fmt.Errorf("height %d is negative; block heights start at 0", height)
	}
	return nil
}

// ParseHeight reads a block height written in decimal ("840000").
func ParseHeight(s string) (int64, error) {
	h, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("height %q is not a whole number of blocks", s)
	}
	if err := CheckHeight(h); err != nil {
		return 0, err
	}
	return h, nil
}
