package report

import (
	"math"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/hardware"
)

func seedReport(t *testing.T) Report {
	t.Helper()
	s := economics.Snapshot2026Feb
	return Build(Input{State: s, Site: economics.Site{PowerUSDPerKWh: s.PowerUSDPerKWh}, Catalog: hardware.Default()})
}

func TestTierOf(t *testing.T) {
	cases := map[float64]string{12: "<20 J/TH", 19.99: "<20 J/TH", 20: "20-25 J/TH", 29.5: "25-30 J/TH", 30: ">30 J/TH", 98: ">30 J/TH"}
	for jth, want := range cases {
		if got := TierOf(jth); got != want {
			t.Errorf("TierOf(%g) = %q, want %q", jth, got, want)
		}
	}
}

// The tier summary must agree with the fleet rows it summarises, and the
// breakeven price of a tier must rise with J/TH: a less efficient machine
// needs a higher BTC price to pay for its power.
func TestTiersSummariseFleet(t *testing.T) {
	r := seedReport(t)
	total := 0
	for _, tier := range r.Tiers {
		total += tier.Models
		var shutdowns []float64
		under := 0
		for _, f := range r.Fleet {
			if f.Tier == tier.Tier {
				shutdowns = append(shutdowns, f.ShutdownPriceUSD)
				if f.Underwater {
					under++
				}
			}
		}
		if len(shutdowns) != tier.Models || under != tier.Underwater {
			t.Errorf("tier %s: %d models, %d underwater; fleet has %d, %d", tier.Tier, tier.Models, tier.Underwater, len(shutdowns), under)
		}
		for _, p := range shutdowns {
			if p < tier.MinShutdownPriceUSD || p > tier.MaxShutdownPriceUSD {
				t.Errorf("tier %s: shutdown price %g outside [%g, %g]", tier.Tier, p, tier.MinShutdownPriceUSD, tier.MaxShutdownPriceUSD)
			}
		}
	}
	if total != len(r.Fleet) {
		t.Errorf("tiers hold %d models, fleet %d", total, len(r.Fleet))
	}
	for i := 1; i < len(r.Tiers); i++ {
		if r.Tiers[i].Models > 0 && r.Tiers[i-1].Models > 0 && r.Tiers[i].MedianShutdownPriceUSD <= r.Tiers[i-1].MedianShutdownPriceUSD {
			t.Errorf("median shutdown price of %s (%g) not above %s (%g)", r.Tiers[i].Tier, r.Tiers[i].MedianShutdownPriceUSD, r.Tiers[i-1].Tier, r.Tiers[i-1].MedianShutdownPriceUSD)
		}
	}
}

// At the snapshot, every model above 30 J/TH is underwater at $0.06/kWh:
// its power costs 0.06·24·30/1000 = $0.0432/TH/day against a hashprice of
// $0.034/TH/day (seed 004, 004_b3078c83a3b438cd.txt).
func TestOldTierUnderwaterAtSnapshot(t *testing.T) {
	r := seedReport(t)
	for _, tier := range r.Tiers {
		if tier.Tier == ">30 J/TH" && tier.Underwater != tier.Models {
			t.Errorf(">30 J/TH: %d of %d underwater, want all", tier.Underwater, tier.Models)
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{1, 2, 10}); m != 2 {
		t.Errorf("median odd = %g", m)
	}
	if m := median([]float64{1, 2, 10, 20}); m != 6 {
		t.Errorf("median even = %g", m)
	}
}

func TestSecurityPerTHMatchesHashprice(t *testing.T) {
	r := seedReport(t)
	// Budget per TH/day and hashprice per TH/day are the same quantity
	// computed two ways (before pool fees).
	if got, want := r.Security.USDPerTHDay, r.Network.USDPerPHDay/1000; math.Abs(got-want) > 1e-9 {
		t.Errorf("security USD/TH/day = %g, hashprice USD/TH/day = %g", got, want)
	}
}

func TestHTMLChartIsInlineSVG(t *testing.T) {
	page, err := seedReport(t).HTML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	if !strings.Contains(s, "<svg") || strings.Count(s, "<table>") != 4 {
		t.Errorf("HTML page: svg %v, %d tables", strings.Contains(s, "<svg"), strings.Count(s, "<table>"))
	}
	if strings.Contains(s, "src=") || strings.Contains(s, "href=\"http") {
		t.Error("HTML report references outside resources")
	}
}

func BenchmarkReport(b *testing.B) {
	s := economics.Snapshot2026Feb
	in := Input{State: s, Site: economics.Site{PowerUSDPerKWh: s.PowerUSDPerKWh}, Catalog: hardware.Default()}
	for b.Loop() {
		_ = Build(in).Document()
	}
}
