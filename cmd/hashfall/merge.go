package main

import (
	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/sim"
)

func init() { register(newMergeCmd) }

func newMergeCmd() *cobra.Command {
	var htmlPath string
	cmd := &cobra.Command{
		Use:   "merge FILES... [--html FILE]",
		Short: "Combine simulate shard files into what one run would print",
		Long: `merge reads the files written by "hashfall simulate --shard k/N --out FILE"
and prints exactly what the unsharded run prints (only the measured
blocks_per_second of the exogenous scenario, a wall-clock figure, differs).
The shards must come from the same scenario, engine, seed, horizon and path
count and together cover every path once.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var parts []*sim.Summary
			for _, path := range args {
				s, err := sim.ReadSummaryFile(path)
				if err != nil {
					return err
				}
				parts = append(parts, s)
			}
			sum, err := sim.MergeSummaries(parts)
			if err != nil {
				return err
			}
			if htmlPath != "" && sum.ScenarioKind != sim.KindEconomic {
				return usageErrorf("--html needs an economic scenario; %s has no daily bands", sum.ScenarioName)
			}
			return emitSummary(cmd, sum, htmlPath)
		},
	}
	outputFileVar(cmd.Flags(), &htmlPath, "html", "also write fan charts to this HTML file")
	return cmd
}
