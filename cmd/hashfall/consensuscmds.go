package main

import (
	"fmt"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
)

func init() {
	register(newDifficultyCmd)
	register(newRetargetCmd)
	register(newSubsidyCmd)
}

var mainnet = &chaincfg.MainNetParams

func parseBitsFlag(s string) (uint32, error) {
	if s == "" {
		return 0, usageErrorf("--bits is required")
	}
	bits, err := consensus.ParseBits(s)
	if err != nil {
		return 0, usageErrorf("--bits: %v", err)
	}
	return bits, nil
}

type difficultyResult struct {
	Bits               string  `json:"bits"`
	Difficulty         float64 `json:"difficulty"`
	TargetHex          string  `json:"target_hex"`
	Work               string  `json:"work"`
	ExpectedHashrateHs float64 `json:"expected_hashrate_hs"`
}

func newDifficultyCmd() *cobra.Command {
	var bitsHex string
	cmd := &cobra.Command{
		Use:   "difficulty --bits HEX",
		Short: "Difficulty, target, work and implied hashrate of compact bits",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bits, err := parseBitsFlag(bitsHex)
			if err != nil {
				return err
			}
			target, _, _ := consensus.CompactToTarget(bits)
			d := consensus.DifficultyFromBits(bits)
			return emit(cmd, difficultyResult{
				Bits:               fmt.Sprintf("%08x", bits),
				Difficulty:         d,
				TargetHex:          fmt.Sprintf("%064x", target),
				Work:               consensus.BlockWork(bits).String(),
				ExpectedHashrateHs: economics.ImpliedHashrateHs(d),
			})
		},
	}
	cmd.Flags().StringVar(&bitsHex, "bits", "", "compact target, 8 hex digits (e.g. 1d00ffff)")
	cmd.AddCommand(newDifficultyHistoryCmd())
	return cmd
}

type retargetResult struct {
	Bits       string  `json:"bits"`
	TargetHex  string  `json:"target_hex"`
	Difficulty float64 `json:"difficulty"`
	ChangePct  float64 `json:"change_pct" table:"%+.2f"`
	TimespanS  int64   `json:"timespan_s"`
	Clamped    bool    `json:"clamped"`
}

func newRetargetCmd() *cobra.Command {
	var bitsHex string
	var firstTime, lastTime int64
	cmd := &cobra.Command{
		Use:   "retarget --bits HEX --first-time UNIX --last-time UNIX",
		Short: "Next compact bits from a 2016-block period, exactly as Bitcoin Core computes them",
		Long: `retarget applies Bitcoin Core's CalculateNextWorkRequired: the timespan between the
first and last block of the period (2015 intervals) is clamped to [302400, 4838400] s,
the target is scaled by timespan/1209600 and capped at the proof-of-work limit.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bits, err := parseBitsFlag(bitsHex)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("first-time") || !cmd.Flags().Changed("last-time") {
				return usageErrorf("--first-time and --last-time are required")
			}
			if firstTime < 0 || lastTime < 0 {
				return usageErrorf("--first-time and --last-time must be Unix times ≥ 0")
			}
			r := consensus.NextWorkRequired(mainnet, bits, firstTime, lastTime)
			oldD := consensus.DifficultyFromBits(bits)
			newD := consensus.DifficultyFromBits(r.Bits)
			return emit(cmd, retargetResult{
				Bits:       fmt.Sprintf("%08x", r.Bits),
				TargetHex:  fmt.Sprintf("%064x", r.Target),
				Difficulty: newD,
				ChangePct:  (newD/oldD - 1) * 100,
				TimespanS:  r.ActualTimespanS,
				Clamped:    r.Clamped,
			})
		},
	}
	cmd.Flags().StringVar(&bitsHex, "bits", "", "compact bits of the period's last block (8 hex digits)")
	cmd.Flags().Int64Var(&firstTime, "first-time", 0, "timestamp of the period's first block, Unix seconds")
	cmd.Flags().Int64Var(&lastTime, "last-time", 0, "timestamp of the period's last block, Unix seconds")
	return cmd
}

type subsidyResult struct {
	Height            int64 `json:"height"`
	SubsidySat        int64 `json:"subsidy_sat"`
	SupplySat         int64 `json:"supply_sat"`
	Halvings          int64 `json:"halvings"`
	NextHalvingHeight int64 `json:"next_halving_height"`
}

func newSubsidyCmd() *cobra.Command {
	var height int64
	cmd := &cobra.Command{
		Use:   "subsidy --height N",
		Short: "Block subsidy at a height and the supply issued through it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("height") {
				return usageErrorf("--height is required")
			}
			if height < 0 {
				return usageErrorf("--height must be ≥ 0, got %d", height)
			}
			return emit(cmd, subsidyResult{
				Height:            height,
				SubsidySat:        consensus.BlockSubsidy(mainnet, height),
				SupplySat:         consensus.SupplyThrough(mainnet, height),
				Halvings:          consensus.Halvings(mainnet, height),
				NextHalvingHeight: consensus.NextHalvingHeight(mainnet, height),
			})
		},
	}
	cmd.Flags().Int64Var(&height, "height", 0, "block height")
	return cmd
}
