package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/plan"
)

func init() { register(newLiquidateCmd) }

type liquidationPeriod struct {
	Period      int     `json:"period"`
	TimeDays    float64 `json:"time_days"`
	SellBTC     float64 `json:"sell_btc" table:"%.4f"`
	HoldingsBTC float64 `json:"holdings_btc" table:"%.4f"`
}

type liquidationSummary struct {
	ExpectedCostUSD float64 `json:"expected_cost_usd" table:"%.0f"`
	StdCostUSD      float64 `json:"std_cost_usd" table:"%.0f"`
	KappaPerDay     float64 `json:"kappa_per_day" table:"%.4f"`
	HalfLifeDays    float64 `json:"half_life_days" table:"%.2f"`
}

func newLiquidateCmd() *cobra.Command {
	var l plan.Liquidation
	cmd := &cobra.Command{
		Use:   "liquidate --btc X --days T --periods N --sigma S --eta E --gamma G --epsilon EPS --lambda L",
		Short: "Almgren–Chriss optimal schedule for selling BTC (λ = 0 is TWAP)",
		Long: `liquidate computes the Almgren–Chriss (2000) static schedule that minimises
expected cost + λ·variance of selling X BTC over T days in N equal periods.
σ is in USD per BTC per √day, η in USD/BTC per BTC/day (temporary impact),
γ in USD/BTC per BTC (permanent impact), ε in USD per BTC sold, λ in 1/USD.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "btc", "eta"); err != nil {
				return err
			}
			if l.LambdaPerUSD > 0 {
				if err := requireFlags(cmd, "sigma"); err != nil {
					return fmt.Errorf("%w (with --lambda > 0)", err)
				}
			}
			if err := l.Validate(); err != nil {
				return usageErrorf("%v", err)
			}
			s, err := plan.AlmgrenChriss(l)
			if err != nil {
				return err
			}
			rows := make([]liquidationPeriod, len(s.Trades))
			for i := range rows {
				rows[i] = liquidationPeriod{Period: i + 1, TimeDays: s.TimesDays[i+1], SellBTC: s.Trades[i], HoldingsBTC: s.Holdings[i+1]}
			}
			return emit(cmd, output.Document{
				Title: "Almgren–Chriss liquidation schedule",
				Sections: []output.Section{
					{Name: "summary", Data: liquidationSummary{s.ExpectedCostUSD, s.StdCostUSD, s.KappaPerDay, s.HalfLifeDays}},
					{Name: "schedule", Data: rows},
				},
			})
		},
	}
	f := cmd.Flags()
	floatVar(f, &l.Units, "btc", 0, rangeBTCAmount, "BTC to sell")
	floatVar(f, &l.HorizonDays, "days", 5, rangeDays, "horizon T, days")
	intVar(f, &l.Periods, "periods", 5, 1, 100_000, "number of equal selling periods N")
	floatVar(f, &l.SigmaUSDPerSqrtDay, "sigma", 0, rangeUSDPerUnit, "price volatility σ, USD per BTC per √day")
	floatVar(f, &l.EtaUSDDayPerUnit2, "eta", 0, rangeCoefficient, "temporary impact η, (USD/BTC)/(BTC/day)")
	floatVar(f, &l.GammaUSDPerUnit2, "gamma", 0, rangeCoefficient, "permanent impact γ, (USD/BTC)/BTC")
	floatVar(f, &l.EpsilonUSDPerUnit, "epsilon", 0, rangeUSDPerUnit, "fixed cost ε per BTC sold (half spread + fees), USD")
	floatVar(f, &l.LambdaPerUSD, "lambda", 0, rangeLambda, "risk aversion λ, 1/USD (0 = TWAP)")
	return cmd
}
