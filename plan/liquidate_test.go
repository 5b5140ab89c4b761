package plan

import (
	"math"
	"testing"
)

// paperExample is the numerical example of Almgren & Chriss (2000),
// "Optimal execution of portfolio transactions", §2.4: 10^6 shares at $50,
// 30% annual volatility (σ = 0.95 $/share/√day), 5 days in 5 periods, a
// 1/8 spread (ε = 0.0625), η = 2.5e-6, γ = 2.5e-7.
func paperExample(lambda float64) Liquidation {
	return Liquidation{
		Units: 1e6, HorizonDays: 5, Periods: 5,
		SigmaUSDPerSqrtDay: 0.95, EtaUSDDayPerUnit2: 2.5e-6, GammaUSDPerUnit2: 2.5e-7,
		EpsilonUSDPerUnit: 0.0625, LambdaPerUSD: lambda,
	}
}

func near(t *testing.T, what string, got, want, relTol float64) {
	t.Helper()
	if math.Abs(got-want) > relTol*math.Abs(want) {
		t.Errorf("%s = %.10g, want %.10g (rel tol %.1g)", what, got, want, relTol)
	}
}

// At λ = 0 the paper's optimal strategy is the straight line, with
// E = ½γX² + εX + η̃X²/T and V = ⅓σ²X²T(1 − 1/N)(1 − 1/2N) (AC2000 §2.2,
// the naïve strategy): $662,500 and 1.083e12 $² for the example.
func TestAlmgrenChrissLambdaZeroIsTWAP(t *testing.T) {
	l := paperExample(0)
	s, err := AlmgrenChriss(l)
	if err != nil {
		t.Fatal(err)
	}
	for k, x := range s.Holdings {
		near(t, "holding", x+1, 1e6*(1-float64(k)/5)+1, 1e-12)
	}
	for _, n := range s.Trades {
		near(t, "trade", n, 2e5, 1e-12)
	}
	X, T, N := l.Units, l.HorizonDays, float64(l.Periods)
	wantE := 0.5*l.GammaUSDPerUnit2*X*X + l.EpsilonUSDPerUnit*X + l.EtaTilde()*X*X/T
	wantV := l.SigmaUSDPerSqrtDay * l.SigmaUSDPerSqrtDay * X * X * T / 3 * (1 - 1/N) * (1 - 1/(2*N))
	near(t, "E", s.ExpectedCostUSD, wantE, 1e-12)
	near(t, "E (paper's $662,500)", s.ExpectedCostUSD, 662500, 1e-12)
	near(t, "V", s.StdCostUSD*s.StdCostUSD, wantV, 1e-12)
	near(t, "V (1.083e12)", s.StdCostUSD*s.StdCostUSD, 1.083e12, 1e-12)
	if s.KappaPerDay != 0 || s.HalfLifeDays != 0 {
		t.Errorf("κ = %g, half-life = %g; want 0 for TWAP", s.KappaPerDay, s.HalfLifeDays)
	}
}

// For λ > 0 the paper gives E and V of the optimal trajectory in closed
// form (AC2000 §2.2, "E(x) = ½γX² + εX + η̃X² tanh(½κτ)(τ
// sinh(2κT) + 2T sinh(κτ)) / (2τ² sinh²(κT))" and "V(x) = ½σ²X² (τ sinh(κT)
// cosh(κ(T−τ)) − T sinh(κτ)) / (sinh²(κT) sinh(κτ))"). Our sums over the
// trajectory must agree with them at the paper's λ = 1e-7 and 1e-6.
func TestAlmgrenChrissPaperClosedForms(t *testing.T) {
	for _, lambda := range []float64{1e-7, 1e-6, 2e-6} {
		l := paperExample(lambda)
		s, err := AlmgrenChriss(l)
		if err != nil {
			t.Fatal(err)
		}
		X, T, tau, k := l.Units, l.HorizonDays, 1.0, s.KappaPerDay
		sig := l.SigmaUSDPerSqrtDay
		// κ from its definition, cosh(κτ) = 1 + λσ²τ²/(2η̃).
		near(t, "cosh κτ", math.Cosh(k*tau), 1+lambda*sig*sig*tau*tau/(2*(2.5e-6-2.5e-7/2)), 1e-12)
		sh := math.Sinh(k * T)
		wantE := 0.5*l.GammaUSDPerUnit2*X*X + l.EpsilonUSDPerUnit*X +
			l.EtaTilde()*X*X*math.Tanh(0.5*k*tau)*(tau*math.Sinh(2*k*T)+2*T*math.Sinh(k*tau))/(2*tau*tau*sh*sh)
		wantV := 0.5 * sig * sig * X * X * (tau*sh*math.Cosh(k*(T-tau)) - T*math.Sinh(k*tau)) / (sh * sh * math.Sinh(k*tau))
		near(t, "E", s.ExpectedCostUSD, wantE, 1e-9)
		near(t, "V", s.StdCostUSD*s.StdCostUSD, wantV, 1e-9)
		if s.Holdings[0] != X || s.Holdings[5] != 0 {
			t.Errorf("λ=%g: holdings run %g → %g, want %g → 0", lambda, s.Holdings[0], s.Holdings[5], X)
		}
		// Risk aversion sells faster than TWAP: every interior holding
		// lies below the straight line.
		for i := 1; i < 5; i++ {
			if s.Holdings[i] >= X*(1-float64(i)/5) {
				t.Errorf("λ=%g: x_%d = %.0f not below TWAP", lambda, i, s.Holdings[i])
			}
		}
	}
}

// Along the efficient frontier E rises and V falls as λ grows.
func TestAlmgrenChrissFrontierIsMonotone(t *testing.T) {
	prevE, prevV := -1.0, math.Inf(1)
	for _, lambda := range []float64{0, 1e-7, 1e-6, 1e-5} {
		s, err := AlmgrenChriss(paperExample(lambda))
		if err != nil {
			t.Fatal(err)
		}
		if s.ExpectedCostUSD <= prevE || s.StdCostUSD >= prevV {
			t.Errorf("λ=%g: E=%.0f V^½=%.0f, not on a frontier after E=%.0f V^½=%.0f", lambda, s.ExpectedCostUSD, s.StdCostUSD, prevE, prevV)
		}
		prevE, prevV = s.ExpectedCostUSD, s.StdCostUSD
	}
}

// The trajectory minimises U = E + λV: moving any interior holding up or
// down by 1% of X must not lower U. This checks the sinh formula
// independently of the closed forms above.
func TestAlmgrenChrissMinimisesUtility(t *testing.T) {
	for _, lambda := range []float64{0, 1e-7, 1e-6} {
		l := paperExample(lambda)
		s, err := AlmgrenChriss(l)
		if err != nil {
			t.Fatal(err)
		}
		utility := func(x []float64) float64 {
			var e, v float64
			e = 0.5 * l.GammaUSDPerUnit2 * l.Units * l.Units
			for k := 1; k < len(x); k++ {
				n := x[k-1] - x[k]
				e += l.EpsilonUSDPerUnit*math.Abs(n) + l.EtaTilde()*n*n
				v += l.SigmaUSDPerSqrtDay * l.SigmaUSDPerSqrtDay * x[k] * x[k]
			}
			return e + lambda*v
		}
		best := utility(s.Holdings)
		near(t, "U", best, s.ExpectedCostUSD+lambda*s.StdCostUSD*s.StdCostUSD, 1e-9)
		for k := 1; k < 5; k++ {
			for _, d := range []float64{-1e4, 1e4} {
				x := append([]float64(nil), s.Holdings...)
				x[k] += d
				if u := utility(x); u < best-1e-6 {
					t.Errorf("λ=%g: moving x_%d by %+g lowers U from %.2f to %.2f", lambda, k, d, best, u)
				}
			}
		}
	}
}

func TestAlmgrenChrissHugeKappaDoesNotOverflow(t *testing.T) {
	l := paperExample(1)
	l.Periods, l.HorizonDays = 1000, 1000
	s, err := AlmgrenChriss(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range s.Holdings {
		if math.IsNaN(x) || x < 0 || x > l.Units {
			t.Fatalf("holding %g out of range", x)
		}
	}
}

func TestAlmgrenChrissRejectsBadInput(t *testing.T) {
	for _, l := range []Liquidation{
		func() Liquidation { l := paperExample(0); l.Periods = 0; return l }(),
		func() Liquidation { l := paperExample(0); l.HorizonDays = 0; return l }(),
		func() Liquidation { l := paperExample(-1); return l }(),
		func() Liquidation { l := paperExample(0); l.GammaUSDPerUnit2 = 1; return l }(),
		func() Liquidation { l := paperExample(0); l.Units = math.NaN(); return l }(),
	} {
		if _, err := AlmgrenChriss(l); err == nil {
			t.Errorf("%+v: want an error", l)
		}
	}
}

// An independent implementation of AC2000 run on the paper's example: the
// DROP library's Almgren–Chriss coverage test
// (lakshmidrip.github.io/DROP/junit/classes/org.drip.coverage.execution.AlmgrenChriss.html)
// prints, per λ in units of 1e-6 per $: mean cost ($M), variance ($M²),
// mean + λ·variance ($M) and half-life (days), to 4 decimals.
func TestAlmgrenChrissMatchesDROP(t *testing.T) {
	for _, c := range []struct{ lambda, mean, variance, penalty, halfLife float64 }{
		{1e-9, 0.6625, 1.0812, 0.6636, 51.30},
		{2e-9, 0.6625, 1.0794, 0.6647, 36.27},
		{5e-9, 0.6625, 1.0740, 0.6679, 22.94},
		{9e-9, 0.6626, 1.0669, 0.6722, 17.10},
	} {
		s, err := AlmgrenChriss(paperExample(c.lambda))
		if err != nil {
			t.Fatal(err)
		}
		v := s.StdCostUSD * s.StdCostUSD
		for _, x := range []struct {
			what      string
			got, want float64
			tol       float64
		}{
			{"mean $M", s.ExpectedCostUSD / 1e6, c.mean, 5e-5},
			{"variance $M²", v / 1e12, c.variance, 5e-5},
			{"penalty $M", (s.ExpectedCostUSD + c.lambda*v) / 1e6, c.penalty, 5e-5},
			{"half-life days", s.HalfLifeDays, c.halfLife, 5e-3},
		} {
			if math.Abs(x.got-x.want) > x.tol+1e-12 {
				t.Errorf("λ=%g: %s = %.5f, DROP prints %.4f", c.lambda, x.what, x.got, x.want)
			}
		}
	}
}
