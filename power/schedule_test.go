package power

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// feasible checks a schedule against the model's constraints directly,
// independent of the DP's state machine: a run of on (any point) or off
// intervals that starts after interval 0 lasts at least the minimum
// unless the horizon ends it; the site draw moves at most the ramp.
func feasible(classes []Class, m *Market, pts [][]int) bool {
	T := len(m.Prices.USDPerMWh)
	for k, c := range classes {
		mon, moff := max(c.MinOnIntervals, 1), max(c.MinOffIntervals, 1)
		for i := 1; i < T; i++ {
			wasOn, isOn := pts[k][i-1] >= 0, pts[k][i] >= 0
			if wasOn == isOn {
				continue
			}
			need := moff
			if isOn {
				need = mon
			}
			for d := 0; d < need && i+d < T; d++ {
				if (pts[k][i+d] >= 0) != isOn {
					return false
				}
			}
		}
	}
	return rampOK(classes, pts, m.RampMWPerInterval)
}

// bruteForce enumerates every joint schedule.
func bruteForce(classes []Class, m *Market) float64 {
	T := len(m.Prices.USDPerMWh)
	pts := make([][]int, len(classes))
	for k := range pts {
		pts[k] = make([]int, T)
		for i := range pts[k] {
			pts[k][i] = -1
		}
	}
	best := math.Inf(-1)
	var rec func(pos int)
	rec = func(pos int) {
		if pos == len(classes)*T {
			if feasible(classes, m, pts) {
				best = math.Max(best, Profit(classes, m, pts))
			}
			return
		}
		k, i := pos/T, pos%T
		for j := -1; j < len(classes[k].Points); j++ {
			pts[k][i] = j
			rec(pos + 1)
		}
	}
	rec(0)
	return best
}

func randomInstance(rng *rand.Rand, T int) ([]Class, *Market) {
	prices := make([]float64, T)
	peak := make([]float64, T)
	dr := make([]float64, T)
	for i := range prices {
		prices[i] = -20 + 140*rng.Float64()
		if rng.IntN(4) == 0 {
			peak[i] = 0.05 * rng.Float64()
		}
		if rng.IntN(4) == 0 {
			dr[i] = 100 * rng.Float64()
		}
	}
	a := Class{Name: "a", Count: 1000, PUE: 1.1, HashpriceUSDPerPHDay: 45 + 10*rng.Float64(), PoolFeePct: 2,
		Points: []OperatingPoint{{"eco", 2500, 160, ""}, {"normal", 3500, 200, ""}}, FlatOut: 1,
		MinOnIntervals: 1 + rng.IntN(3), MinOffIntervals: 1 + rng.IntN(3), HostingUSDPerMWh: 5 * rng.Float64(), CreditUSDPerMWh: 3 * rng.Float64()}
	b := Class{Name: "b", Count: 500, HashpriceUSDPerPHDay: 45, Points: []OperatingPoint{{"nameplate", 3250, 100, ""}},
		MinOnIntervals: 1 + rng.IntN(3), MinOffIntervals: 1 + rng.IntN(3)}
	m := &Market{Prices: Series{Start: time.Unix(0, 0).UTC(), Step: 15 * time.Minute, USDPerMWh: prices},
		PeakProbability: peak, TransmissionUSDPerKWYear: 60, DemandResponseUSDPerMWh: dr}
	switch rng.IntN(3) {
	case 0: // no limit
	case 1:
		m.RampMWPerInterval = 1 + 2*rng.Float64() // binds often: the classes draw ≈3.85 and 1.6 MW
	case 2:
		m.RampMWPerInterval = 2.5
	}
	return []Class{a, b}, m
}

func TestOptimiseMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	methods := map[string]int{}
	for trial := 0; trial < 40; trial++ {
		classes, m := randomInstance(rng, 6)
		got, err := Optimise(classes, m)
		if err != nil {
			t.Fatal(err)
		}
		methods[got.Method]++
		want := bruteForce(classes, m)
		if !feasible(classes, m, got.Points) {
			t.Fatalf("trial %d: infeasible schedule %v", trial, got.Points)
		}
		if p := Profit(classes, m, got.Points); math.Abs(p-got.ProfitUSD) > 1e-6 {
			t.Fatalf("trial %d: reported profit %v, schedule's %v", trial, got.ProfitUSD, p)
		}
		if !got.Exact || math.Abs(got.ProfitUSD-want) > 1e-6 {
			t.Fatalf("trial %d (%s): profit %v, brute force %v", trial, got.Method, got.ProfitUSD, want)
		}
		if got.UpperBoundUSD < want-1e-6 {
			t.Fatalf("trial %d: upper bound %v below optimum %v", trial, got.UpperBoundUSD, want)
		}
	}
	if methods["independent"] == 0 || methods["joint"] == 0 {
		t.Errorf("the trials should exercise both exact paths: %v", methods)
	}
}

func TestMeritOrderFeasibleAndBounded(t *testing.T) {
	saved := maxJointWork
	maxJointWork = 0
	t.Cleanup(func() { maxJointWork = saved })
	rng := rand.New(rand.NewPCG(3, 4))
	used := 0
	for trial := 0; trial < 40; trial++ {
		classes, m := randomInstance(rng, 6)
		got, err := Optimise(classes, m)
		if err != nil {
			t.Fatal(err)
		}
		if got.Method != "merit-order" {
			continue
		}
		used++
		want := bruteForce(classes, m)
		flat := Profit(classes, m, flatOut(classes, 6))
		if got.Exact || !feasible(classes, m, got.Points) || got.ProfitUSD > want+1e-6 || got.ProfitUSD < flat-1e-6 || got.UpperBoundUSD < want-1e-6 {
			t.Fatalf("trial %d: merit order %v (exact %v), optimum %v, flat out %v, bound %v", trial, got.ProfitUSD, got.Exact, want, flat, got.UpperBoundUSD)
		}
	}
	if used == 0 {
		t.Error("no trial bound the ramp")
	}
}

// FuzzOptimise checks random small instances against brute force and the
// model's constraints.
func FuzzOptimise(f *testing.F) {
	f.Add(uint64(1), uint8(3))
	f.Add(uint64(42), uint8(4))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		T := int(n%4) + 1
		classes, m := randomInstance(rand.New(rand.NewPCG(seed, 9)), T)
		got, err := Optimise(classes, m)
		if err != nil {
			t.Fatal(err)
		}
		if !feasible(classes, m, got.Points) {
			t.Fatalf("infeasible %v", got.Points)
		}
		if want := bruteForce(classes, m); math.Abs(got.ProfitUSD-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Fatalf("%s: profit %v, brute force %v", got.Method, got.ProfitUSD, want)
		}
	})
}
