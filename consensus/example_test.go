package consensus_test

import (
	"fmt"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/hashfall/hashfall/consensus"
)

// The retarget at height 32256, Bitcoin Core's pow_tests.cpp get_next_work.
func ExampleNextWorkRequired() {
	r := consensus.NextWorkRequired(&chaincfg.MainNetParams, 0x1d00ffff, 1261130161, 1262152739)
	fmt.Printf("bits %08x after %d s (clamped %v), difficulty %.6f\n",
		r.Bits, r.ClampedTimespanS, r.Clamped, consensus.DifficultyFromBits(r.Bits))
	// Output: bits 1d00d86a after 1022578 s (clamped false), difficulty 1.182900
}

func ExampleParseBits() {
	_, err := consensus.ParseBits("0x04923456")
	fmt.Println(err)
	// Output: bits 0x04923456: negative target (sign bit 0x00800000 set)
}

func ExampleSupplyThrough() {
	p := &chaincfg.MainNetParams
	fmt.Println(consensus.BlockSubsidy(p, 840000), consensus.SupplyThrough(p, 13_999_999))
	// Output: 312500000 2099999997690000
}
