package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/hashfall/hashfall/output"
	"github.com/hashfall/hashfall/sim"
)

// Notes are the labels every sweep output carries: what is assumed and
// what the thresholds are.
func Notes(spec *Spec) []string {
	be := "each cell's fleet breakeven (sim.FleetBreakevenUSDPerPHDay: power cost of the fleet running on day 0, net of pool fee)"
	if spec.BreakevenUSDPerPHDay > 0 {
		be = fmt.Sprintf("%g USD/PH/day (set in the spec)", spec.BreakevenUSDPerPHDay)
	}
	return []string{
		fmt.Sprintf("base scenario %s: fleet mix, power costs, miner behaviour, entry and AI-conversion parameters are ASSUMED, not measured", spec.Base),
		fmt.Sprintf("p_security_budget_below: share of paths whose daily security budget (subsidy + fees) × price falls below %g USD/day on some day", spec.SecurityThresholdUSDPerDay),
		"hashprice breakeven: " + be,
		fmt.Sprintf("day 0 = %s; %d paths per cell, %s engine; a probability's Monte Carlo standard error is √(p(1−p)/paths) ≤ %.3g", spec.StartDate, spec.Paths, spec.Engine, 0.5/math.Sqrt(float64(spec.Paths))),
		fmt.Sprintf("confirmations_needed_worst_day_p50/_p95: per path the most confirmations Rosenfeld's formula asks on any day of the horizon for a double spend to succeed with probability below double_spend_risk against the hashrate attacker_budget_usd buys new (both ASSUMED, per cell in their columns), then the median and 95th percentile over paths; %d means more than %d", sim.MaxConfirmationsNeeded+1, sim.MaxConfirmationsNeeded),
	}
}

// FrontierQuery asks where Metric crosses Level along axis Y, for each
// value of axis X, the other axes held at Fixed (default: their first grid
// value).
type FrontierQuery struct {
	X, Y, Metric string
	Level        float64
	Fixed        map[string]float64
}

// Frontier is the boundary and the grid it was read from.
type Frontier struct {
	Query  FrontierQuery
	XAxis  Axis
	YAxis  Axis
	Xs, Ys []float64
	Z      [][]float64 // [x][y] metric
	// YAtLevel[i] is the y at which the metric crosses the level at Xs[i]
	// (linear between grid points, first crossing from the low end); NaN if
	// it does not cross within the grid.
	YAtLevel []float64
	Fixed    map[string]float64
}

// FrontierOf reads a frontier off a grid sweep's cell results.
func FrontierOf(spec *Spec, stats []CellStats, q FrontierQuery) (*Frontier, error) {
	if spec.Design != DesignGrid {
		return nil, errors.New("a frontier needs a grid design; a Latin hypercube has no lines to follow (use sweep sensitivity)")
	}
	if _, ok := (&CellStats{}).metric(q.Metric); !ok {
		return nil, fmt.Errorf("unknown metric %q (want one of %s)", q.Metric, strings.Join(Metrics(), ", "))
	}
	if !finite(q.Level) {
		return nil, errors.New("the level must be a finite number")
	}
	ix, iy := -1, -1
	for a, ax := range spec.Axes {
		switch ax.Key {
		case q.X:
			ix = a
		case q.Y:
			iy = a
		}
	}
	if ix < 0 || iy < 0 || ix == iy {
		var keys []string
		for _, ax := range spec.Axes {
			keys = append(keys, ax.Key)
		}
		return nil, fmt.Errorf("x and y must be two different axes of the sweep (%s), got %q and %q", strings.Join(keys, ", "), q.X, q.Y)
	}
	fixed := map[string]float64{}
	for a, ax := range spec.Axes {
		if a == ix || a == iy {
			if _, ok := q.Fixed[ax.Key]; ok {
				return nil, fmt.Errorf("%s is an axis of the frontier; it cannot be fixed", ax.Key)
			}
			continue
		}
		v, ok := q.Fixed[ax.Key]
		if !ok {
			v = ax.gridValue(0)
		}
		// The nearest grid value, if within 10⁻⁹ of the axis's span: a
		// typed 0.1 need not equal the computed 0.1 to the last bit.
		best, tol := math.NaN(), 1e-9*math.Max(1, math.Abs(ax.gridValue(ax.points()-1)-ax.gridValue(0)))
		for k := range ax.points() {
			if g := ax.gridValue(k); math.Abs(g-v) <= tol && (math.IsNaN(best) || math.Abs(g-v) < math.Abs(best-v)) {
				best = g
			}
		}
		if math.IsNaN(best) {
			return nil, fmt.Errorf("%s = %g is not one of its grid values", ax.Key, v)
		}
		fixed[ax.Key] = best
	}
	for k := range q.Fixed {
		if _, ok := fixed[k]; !ok {
			return nil, fmt.Errorf("--fix %s: not an axis of the sweep", k)
		}
	}
	f := &Frontier{Query: q, XAxis: spec.Axes[ix], YAxis: spec.Axes[iy], Fixed: fixed}
	for k := range f.XAxis.points() {
		f.Xs = append(f.Xs, f.XAxis.gridValue(k))
	}
	for k := range f.YAxis.points() {
		f.Ys = append(f.Ys, f.YAxis.gridValue(k))
	}
	f.Z = make([][]float64, len(f.Xs))
	for i := range f.Z {
		f.Z[i] = make([]float64, len(f.Ys))
		for j := range f.Z[i] {
			f.Z[i][j] = math.NaN()
		}
	}
	for c, v := range spec.cells {
		match := true
		for a, ax := range spec.Axes {
			if fv, ok := fixed[ax.Key]; ok && v[a] != fv {
				match = false
			}
		}
		if !match {
			continue
		}
		i, j := slices.Index(f.Xs, v[ix]), slices.Index(f.Ys, v[iy])
		f.Z[i][j], _ = stats[c].metric(q.Metric)
	}
	// The grid's y values sorted ascending, for the crossing search.
	order := make([]int, len(f.Ys))
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(f.Ys[a], f.Ys[b]) })
	for i := range f.Xs {
		f.YAtLevel = append(f.YAtLevel, crossing(f.Ys, f.Z[i], order, q.Level))
	}
	return f, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// crossing is the first y, from the lowest, at which z − level changes
// sign, interpolated linearly between the two grid points around it; a
// grid point exactly at the level is its own crossing. NaN if none.
func crossing(ys, z []float64, order []int, level float64) float64 {
	for k := 0; k+1 < len(order); k++ {
		a, b := order[k], order[k+1]
		za, zb := z[a]-level, z[b]-level
		if za == 0 {
			return ys[a]
		}
		if za*zb < 0 {
			return ys[a] + (ys[b]-ys[a])*za/(za-zb)
		}
		if zb == 0 {
			return ys[b]
		}
	}
	return math.NaN()
}

// Rows returns the frontier as one row per x: the x value and the y at the
// level (empty where the metric does not cross it within the grid).
func (f *Frontier) Rows() any {
	row := reflect.StructOf([]reflect.StructField{
		{Name: "X", Type: reflect.TypeFor[float64](), Tag: reflect.StructTag(fmt.Sprintf(`json:%q`, AxisColumn(f.XAxis.Key)))},
		{Name: "Y", Type: reflect.TypeFor[*float64](), Tag: reflect.StructTag(fmt.Sprintf(`json:%q`, AxisColumn(f.YAxis.Key)+"_at_level"))},
	})
	out := reflect.MakeSlice(reflect.SliceOf(row), len(f.Xs), len(f.Xs))
	for i, x := range f.Xs {
		out.Index(i).Field(0).SetFloat(x)
		if y := f.YAtLevel[i]; !math.IsNaN(y) {
			out.Index(i).Field(1).Set(reflect.ValueOf(&y))
		}
	}
	return out.Interface()
}

// Title describes the frontier in words.
func (f *Frontier) Title() string {
	return fmt.Sprintf("%s at which %s = %g, by %s", axisLabel(f.YAxis), f.Query.Metric, f.Query.Level, axisLabel(f.XAxis))
}

func axisLabel(a Axis) string {
	if a.Unit != "" {
		return a.Key + " (" + a.Unit + ")"
	}
	return a.Key
}

// gridXYZ shows the frontier's metric grid to plotter.HeatMap.
type gridXYZ struct{ f *Frontier }

func (g gridXYZ) Dims() (int, int)   { return len(g.f.Xs), len(g.f.Ys) }
func (g gridXYZ) Z(c, r int) float64 { return g.f.Z[c][r] }
func (g gridXYZ) X(c int) float64    { return g.f.Xs[c] }
func (g gridXYZ) Y(r int) float64    { return g.f.Ys[r] }

// WriteChart draws the metric as a heat map over the two axes with the
// frontier on top, labelled with the axes' units and ASSUMED, and writes
// it atomically as SVG or PNG (by the file's extension).
func (f *Frontier) WriteChart(path string, spec *Spec) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "svg" && format != "png" {
		return fmt.Errorf("chart %s: the file must end in .svg or .png", path)
	}
	if len(f.Xs) < 2 || len(f.Ys) < 2 {
		return errors.New("a chart needs at least two values on each axis")
	}
	// HeatMap wants increasing coordinates.
	sorted := &Frontier{Xs: slices.Clone(f.Xs), Ys: slices.Clone(f.Ys)}
	slices.Sort(sorted.Xs)
	slices.Sort(sorted.Ys)
	sorted.Z = make([][]float64, len(f.Xs))
	for i, x := range sorted.Xs {
		sorted.Z[i] = make([]float64, len(f.Ys))
		for j, y := range sorted.Ys {
			sorted.Z[i][j] = f.Z[slices.Index(f.Xs, x)][slices.Index(f.Ys, y)]
		}
	}
	pal := moreland.SmoothBlueRed().Palette(64)
	hm := plotter.NewHeatMap(gridXYZ{sorted}, pal)
	hm.NaN = color.Transparent
	if strings.HasPrefix(f.Query.Metric, "p_") {
		// Probabilities on one fixed scale, so that charts compare.
		hm.Min, hm.Max = 0, 1
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("where %s = %g (line)\ncolour: %s from %.3g (blue) to %.3g (red)\nASSUMED fleet and behaviour parameters (base %s)",
		f.Query.Metric, f.Query.Level, f.Query.Metric, hm.Min, hm.Max, spec.Base)
	p.X.Label.Text = axisLabel(f.XAxis)
	p.Y.Label.Text = axisLabel(f.YAxis)
	p.Add(hm)
	var pts plotter.XYs
	for i, x := range f.Xs {
		if y := f.YAtLevel[i]; !math.IsNaN(y) {
			pts = append(pts, plotter.XY{X: x, Y: y})
		}
	}
	slices.SortFunc(pts, func(a, b plotter.XY) int { return cmpFloat(a.X, b.X) })
	if len(pts) > 0 {
		line, scatter, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Width = vg.Points(2)
		line.Color = color.Black
		scatter.Color = color.Black
		p.Add(line, scatter)
		p.Legend.Add(fmt.Sprintf("%s = %g", f.Query.Metric, f.Query.Level), line)
		p.Legend.Top = true
	}
	w, err := p.WriterTo(7*vg.Inch, 5*vg.Inch, format)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return err
	}
	return output.WriteFileAtomic(path, b.Bytes())
}
