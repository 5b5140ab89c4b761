package sweep

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
)

// CellStats are the results of one cell (formulas in the package doc).
type CellStats struct {
	Paths                         int     `json:"paths"`
	PSecurityBudgetBelow          float64 `json:"p_security_budget_below" table:"%.3f"`
	MinSecurityBudgetP50USDPerDay float64 `json:"min_security_budget_p50_usd_per_day"`
	HashrateP50Hs                 float64 `json:"hashrate_p50_hs"`
	HashrateP5Hs                  float64 `json:"hashrate_p5_hs"`
	AIHashrateShareMean           float64 `json:"ai_hashrate_share_mean" table:"%.3f"`
	BreakevenUSDPerPHDay          float64 `json:"breakeven_usd_per_ph_day"`
	PHashpriceBelowBreakeven      float64 `json:"p_hashprice_below_breakeven" table:"%.3f"`
	FirstDayBelowBreakevenP50     *int    `json:"first_day_below_breakeven_p50"`  // null: fewer than half the paths fall below
	FirstDateBelowBreakevenP50    string  `json:"first_date_below_breakeven_p50"` // start_date + that day
	AttackerBudgetUSD             float64 `json:"attacker_budget_usd"`            // ASSUMED
	DoubleSpendRisk               float64 `json:"double_spend_risk"`              // ASSUMED
	// Median and 95th percentile over paths of a path's worst day:
	// sim.MaxConfirmationsNeeded + 1 stands for "more than the cap".
	ConfirmationsNeededWorstDayP50 int   `json:"confirmations_needed_worst_day_p50"`
	ConfirmationsNeededWorstDayP95 int   `json:"confirmations_needed_worst_day_p95"`
	SimulatedBlocks                int64 `json:"simulated_blocks"`
}

// Metrics lists the CellStats columns a frontier or a sensitivity can use.
func Metrics() []string {
	return []string{"p_security_budget_below", "min_security_budget_p50_usd_per_day", "hashrate_p50_hs", "hashrate_p5_hs", "ai_hashrate_share_mean", "p_hashprice_below_breakeven",
		"confirmations_needed_worst_day_p50", "confirmations_needed_worst_day_p95"}
}

func (c *CellStats) metric(name string) (float64, bool) {
	switch name {
	case "p_security_budget_below":
		return c.PSecurityBudgetBelow, true
	case "min_security_budget_p50_usd_per_day":
		return c.MinSecurityBudgetP50USDPerDay, true
	case "hashrate_p50_hs":
		return c.HashrateP50Hs, true
	case "hashrate_p5_hs":
		return c.HashrateP5Hs, true
	case "ai_hashrate_share_mean":
		return c.AIHashrateShareMean, true
	case "p_hashprice_below_breakeven":
		return c.PHashpriceBelowBreakeven, true
	case "confirmations_needed_worst_day_p50":
		return float64(c.ConfirmationsNeededWorstDayP50), true
	case "confirmations_needed_worst_day_p95":
		return float64(c.ConfirmationsNeededWorstDayP95), true
	}
	return 0, false
}

// orderStat is the type-1 sample quantile of sorted xs: the ⌈q·n⌉-th
// smallest (the smallest for q·n ≤ 1).
func orderStat(sorted []float64, q float64) float64 {
	k := int(math.Ceil(q * float64(len(sorted))))
	return sorted[max(k, 1)-1]
}

// Stats computes every cell's results from a merged result.
func (r *Result) Stats() (*Spec, []CellStats, error) {
	spec, err := r.Spec()
	if err != nil {
		return nil, nil, err
	}
	if r.Tasks != 1 || len(r.Cells) != spec.Cells() {
		return nil, nil, fmt.Errorf("task %d of %d is part of a sweep; merge the tasks first", r.Task, r.Tasks)
	}
	if err := r.check(); err != nil {
		return nil, nil, err
	}
	for k, c := range r.Cells {
		if c.Cell != k || c.From != 0 || c.To != spec.Paths {
			return nil, nil, fmt.Errorf("cell entry %d holds cell %d paths %d..%d, not all %d paths of cell %d; merge the tasks first", k, c.Cell, c.From, c.To-1, spec.Paths, k)
		}
	}
	start, _ := time.Parse(time.DateOnly, spec.StartDate)
	out := make([]CellStats, len(r.Cells))
	for i, c := range r.Cells {
		n := len(c.FinalHashrateHs)
		if n == 0 {
			return nil, nil, fmt.Errorf("cell %d has no paths", c.Cell)
		}
		st := CellStats{Paths: n, BreakevenUSDPerPHDay: c.BreakevenUSDPerPHDay, SimulatedBlocks: c.Blocks,
			AttackerBudgetUSD: c.AttackerBudgetUSD, DoubleSpendRisk: c.DoubleSpendRisk}
		below, fell := 0, 0
		aiSum := 0.0
		days := make([]float64, n)
		for j := range n {
			if c.MinSecurityBudgetUSDPerDay[j] < spec.SecurityThresholdUSDPerDay {
				below++
			}
			if c.StartHashrateHs > 0 {
				aiSum += c.AIHashrateConvertedHs[j] / c.StartHashrateHs
			}
			days[j] = math.Inf(1)
			if d := c.FirstDayBelowBreakeven[j]; d >= 0 {
				fell++
				days[j] = float64(d)
			}
		}
		st.PSecurityBudgetBelow = float64(below) / float64(n)
		st.PHashpriceBelowBreakeven = float64(fell) / float64(n)
		st.AIHashrateShareMean = aiSum / float64(n)
		hs := slices.Clone(c.FinalHashrateHs)
		slices.Sort(hs)
		st.HashrateP50Hs, st.HashrateP5Hs = orderStat(hs, 0.5), orderStat(hs, 0.05)
		mb := slices.Clone(c.MinSecurityBudgetUSDPerDay)
		slices.Sort(mb)
		st.MinSecurityBudgetP50USDPerDay = orderStat(mb, 0.5)
		conf := make([]float64, n)
		for j, z := range c.WorstConfirmationsNeeded {
			conf[j] = float64(z)
		}
		slices.Sort(conf)
		st.ConfirmationsNeededWorstDayP50, st.ConfirmationsNeededWorstDayP95 = int(orderStat(conf, 0.5)), int(orderStat(conf, 0.95))
		slices.Sort(days)
		if d := orderStat(days, 0.5); !math.IsInf(d, 1) {
			day := int(d)
			st.FirstDayBelowBreakevenP50 = &day
			st.FirstDateBelowBreakevenP50 = start.AddDate(0, 0, day).Format(time.DateOnly)
		}
		out[i] = st
	}
	return spec, out, nil
}

// AxisColumn is an axis's column name in tables: its key with dots as
// underscores.
func AxisColumn(key string) string { return strings.ReplaceAll(key, ".", "_") }

// Rows returns one row per cell — cell, the axis values, then CellStats —
// as a slice of a struct built for the spec's axes, which the output
// package renders as a table, JSON or one CSV table.
func Rows(spec *Spec, stats []CellStats) any {
	fields := []reflect.StructField{{Name: "Cell", Type: reflect.TypeFor[int](), Tag: `json:"cell"`}}
	for a, ax := range spec.Axes {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("Axis%d", a), Type: reflect.TypeFor[float64](), Tag: reflect.StructTag(fmt.Sprintf(`json:%q table:"%%.4g"`, AxisColumn(ax.Key)))})
	}
	st := reflect.TypeFor[CellStats]()
	for i := range st.NumField() {
		f := st.Field(i)
		fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	row := reflect.StructOf(fields)
	out := reflect.MakeSlice(reflect.SliceOf(row), len(stats), len(stats))
	for c := range stats {
		v := out.Index(c)
		v.Field(0).SetInt(int64(c))
		for a := range spec.Axes {
			v.Field(1 + a).SetFloat(spec.cells[c][a])
		}
		sv := reflect.ValueOf(stats[c])
		for i := range st.NumField() {
			v.Field(1 + len(spec.Axes) + i).Set(sv.Field(i))
		}
	}
	return out.Interface()
}
