package main

import (
	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/report"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var nf networkFlags
	var catalogPath, htmlPath string
	cmd := &cobra.Command{
		Use:   "report [--price USD --difficulty D --fees-btc F --power-cost X] [--html FILE]",
		Short: "Capitulation report: hashprice, which machines are underwater, breakeven by tier, security budget",
		Long: `report prices every catalog model against one network state. Without --db it uses
the embedded snapshot of early February 2026 from the seed articles (price $76,176,
difficulty 141.7T, fees 0.025 BTC/block, power $0.06/kWh); that snapshot is labelled
as such and is not live data. Flags override it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			state := economics.Snapshot2026Feb
			n, err := nf.network(cmd, &state)
			if err != nil {
				return err
			}
			s, err := nf.site(cmd, &state)
			if err != nil {
				return err
			}
			cat, err := loadCatalog(catalogPath)
			if err != nil {
				return err
			}
			state.Network = n
			r := report.Build(report.Input{State: state, Site: s, Catalog: cat})
			if htmlPath != "" {
				page, err := r.HTML()
				if err != nil {
					return err
				}
				if err := output.WriteFileAtomic(htmlPath, page); err != nil {
					return err
				}
			}
			return emit(cmd, r.Document())
		},
	}
	nf.addNetwork(cmd)
	nf.addSite(cmd)
	cmd.Flags().StringVar(&catalogPath, "catalog", "", "ASIC catalog YAML file (default: the embedded catalog)")
	cmd.Flags().StringVar(&htmlPath, "html", "", "also write an HTML report with charts to this file")
	return cmd
}
