package plan

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// StoppingProblem is an optimal-stopping problem over simulated paths, in
// the form Longstaff & Schwartz (2001), "Valuing American options by
// simulation: a simple least-squares approach", Rev. Fin. Stud. 14(1),
// solve. Dates are 0 (now) … Dates, one period apart.
type StoppingProblem struct {
	Paths, Dates int
	// Discount is the one-period discount factor, e^{−rΔt}.
	Discount float64
	// Exercise is the value received at date j on path i when stopping
	// then, in date-j money.
	Exercise func(i, j int) float64
	// Flow is the cash received over (j, j+1] when not yet stopped, in
	// date-(j+1) money; nil means none (an American option).
	Flow func(i, j int) float64
	// Basis fills dst with the regressors of path i's state at date j;
	// the first should be the constant 1.
	Basis func(i, j int, dst []float64)
	// NBasis is the number of regressors.
	NBasis int
}

// StoppingResult is the Longstaff–Schwartz estimate.
type StoppingResult struct {
	Value  float64 // value today with optimal stopping, date-0 money
	StdErr float64 // Monte Carlo standard error of Value
	// StopDate is each path's stopping date under the estimated rule;
	// Dates+1 means it never stops within the horizon.
	StopDate    []int
	StopNow     bool    // stopping at date 0 beats continuing
	ContinueNow float64 // value of continuing at date 0
	ExerciseNow float64 // mean exercise value at date 0
}

// LongstaffSchwartz solves p by least-squares Monte Carlo. Backwards from
// the last date, the realised discounted value of continuing,
//
//	Y_i = D·(flow_i(j) + V_i(j+1)),
//
// is regressed on the basis over the paths where exercising pays
// (Exercise > 0); a path stops at j when its exercise value beats the
// fitted continuation, and then V_i(j) = Exercise(i, j), else V_i(j) = Y_i.
// At the last date a path stops if Exercise > 0. The estimate is the mean
// realised V at date 0 (realised, not fitted, cash flows, as LS do, so the
// regression error biases it low, never high in expectation).
func LongstaffSchwartz(p StoppingProblem) (StoppingResult, error) {
	if p.Paths < 2 || p.Dates < 1 || p.NBasis < 1 || p.Exercise == nil || p.Basis == nil {
		return StoppingResult{}, fmt.Errorf("stopping problem needs ≥ 2 paths, ≥ 1 date, a basis and an exercise value")
	}
	n, m := p.Paths, p.Dates
	v := make([]float64, n)
	stop := make([]int, n)
	for i := range v {
		stop[i] = m + 1
		if g := p.Exercise(i, m); g > 0 {
			v[i], stop[i] = g, m
		}
	}
	y := make([]float64, n)
	row := make([]float64, p.NBasis)
	itm := make([]int, 0, n)
	for j := m - 1; j >= 1; j-- {
		itm = itm[:0]
		for i := range v {
			f := 0.0
			if p.Flow != nil {
				f = p.Flow(i, j)
			}
			y[i] = p.Discount * (f + v[i])
			if p.Exercise(i, j) > 0 {
				itm = append(itm, i)
			}
		}
		if len(itm) > p.NBasis {
			coef := regress(p, j, itm, y, row)
			for _, i := range itm {
				p.Basis(i, j, row)
				cont := 0.0
				for k, b := range row {
					cont += coef[k] * b
				}
				if g := p.Exercise(i, j); g > cont {
					y[i], stop[i] = g, j
				}
			}
		}
		copy(v, y)
	}
	var r StoppingResult
	cont := make([]float64, n)
	for i := range v {
		f := 0.0
		if p.Flow != nil {
			f = p.Flow(i, 0)
		}
		cont[i] = p.Discount * (f + v[i])
		r.ExerciseNow += p.Exercise(i, 0) / float64(n)
	}
	mean, sd := stat.MeanStdDev(cont, nil)
	r.ContinueNow = mean
	r.Value, r.StdErr = mean, sd/math.Sqrt(float64(n))
	if r.ExerciseNow > mean {
		r.Value, r.StdErr, r.StopNow = r.ExerciseNow, 0, true
		for i := range stop {
			stop[i] = 0
		}
	}
	r.StopDate = stop
	return r, nil
}

// regress fits y ≈ basis·β over the paths in idx by least squares (QR,
// via gonum's SolveVec). Basis[0] must be the constant 1.
func regress(p StoppingProblem, j int, idx []int, y, row []float64) []float64 {
	a := mat.NewDense(len(idx), p.NBasis, nil)
	b := mat.NewVecDense(len(idx), nil)
	for r, i := range idx {
		p.Basis(i, j, row)
		a.SetRow(r, row)
		b.SetVec(r, y[i])
	}
	var beta mat.VecDense
	if err := beta.SolveVec(a, b); err == nil {
		return beta.RawVector().Data
	}
	// Rank-deficient basis (e.g. every path in the same state): the best
	// fit is the mean, carried by the constant regressor.
	coef := make([]float64, p.NBasis)
	for _, i := range idx {
		coef[0] += y[i] / float64(len(idx))
	}
	return coef
}
