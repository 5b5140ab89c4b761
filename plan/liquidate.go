package plan

import (
	"fmt"
	"math"
)

// Liquidation are the inputs of the Almgren–Chriss (2000) problem: sell
// Units over HorizonDays in Periods equal intervals of τ = T/N days,
// minimising E[cost] + λ·Var[cost], where cost is the implementation
// shortfall against the price at the start.
//
// With linear impact the price moves by −γ·n permanently for every n units
// sold, each sale fills ε + η·n/τ below the current price, and the price
// diffuses with σ USD per unit per √day.
type Liquidation struct {
	Units              float64 // X, units (BTC) to sell
	HorizonDays        float64 // T
	Periods            int     // N
	SigmaUSDPerSqrtDay float64 // σ, USD per unit per √day
	EtaUSDDayPerUnit2  float64 // η, temporary impact, (USD/unit)/(unit/day)
	GammaUSDPerUnit2   float64 // γ, permanent impact, (USD/unit)/unit
	EpsilonUSDPerUnit  float64 // ε, fixed cost per unit sold (half spread plus fees)
	LambdaPerUSD       float64 // λ, risk aversion, 1/USD
}

// LiquidationSchedule is the optimal trajectory and its cost distribution.
type LiquidationSchedule struct {
	Holdings        []float64 `json:"holdings"`   // x_0 = X … x_N = 0, units
	Trades          []float64 `json:"trades"`     // n_k = x_{k−1} − x_k, units
	TimesDays       []float64 `json:"times_days"` // t_k = kτ
	ExpectedCostUSD float64   `json:"expected_cost_usd"`
	StdCostUSD      float64   `json:"std_cost_usd"`
	KappaPerDay     float64   `json:"kappa_per_day"`
	HalfLifeDays    float64   `json:"half_life_days,omitempty"` // 1/κ; absent for TWAP
}

// EtaTilde returns η̃ = η − γτ/2, the temporary impact corrected for the
// discrete-time cross term of permanent impact (AC2000 eq. for E(x)). It
// must be positive for the problem to be convex.
func (l Liquidation) EtaTilde() float64 {
	return l.EtaUSDDayPerUnit2 - l.GammaUSDPerUnit2*l.tauDays()/2
}

func (l Liquidation) tauDays() float64 { return l.HorizonDays / float64(l.Periods) }

// Validate reports the first input that makes the problem ill-posed.
func (l Liquidation) Validate() error {
	switch {
	case !(l.Units >= 0) || math.IsInf(l.Units, 0):
		return fmt.Errorf("units to sell must be a finite number ≥ 0, got %g", l.Units)
	case !(l.HorizonDays > 0) || math.IsInf(l.HorizonDays, 0):
		return fmt.Errorf("horizon must be > 0 days, got %g", l.HorizonDays)
	case l.Periods < 1 || l.Periods > 1_000_000:
		return fmt.Errorf("periods must be between 1 and 1,000,000, got %d", l.Periods)
	case !(l.SigmaUSDPerSqrtDay >= 0), !(l.GammaUSDPerUnit2 >= 0), !(l.EpsilonUSDPerUnit >= 0), !(l.LambdaPerUSD >= 0):
		return fmt.Errorf("sigma, gamma, epsilon and lambda must be ≥ 0")
	case !(l.EtaTilde() > 0):
		return fmt.Errorf("eta − gamma·tau/2 = %g must be > 0 (temporary impact too small for the permanent impact)", l.EtaTilde())
	}
	return nil
}

// AlmgrenChriss returns the optimal static liquidation trajectory of
// Almgren & Chriss (2000), "Optimal execution of portfolio transactions",
// J. Risk 3(2):
//
//	x_k = X · sinh(κ(T − t_k)) / sinh(κT),   t_k = kτ
//	cosh(κτ) = 1 + κ̃²τ²/2,   κ̃² = λσ²/η̃,   η̃ = η − γτ/2
//
// with κ in 1/day. λ = 0 gives κ = 0 and the straight line x_k = X(1 − k/N)
// (TWAP). The cost moments are evaluated on the trajectory itself:
//
//	E = ½γX² + ε Σ|n_k| + (η̃/τ) Σ n_k²      (USD)
//	V = σ² τ Σ_{k=1}^{N} x_k²                (USD²)
func AlmgrenChriss(l Liquidation) (LiquidationSchedule, error) {
	if err := l.Validate(); err != nil {
		return LiquidationSchedule{}, err
	}
	n := l.Periods
	tau := l.tauDays()
	etaTilde := l.EtaTilde()
	kappaTilde2 := l.LambdaPerUSD * l.SigmaUSDPerSqrtDay * l.SigmaUSDPerSqrtDay / etaTilde
	kappa := math.Acosh(1+kappaTilde2*tau*tau/2) / tau

	s := LiquidationSchedule{
		Holdings:    make([]float64, n+1),
		Trades:      make([]float64, n),
		TimesDays:   make([]float64, n+1),
		KappaPerDay: kappa,
	}
	// sinh(κT) overflows beyond κT ≈ 710; the ratio is then e^{−κ t_k}
	// to double precision, so use that form.
	kT := kappa * l.HorizonDays
	for k := 0; k <= n; k++ {
		t := float64(k) * tau
		s.TimesDays[k] = t
		switch {
		case k == n:
			s.Holdings[k] = 0
		case kappa == 0 || kT < 1e-9:
			s.Holdings[k] = l.Units * float64(n-k) / float64(n)
		case kT > 700:
			s.Holdings[k] = l.Units * math.Exp(-kappa*t) * (1 - math.Exp(-2*kappa*(l.HorizonDays-t))) / (1 - math.Exp(-2*kT))
		default:
			s.Holdings[k] = l.Units * math.Sinh(kappa*(l.HorizonDays-t)) / math.Sinh(kT)
		}
	}
	s.Holdings[0] = l.Units
	var sumAbs, sumSq, sumX2 float64
	for k := 0; k < n; k++ {
		tr := s.Holdings[k] - s.Holdings[k+1]
		s.Trades[k] = tr
		sumAbs += math.Abs(tr)
		sumSq += tr * tr
		sumX2 += s.Holdings[k+1] * s.Holdings[k+1]
	}
	s.ExpectedCostUSD = 0.5*l.GammaUSDPerUnit2*l.Units*l.Units + l.EpsilonUSDPerUnit*sumAbs + etaTilde/tau*sumSq
	s.StdCostUSD = math.Sqrt(l.SigmaUSDPerSqrtDay * l.SigmaUSDPerSqrtDay * tau * sumX2)
	if kappa > 0 {
		s.HalfLifeDays = 1 / kappa
	}
	return s, nil
}
