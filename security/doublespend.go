package security

import (
	"fmt"
	"math"
)

// Model is a double-spend success formula.
type Model string

// The two formulas.
const (
	Nakamoto  Model = "nakamoto"
	Rosenfeld Model = "rosenfeld"
)

// maxConfirmations bounds ConfirmationsNeeded's search.
const maxConfirmations = 1 << 20

// LogP is the natural logarithm of the attacker's success probability for
// share q ∈ [0, 1] after z ≥ 0 confirmations under model m.
func (m Model) LogP(q float64, z int) (float64, error) {
	if !(q >= 0 && q <= 1) {
		return 0, fmt.Errorf("attacker share %g not in [0, 1]", q)
	}
	if z < 0 {
		return 0, fmt.Errorf("confirmations %d < 0", z)
	}
	switch m {
	case Nakamoto:
		return logNakamoto(q, z), nil
	case Rosenfeld:
		return logRosenfeld(q, z), nil
	}
	return 0, fmt.Errorf("model %q: want nakamoto or rosenfeld", string(m))
}

// P is exp(LogP): the success probability, which underflows to 0 below
// about 1e−308 (LogP does not).
func (m Model) P(q float64, z int) (float64, error) {
	l, err := m.LogP(q, z)
	return math.Exp(l), err
}

// logNakamoto is Nakamoto's section 11 probability, with p = 1 − q and
// λ = z·q/p the attacker's expected progress while z honest blocks are
// mined:
//
//	P = 1 − Σ_{k=0..z} e^{−λ} λ^k / k! · (1 − (q/p)^{z−k})
//	  = Σ_{k=0..z} e^{−λ} λ^k / k! · (q/p)^{z−k} + Σ_{k>z} e^{−λ} λ^k / k!
//
// The second form has only positive terms and is summed in log-space. P = 1
// when q ≥ p (the attacker always catches up) and when z = 0.
func logNakamoto(q float64, z int) float64 {
	p := 1 - q
	if q >= p || z == 0 {
		return 0
	}
	if q == 0 {
		return math.Inf(-1)
	}
	lambda := float64(z) * q / p
	logLambda, logRatio := math.Log(lambda), math.Log(q/p)
	logPois := -lambda // log Pr[K = 0]
	var acc logSum
	for k := 0; ; k++ {
		if k > 0 {
			logPois += logLambda - math.Log(float64(k))
		}
		if k <= z {
			acc.add(logPois + float64(z-k)*logRatio)
			continue
		}
		acc.add(logPois)
		if float64(k) > lambda && logPois < acc.max-50 {
			return acc.value()
		}
	}
}

// logRosenfeld is Rosenfeld's exact probability. While the merchant waits
// for z honest blocks the attacker mines m blocks, negative binomial:
// Pr[m] = C(m+z−1, m) p^z q^m. From z−m blocks behind it then catches up
// with probability (q/p)^{z−m} (1 once m ≥ z), so
//
//	r = Σ_{m=0..z−1} C(m+z−1, m) q^z p^m + Σ_{m≥z} C(m+z−1, m) p^z q^m
//	  = 1 − Σ_{m=0..z} C(m+z−1, m) (p^z q^m − q^z p^m)     (Rosenfeld's form)
//
// summed in the first, all-positive form in log-space. r = 1 when q ≥ p
// and when z = 0. Grunspan and Pérez-Marco (2017) show r = I_{4pq}(z, 1/2),
// the regularized incomplete beta function, which the tests check against.
func logRosenfeld(q float64, z int) float64 {
	p := 1 - q
	if q >= p || z == 0 {
		return 0
	}
	if q == 0 {
		return math.Inf(-1)
	}
	logP, logQ := math.Log(p), math.Log(q)
	zf := float64(z)
	logC := 0.0 // log C(m+z−1, m), from C(z−1, 0) = 1
	var acc logSum
	for m := 0; ; m++ {
		mf := float64(m)
		if m > 0 {
			logC += math.Log(mf+zf-1) - math.Log(mf) // C(m+z−1, m) = C(m+z−2, m−1)·(m+z−1)/m
		}
		if m < z {
			acc.add(logC + zf*logQ + mf*logP)
			continue
		}
		term := logC + zf*logP + mf*logQ
		acc.add(term)
		// Past the mode of the negative binomial the terms fall by at
		// least the factor q(m+z)/(m+1) < 1 each step.
		if mf > zf*q/p && term < acc.max-50 {
			return acc.value()
		}
	}
}

// logSum accumulates log Σ e^{x_i} without overflow or underflow.
type logSum struct {
	max float64 // running maximum of the x_i
	sum float64 // Σ e^{x_i − max}
	n   int
}

func (s *logSum) add(x float64) {
	switch {
	case s.n == 0:
		s.max, s.sum = x, 1
	case x > s.max:
		s.sum = s.sum*math.Exp(s.max-x) + 1
		s.max = x
	default:
		s.sum += math.Exp(x - s.max)
	}
	s.n++
}

func (s *logSum) value() float64 { return s.max + math.Log(s.sum) }

// ConfirmationsNeeded is the smallest z with success probability below
// risk for an attacker with share q, as the Bitcoin paper's "P < 0.001"
// table solves it. It is an error when q ≥ 1/2 (no z suffices) or risk is
// not in (0, 1]. Both formulas fall strictly with z for q < 1/2, so the
// search doubles z and then bisects.
func (m Model) ConfirmationsNeeded(q, risk float64) (int, error) {
	if !(risk > 0 && risk <= 1) {
		return 0, fmt.Errorf("risk %g not in (0, 1]", risk)
	}
	if !(q >= 0 && q < 0.5) {
		return 0, fmt.Errorf("attacker share %g: no number of confirmations protects against q ≥ 0.5", q)
	}
	logRisk := math.Log(risk)
	below := func(z int) (bool, error) {
		l, err := m.LogP(q, z)
		return l < logRisk, err
	}
	if ok, err := below(0); err != nil || ok {
		return 0, err
	}
	lo, hi := 0, 1 // P(lo) ≥ risk
	for {
		ok, err := below(hi)
		if err != nil {
			return 0, err
		}
		if ok {
			break
		}
		lo, hi = hi, 2*hi
		if hi > maxConfirmations {
			return 0, fmt.Errorf("attacker share %g: more than %d confirmations needed for risk %g", q, maxConfirmations, risk)
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, _ := below(mid)
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// ShareNeeded is the attacker share q at which the success probability
// after z ≥ 1 confirmations equals prob ∈ (0, 1), found by bisection to
// 1e−12 (the probability rises strictly with q on [0, 1/2]).
func (m Model) ShareNeeded(z int, prob float64) (float64, error) {
	if z < 1 {
		return 0, fmt.Errorf("confirmations %d: need at least 1", z)
	}
	if !(prob > 0 && prob < 1) {
		return 0, fmt.Errorf("probability %g not in (0, 1)", prob)
	}
	logProb := math.Log(prob)
	lo, hi := 0.0, 0.5
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		l, err := m.LogP(mid, z)
		if err != nil {
			return 0, err
		}
		if l < logProb {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, nil
}
