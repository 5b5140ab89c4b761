package main

import (
	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
)

func init() {
	register(newHashpriceCmd)
	register(newMachinesCmd)
}

type hashpriceResult struct {
	USDPerPHDay       float64 `json:"usd_per_ph_day" table:"%.2f"`
	BTCPerPHDay       float64 `json:"btc_per_ph_day" table:"%.8f"`
	USDPerTHDay       float64 `json:"usd_per_th_day" table:"%.5f"`
	ImpliedDifficulty float64 `json:"implied_difficulty"`
	ImpliedHashrateHs float64 `json:"implied_hashrate_hs"`
}

func newHashpriceCmd() *cobra.Command {
	var nf networkFlags
	cmd := &cobra.Command{
		Use:   "hashprice --price USD (--difficulty D | --hashrate H) [--fees-btc F]",
		Short: "Revenue of 1 PH/s per day, from difficulty",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := nf.network(cmd, nil)
			if err != nil {
				return err
			}
			usd := n.HashpriceUSDPerPHDay()
			return emit(cmd, hashpriceResult{
				USDPerPHDay:       usd,
				BTCPerPHDay:       n.HashpriceBTCPerPHDay(),
				USDPerTHDay:       usd / 1000,
				ImpliedDifficulty: n.Difficulty,
				ImpliedHashrateHs: economics.ImpliedHashrateHs(n.Difficulty),
			})
		},
	}
	nf.addNetwork(cmd)
	return cmd
}

func newMachinesCmd() *cobra.Command {
	var nf networkFlags
	var model, catalogPath string
	cmd := &cobra.Command{
		Use:   "machines --price USD (--difficulty D | --hashrate H) --power-cost USD_PER_KWH [--model NAME]",
		Short: "Daily economics of every ASIC model, sorted by efficiency",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := nf.network(cmd, nil)
			if err != nil {
				return err
			}
			s, err := nf.site(cmd, nil)
			if err != nil {
				return err
			}
			cat, err := loadCatalog(catalogPath)
			if err != nil {
				return err
			}
			models := cat.ByEfficiency()
			if model != "" {
				m, err := cat.Lookup(model)
				if err != nil {
					return usageErrorf("--model: %v", err)
				}
				models = []hardware.Model{m}
			}
			return emit(cmd, machineTable(models, n, s))
		},
	}
	nf.addNetwork(cmd)
	nf.addSite(cmd)
	cmd.Flags().StringVar(&model, "model", "", "show only this model (case- and space-insensitive)")
	cmd.Flags().StringVar(&catalogPath, "catalog", "", "ASIC catalog YAML file (default: the embedded catalog)")
	return cmd
}

func loadCatalog(path string) (*hardware.Catalog, error) {
	if path == "" {
		return hardware.Default(), nil
	}
	return hardware.LoadFile(path)
}

func machineTable(models []hardware.Model, n economics.Network, s economics.Site) []economics.MachineEconomics {
	rows := make([]economics.MachineEconomics, len(models))
	for i, m := range models {
		rows[i] = economics.Machine(m, n, s)
	}
	return rows
}
