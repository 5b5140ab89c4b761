package sweep

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Sensitivity is one axis's standardised regression coefficient on one
// metric.
type Sensitivity struct {
	Metric string `json:"metric"`
	Axis   string `json:"axis"`
	// SRC is β_a·sd(x_a)/sd(y), β the least-squares coefficients of
	// y = β_0 + Σ_a β_a·x_a over the cells: the change of y, in its
	// standard deviations, for one standard deviation of the axis.
	SRC float64 `json:"src" table:"%+.3f"`
	// RSquared is the linear model's R² for the metric; when it is near 1,
	// SRC² splits the variance of y between the axes.
	RSquared float64 `json:"r_squared" table:"%.3f"`
	// SobolFirstOrder is the main-effect index Var(E[y | x_a]) / Var(y)
	// read off a full grid, where every value of x_a meets the same
	// combinations of the others: the variance of the means of y at each
	// value of x_a over the variance of y (population variances). Null for
	// a Latin hypercube.
	SobolFirstOrder *float64 `json:"sobol_first_order" table:"%.3f"`
}

// Sensitivities regresses each metric on the axes over the cells
// (Saltelli et al. 2008, "Global Sensitivity Analysis: The Primer", §1.2.5).
// Metrics constant over the cells are left out.
func Sensitivities(spec *Spec, stats []CellStats) ([]Sensitivity, error) {
	n, k := len(stats), len(spec.Axes)
	if n < k+2 {
		return nil, fmt.Errorf("%d cells for %d axes: a regression needs at least %d", n, k, k+2)
	}
	x := mat.NewDense(n, k+1, nil)
	sdX := make([]float64, k)
	for a := range k {
		col := make([]float64, n)
		for c := range n {
			col[c] = spec.cells[c][a]
		}
		sdX[a] = stat.StdDev(col, nil)
		if sdX[a] == 0 {
			return nil, fmt.Errorf("axis %s takes one value; it cannot explain anything", spec.Axes[a].Key)
		}
	}
	for c := range n {
		x.Set(c, 0, 1)
		for a := range k {
			x.Set(c, a+1, spec.cells[c][a])
		}
	}
	var out []Sensitivity
	for _, m := range Metrics() {
		y := make([]float64, n)
		for c := range stats {
			y[c], _ = stats[c].metric(m)
		}
		sdY := stat.StdDev(y, nil)
		if !(sdY > 0) || math.IsInf(sdY, 0) {
			continue
		}
		var beta mat.VecDense
		if err := beta.SolveVec(x, mat.NewVecDense(n, y)); err != nil {
			return nil, errors.New("the axes are collinear over the cells; no regression")
		}
		var fit mat.VecDense
		fit.MulVec(x, &beta)
		ssRes, mean := 0.0, stat.Mean(y, nil)
		ssTot := 0.0
		for c := range n {
			ssRes += (y[c] - fit.AtVec(c)) * (y[c] - fit.AtVec(c))
			ssTot += (y[c] - mean) * (y[c] - mean)
		}
		r2 := 1 - ssRes/ssTot
		for a := range k {
			se := Sensitivity{Metric: m, Axis: spec.Axes[a].Key, SRC: beta.AtVec(a+1) * sdX[a] / sdY, RSquared: r2}
			if spec.Design == DesignGrid {
				s1 := mainEffect(spec, a, y, mean, ssTot/float64(n))
				se.SobolFirstOrder = &s1
			}
			out = append(out, se)
		}
	}
	return out, nil
}

// mainEffect is Var(E[y | x_a]) / Var(y) on a full grid: each of the axis's
// values is met by the same number of cells, so E[y | x_a = v] is the mean
// over the cells at v and the outer variance weighs the values equally.
func mainEffect(spec *Spec, a int, y []float64, mean, varY float64) float64 {
	sums := map[float64]float64{}
	counts := map[float64]int{}
	for c, v := range spec.cells {
		sums[v[a]] += y[c]
		counts[v[a]]++
	}
	v := 0.0
	for x, s := range sums {
		d := s/float64(counts[x]) - mean
		v += d * d
	}
	return v / float64(len(sums)) / varY
}
