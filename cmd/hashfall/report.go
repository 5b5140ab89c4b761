package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/report"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var nf networkFlags
	var catalogPath, htmlPath, dbPath string
	cmd := &cobra.Command{
		Use:   "report [--price USD --difficulty D --fees-btc F --power-cost X] [--db FILE] [--html FILE]",
		Short: "Capitulation report: hashprice, which machines are underwater, breakeven by tier, security budget",
		Long: `report prices every catalog model against one network state. Without --db it uses
the embedded snapshot of early February 2026 from the seed articles (price $76,176,
difficulty 141.7T, fees 0.025 BTC/block, power $0.06/kWh); that snapshot is labelled
as such and is not live data. With --db it uses the latest state of a store that
hashfall sync filled: the tip's difficulty, the next block's subsidy, fees averaged
over the last 144 blocks and the latest imported price. Flags override either.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			state := economics.Snapshot2026Feb
			if dbPath != "" {
				n, asOf, err := liveNetwork(dbPath)
				if err != nil {
					return err
				}
				state = economics.State{
					Network:        n,
					PowerUSDPerKWh: state.PowerUSDPerKWh,
					AsOf:           asOf,
					Label:          fmt.Sprintf("LIVE state from store %s: tip block of %s, latest imported price", dbPath, asOf.UTC().Format("2006-01-02 15:04 MST")),
				}
			}
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
	outputFileVar(cmd.Flags(), &htmlPath, "html", "also write an HTML report with charts to this file")
	cmd.Flags().StringVar(&dbPath, "db", "", "use the latest state of this synced store instead of the embedded snapshot")
	return cmd
}
