package economics

import (
	"math"
	"testing"

	"github.com/hashfall/hashfall/hardware"
)

// seedNetwork is the state seed 004 (004_b3078c83a3b438cd.txt) quotes from
// f2pool's Feb. 2 dashboard, at difficulty 141.7T (001_5a78b7d26449070f.txt)
// and 0.025 BTC of fees per block.
func seedNetwork(priceUSD float64) Network {
	return Network{PriceUSD: priceUSD, Difficulty: 141.7e12, SubsidySat: 312_500_000, FeesPerBlockSat: 2_500_000}
}

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6g, want %.6g ± %.3g", what, got, want, tol)
	}
}

// Seed 004: "the daily revenue for miners ... was a meager $0.034 per
// terahash", at $76,176.
func TestHashpriceSeed004(t *testing.T) {
	n := seedNetwork(76176)
	usdPerTHDay := n.HashpriceUSDPerPHDay() / 1000
	within(t, "hashprice USD/TH/day", usdPerTHDay, 0.034, 0.034*0.03)
	// "The f2pool figure of $0.034 per terahash, equivalent to $34 per PH/s".
	within(t, "hashprice USD/PH/day", n.HashpriceUSDPerPHDay(), 34, 34*0.03)
}

// The hashprice formula, checked against the definition computed another
// way: the share of blocks one PH/s wins in a day is its share of the
// implied network hashrate times 144 blocks.
func TestHashpriceMatchesShareOfBlocks(t *testing.T) {
	for _, d := range []float64{1, 1e12, 141.7e12, 155.97e12} {
		network := ImpliedHashrateHs(d)
		blocksPerDay := 1e15 / network * 144
		want := blocksPerDay * 3.15
		got := HashpriceBTCPerPHDay(d, 315_000_000)
		within(t, "BTC/PH/day", got, want, want*1e-12)
	}
}

// Seed 001: "The hash rate recently dipped below one zettahash per second";
// difficulty 141.7T implies about that.
func TestImpliedHashrateSeed001(t *testing.T) {
	within(t, "implied hashrate H/s", ImpliedHashrateHs(141.7e12), 1e21, 0.02e21)
	within(t, "round trip difficulty", ImpliedDifficulty(ImpliedHashrateHs(141.7e12)), 141.7e12, 1)
}

// Seed 004: the network "is effectively paying about 3.5 cents per terahash
// per day for its security" at about $76,000.
func TestSecurityBudgetSeed004(t *testing.T) {
	n := seedNetwork(76176)
	budget := n.SecurityBudgetUSDPerDay()
	within(t, "budget USD/day", budget, 144*3.15*76176, 1e-6)
	perTH := budget / (ImpliedHashrateHs(n.Difficulty) / 1e12)
	within(t, "budget per TH/day", perTH, 0.035, 0.0015)
}

// Seed 004: the S21 XP Hydro (473 TH/s, 5,676 W) at $75,000 and $0.06/kWh:
// "electricity alone accounts for about 52% of their revenue".
func TestS21XPHydroCostRatioSeed004(t *testing.T) {
	m := hardware.Model{Name: "S21 XP Hydro", HashrateTHs: 473, PowerW: 5676}
	e := Machine(m, seedNetwork(75000), Site{PowerUSDPerKWh: 0.06})
	within(t, "cost ratio", e.CostRatio, 0.52, 0.04)
	within(t, "J/TH", e.JoulesPerTH, 12.0, 0.01)
}

// Seed 004's older rigs, with the catalog's spec-sheet figures: the S19 XP
// is "approximately 92%", the S19 Pro among those "ranging from
// approximately 109% to 162%".
func TestCatalogCostRatiosSeed004(t *testing.T) {
	n := seedNetwork(75000)
	s := Site{PowerUSDPerKWh: 0.06}
	ratio := func(name string) float64 {
		m, err := hardware.Default().Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		return Machine(m, n, s).CostRatio
	}
	if r := ratio("S19 XP"); r < 0.88 {
		t.Errorf("S19 XP cost ratio = %.3f, want near or above 0.90", r)
	}
	if r := ratio("S19 Pro"); r <= 1.0 || r > 1.62 {
		t.Errorf("S19 Pro cost ratio = %.3f, want in (1.00, 1.62]", r)
	}
	if r := ratio("S21 XP Hydro"); math.Abs(r-0.52) > 0.04 {
		t.Errorf("catalog S21 XP Hydro cost ratio = %.3f, want 0.52 ± 0.04", r)
	}
}

// Seed 001: "Popular Antminer S21 models face a shutdown price range of
// $46,000 to $67,000". The S21 (200 TH/s, 3,500 W) at $0.05–0.07/kWh
// spans that band.
func TestS21ShutdownBandSeed001(t *testing.T) {
	m := hardware.Model{Name: "S21", HashrateTHs: 200, PowerW: 3500}
	n := seedNetwork(76176)
	low := Machine(m, n, Site{PowerUSDPerKWh: 0.05}).ShutdownPriceUSD
	high := Machine(m, n, Site{PowerUSDPerKWh: 0.07}).ShutdownPriceUSD
	if low < 44000 || low > 48000 {
		t.Errorf("S21 shutdown price at $0.05/kWh = %.0f, want ≈ 46,000", low)
	}
	if high < 64000 || high > 69000 {
		t.Errorf("S21 shutdown price at $0.07/kWh = %.0f, want ≈ 67,000", high)
	}
}

// The shutdown price, the breakeven power price and the cost ratio are the
// same condition — revenue equals power cost — solved for three different
// unknowns; at each solution the profit must be zero.
func TestBreakevenPointsHaveZeroProfit(t *testing.T) {
	m := hardware.Model{Name: "x", HashrateTHs: 140, PowerW: 3010}
	n := seedNetwork(75000)
	s := Site{PowerUSDPerKWh: 0.06, PUE: 1.1, PoolFeeFrac: 0.02}
	e := Machine(m, n, s)
	atShutdown := n
	atShutdown.PriceUSD = e.ShutdownPriceUSD
	within(t, "profit at shutdown price", Machine(m, atShutdown, s).ProfitUSDDay, 0, 1e-9)
	atBreakeven := s
	atBreakeven.PowerUSDPerKWh = e.BreakevenPowerUSDPerKWh
	within(t, "profit at breakeven power", Machine(m, n, atBreakeven).ProfitUSDDay, 0, 1e-9)
	within(t, "cost ratio", e.CostRatio, e.ShutdownPriceUSD/n.PriceUSD, 1e-12)
}

func TestPowerCostUnits(t *testing.T) {
	// 1 kW for 24 h at $0.10/kWh with PUE 1.5 is 36 kWh → $3.60.
	within(t, "USD/day", PowerUSDPerDay(1000, Site{PowerUSDPerKWh: 0.10, PUE: 1.5}), 3.6, 1e-12)
	within(t, "USD/day, PUE unset", PowerUSDPerDay(1000, Site{PowerUSDPerKWh: 0.10}), 2.4, 1e-12)
}

func TestPaybackDays(t *testing.T) {
	m := hardware.Model{Name: "x", HashrateTHs: 473, PowerW: 5676, ListPriceUSD: 10000}
	e := Machine(m, seedNetwork(75000), Site{PowerUSDPerKWh: 0.06})
	if e.PaybackDays == nil {
		t.Fatal("payback days missing for a profitable machine with a price")
	}
	within(t, "payback days", *e.PaybackDays, 10000/e.ProfitUSDDay, 1e-9)
	m.PowerW = 20000
	if e := Machine(m, seedNetwork(75000), Site{PowerUSDPerKWh: 0.06}); e.PaybackDays != nil {
		t.Errorf("payback days = %v for a loss-making machine, want none", *e.PaybackDays)
	}
}

func BenchmarkHashprice(b *testing.B) {
	n := seedNetwork(76176)
	var sink float64
	for b.Loop() {
		sink += n.HashpriceUSDPerPHDay()
	}
	_ = sink
}

// BenchmarkMachinesTable prices every catalog model, as `hashfall machines`
// does.
func BenchmarkMachinesTable(b *testing.B) {
	models := hardware.Default().ByEfficiency()
	n := seedNetwork(75000)
	s := Site{PowerUSDPerKWh: 0.06}
	rows := make([]MachineEconomics, len(models))
	for b.Loop() {
		for i, m := range models {
			rows[i] = Machine(m, n, s)
		}
	}
}
