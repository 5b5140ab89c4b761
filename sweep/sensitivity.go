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
			out = append(out, Sensitivity{Metric: m, Axis: spec.Axes[a].Key, SRC: beta.AtVec(a+1) * sdX[a] / sdY, RSquared: r2})
		}
	}
	return out, nil
}
