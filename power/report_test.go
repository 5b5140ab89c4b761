package power

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestSavingsNeverNegative(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 200; trial++ {
		classes, m := randomInstance(rng, 5+rng.IntN(40))
		sch, err := Optimise(classes, m)
		if err != nil {
			t.Fatal(err)
		}
		cls, _ := Report(classes, m, sch)
		tot := Total(cls)
		if tot.SavingsUSD < -1e-6 || math.Abs(tot.ProfitUSD-sch.ProfitUSD) > 1e-6*math.Max(1, math.Abs(sch.ProfitUSD)) {
			t.Fatalf("trial %d (%s): savings %v, profit %v vs optimiser %v", trial, sch.Method, tot.SavingsUSD, tot.ProfitUSD, sch.ProfitUSD)
		}
		if sch.Method == "independent" {
			for _, c := range cls {
				if c.SavingsUSD < 0 {
					t.Fatalf("trial %d: class %s savings %v < 0 with no binding ramp", trial, c.Class, c.SavingsUSD)
				}
			}
		}
	}
}

// One class, one point, four hourly intervals, worked by hand.
func TestReportByHand(t *testing.T) {
	// 1000 machines × 100 TH/s = 100 PH/s at $48/PH/day, no fee: $200/h.
	// 1000 × 3000 W = 3 MW. Strike = 200/3 = 66.67 $/MWh.
	c := Class{Name: "s19", Count: 1000, HashpriceUSDPerPHDay: 48, Points: []OperatingPoint{{"nameplate", 3000, 100, ""}}}
	m := &Market{Prices: Series{Start: time.Date(2024, 7, 1, 20, 0, 0, 0, time.UTC), Step: time.Hour, USDPerMWh: []float64{30, 100, 60, 60}},
		PeakProbability:          []float64{0, 0, 0.1, 0},
		TransmissionUSDPerKWYear: 50,
		DemandResponseUSDPerMWh:  []float64{0, 0, 0, 40}}
	sch, err := Optimise([]Class{c}, m)
	if err != nil {
		t.Fatal(err)
	}
	// h0: run (30 < 66.67). h1: off (100 > strike). h2: margin 200 − 180 = 20;
	// expected 4CP charge 0.1 × 3000 kW × 50/4 = 3750 → off. h3: margin 20,
	// DR credit 3 MW × 40 = 120 → off.
	want := []int{0, -1, -1, -1}
	for i := range want {
		if sch.Points[0][i] != want[i] {
			t.Fatalf("schedule %v, want %v", sch.Points[0], want)
		}
	}
	cls, pts := Report([]Class{c}, m, sch)
	r := cls[0]
	// Flat out: 800 − 3·(30+100+60+60) − 3750 = 800 − 750 − 3750 = −3700.
	// Schedule: 200 − 90 + 120 = 230. Savings 3930.
	if r.StrikeUSDPerMWh != 200.0/3 || r.FlatOutProfitUSD != -3700 || r.ProfitUSD != 230 || r.SavingsUSD != 3930 || r.FourCPAvoidedUSD != 3750 || r.CreditsUSD != 120 {
		t.Errorf("report %+v", r)
	}
	if len(pts) != 2 || pts[0].Point != "off" || pts[0].Hours != 3 || pts[1].Hours != 1 || pts[1].EnergyMWh != 3 {
		t.Errorf("points %+v", pts)
	}
}

func TestOperatingPointChoice(t *testing.T) {
	// Eco is cheaper per TH: at a high price eco beats normal and off.
	c := Class{Name: "x", Count: 1, HashpriceUSDPerPHDay: 24000, FlatOut: 1,
		Points: []OperatingPoint{{"eco", 1000, 50, ""}, {"normal", 2000, 80, ""}, {"turbo", 3000, 100, ""}}}
	// Per hour: eco earns $50, 1 kW; normal $80, 2 kW; turbo $100, 3 kW.
	// At $10,000/MWh: eco 50−10=40, normal 80−20=60, turbo 100−30=70 → turbo.
	// At $25,000/MWh: eco 25, normal 30, turbo 25 → normal. At $40,000: eco 10, normal 0, turbo −20 → eco. At $60,000 → off.
	m := &Market{Prices: Series{Start: time.Unix(0, 0).UTC(), Step: time.Hour, USDPerMWh: []float64{10000, 25000, 40000, 60000}}}
	sch, err := Optimise([]Class{c}, m)
	if err != nil {
		t.Fatal(err)
	}
	want := []int{2, 1, 0, -1}
	for i := range want {
		if sch.Points[0][i] != want[i] {
			t.Fatalf("points %v, want %v", sch.Points[0], want)
		}
	}
}

func TestFourCPRule(t *testing.T) {
	// June 2024: 30 days, 10 weekend days (1–2, 8–9, 15–16, 22–23, 29–30),
	// so 20 weekdays × 3 h × 4 = 240 window intervals.
	start := time.Date(2024, 6, 1, 5, 0, 0, 0, time.UTC) // midnight CDT
	s := Series{Start: start, Step: 15 * time.Minute, USDPerMWh: make([]float64, 30*96)}
	p := FourCPRule(s)
	var sum float64
	for _, v := range p {
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("June's probabilities sum to %v, want 1", sum)
	}
	in, _ := s.Index(time.Date(2024, 6, 3, 20, 0, 0, 0, time.UTC))    // Mon 15:00 CDT
	out, _ := s.Index(time.Date(2024, 6, 3, 23, 0, 0, 0, time.UTC))   // Mon 18:00 CDT
	wkend, _ := s.Index(time.Date(2024, 6, 1, 20, 0, 0, 0, time.UTC)) // Sat
	if p[in] != 1.0/240 || p[out] != 0 || p[wkend] != 0 {
		t.Errorf("p(Mon 15:00) %v want 1/240, p(Mon 18:00) %v, p(Sat) %v", p[in], p[out], p[wkend])
	}
}

func TestDREvents(t *testing.T) {
	evs, err := ParseDREvents(strings.NewReader("start,end,usd_per_mwh\n2024-08-01 16:00,2024-08-01 17:00,250\n"), Central)
	if err != nil {
		t.Fatal(err)
	}
	s := Series{Start: time.Date(2024, 8, 1, 20, 45, 0, 0, time.UTC), Step: 15 * time.Minute, USDPerMWh: make([]float64, 8)}
	got := DRCredits(s, evs) // 16:00 CDT = 21:00Z: intervals 1..4
	for i, want := range []float64{0, 250, 250, 250, 250, 0, 0, 0} {
		if got[i] != want {
			t.Fatalf("credits %v", got)
		}
	}
	for in, want := range map[string]string{
		"2024-08-01 16:00,2024-08-01 15:00,1\n":  "line 1: end is not after start",
		"a,b\n":                                  "line 1: want 3 fields",
		"2024-08-01 16:00,2024-08-01 17:00,-1\n": "line 1: credit",
	} {
		if _, err := ParseDREvents(strings.NewReader(in), Central); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func FuzzParseDREvents(f *testing.F) {
	f.Add("start,end,usd_per_mwh\n2024-08-01 16:00,2024-08-01 17:00,250\n")
	f.Fuzz(func(t *testing.T, in string) {
		evs, err := ParseDREvents(strings.NewReader(in), Central)
		if err == nil {
			for _, e := range evs {
				if !e.End.After(e.Start) || math.IsNaN(e.CreditUSDPerMWh) {
					t.Fatalf("bad event %+v", e)
				}
			}
		}
	})
}

func benchInstance(T, K int, minOn int) ([]Class, *Market) {
	rng := rand.New(rand.NewPCG(7, 8))
	prices := make([]float64, T)
	for i := range prices {
		prices[i] = 40 + 15*math.Sin(float64(i)/96*2*math.Pi) + 10*rng.NormFloat64()
		if rng.IntN(500) == 0 {
			prices[i] += 2000
		}
	}
	classes := make([]Class, K)
	for k := range classes {
		classes[k] = Class{Name: "c", Count: 100 + k, HashpriceUSDPerPHDay: 40 + float64(k)/5, FlatOut: 1, MinOnIntervals: minOn, MinOffIntervals: minOn,
			Points: []OperatingPoint{{"eco", 2600, 80 + float64(k), ""}, {"normal", 3250, 100 + float64(k), ""}, {"turbo", 4000, 115 + float64(k), ""}}}
	}
	m := &Market{Prices: Series{Start: time.Date(2024, 1, 1, 6, 0, 0, 0, time.UTC), Step: 15 * time.Minute, USDPerMWh: prices}}
	m.PeakProbability = FourCPRule(m.Prices)
	m.TransmissionUSDPerKWYear = 60
	return classes, m
}

// BenchmarkOptimiseYear is a year of 15-minute intervals × 50 classes × 3
// points; BenchmarkFloorYear is a bare loop over the same cells.
func BenchmarkOptimiseYear(b *testing.B) {
	for _, minOn := range []int{1, 4} {
		classes, m := benchInstance(35040, 50, minOn)
		b.Run("min_on_off="+string(rune('0'+minOn)), func(b *testing.B) {
			for b.Loop() {
				if _, err := Optimise(classes, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var sink float64

func BenchmarkFloorYear(b *testing.B) {
	_, m := benchInstance(35040, 50, 1)
	for b.Loop() {
		var s float64
		for k := 0; k < 50; k++ {
			for _, p := range m.Prices.USDPerMWh {
				for j := 0; j < 3; j++ {
					s += p * float64(j)
				}
			}
		}
		sink = s
	}
}

// BenchmarkOptimiseYearRamp is the year with a site ramp limit that binds
// (the merit-order path).
func BenchmarkOptimiseYearRamp(b *testing.B) {
	classes, m := benchInstance(35040, 50, 1)
	m.RampMWPerInterval = 2
	var s Schedule
	for b.Loop() {
		var err error
		if s, err = Optimise(classes, m); err != nil || s.Method != "merit-order" {
			b.Fatal(err, s.Method)
		}
	}
	b.ReportMetric(100*(s.UpperBoundUSD-s.ProfitUSD)/s.UpperBoundUSD, "gap_to_bound_%")
}
