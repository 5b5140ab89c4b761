package power

import (
	"strings"
	"testing"
	"time"
)

// A simulated clock steps through interval boundaries while a price feed
// appends one interval per step, then stops updating.
func TestDecideSimulatedClock(t *testing.T) {
	start := time.Date(2024, 8, 1, 20, 0, 0, 0, time.UTC)
	step := 15 * time.Minute
	// 1000 × 100 TH/s at $48/PH/day = $200/h on 3 MW: strike 66.67 $/MWh.
	c := Class{Name: "s19", Count: 1000, Points: []OperatingPoint{{Name: "nameplate", PowerW: 3000, HashrateTHs: 100}}}
	all := []float64{30, 30, 500, 30, 30, 30, 30, 30, 30, 30}
	const stopsAt = 5 // the feed's last update is at step 5
	in := LiveInputs{HashpriceUSDPerPHDay: 48, MaxAge: 20 * time.Minute, Ahead: 1}
	seenIDs := map[string]string{}
	for tick := 0; tick < 10; tick++ {
		now := start.Add(time.Duration(tick)*step + time.Minute) // just after the boundary
		published := min(tick, stopsAt) + 1                      // intervals the feed has published
		in.Prices = Series{Start: start, Step: step, USDPerMWh: all[:published]}
		in.PriceAsOf = start.Add(time.Duration(min(tick, stopsAt)) * step)
		in.HashpriceAsOf = now.Add(-time.Minute)
		ds, err := Decide([]Class{c}, in, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 {
			t.Fatalf("tick %d: %d decisions, want current + 1", tick, len(ds))
		}
		d := ds[0]
		if d.IntervalID != start.Add(time.Duration(tick)*step).Format(time.RFC3339) {
			t.Fatalf("tick %d: interval id %s", tick, d.IntervalID)
		}
		ageOK := now.Sub(in.PriceAsOf) <= in.MaxAge
		switch {
		case !ageOK:
			if d.Point != "off" || !d.SafeState || !strings.HasPrefix(d.Reason, "price stale") {
				t.Errorf("tick %d: stale price gave %+v", tick, d)
			}
		case tick > stopsAt:
			if d.Point != "off" || !d.SafeState || d.Reason != "no price for this interval" {
				t.Errorf("tick %d: past the feed gave %+v", tick, d)
			}
		case all[tick] > 66.67:
			if d.Point != "off" || d.SafeState {
				t.Errorf("tick %d: price %v above strike gave %+v", tick, all[tick], d)
			}
		default:
			if d.Point != "nameplate" || d.SafeState || d.PriceUSDPerMWh != all[tick] || d.StrikeUSDPerMWh != 200.0/3 {
				t.Errorf("tick %d: price %v below strike gave %+v", tick, all[tick], d)
			}
		}
		// The next interval is unknown until the feed publishes it.
		if tick+1 >= published && (!ds[1].SafeState || ds[1].Point != "off") {
			t.Errorf("tick %d: unpublished next interval gave %+v", tick, ds[1])
		}
		for _, d := range ds {
			if prev, ok := seenIDs[d.IntervalID]; ok && prev != d.IntervalStart.String() {
				t.Errorf("interval id %s reused for %s and %s", d.IntervalID, prev, d.IntervalStart)
			}
			seenIDs[d.IntervalID] = d.IntervalStart.String()
		}
	}
}

func TestDecideStaleHashprice(t *testing.T) {
	now := time.Date(2024, 8, 1, 20, 1, 0, 0, time.UTC)
	c := Class{Name: "a", Count: 10, Points: []OperatingPoint{{Name: "eco", PowerW: 2000, HashrateTHs: 90}, {Name: "normal", PowerW: 3000, HashrateTHs: 100}}, FlatOut: 1}
	in := LiveInputs{Prices: Series{Start: now.Add(-time.Minute), Step: time.Hour, USDPerMWh: []float64{10}},
		PriceAsOf: now, HashpriceUSDPerPHDay: 48, HashpriceAsOf: now.Add(-2 * time.Hour), MaxAge: time.Hour}
	ds, err := Decide([]Class{c}, in, now)
	if err != nil || len(ds) != 1 || ds[0].Point != "off" || !strings.HasPrefix(ds[0].Reason, "hashprice stale") {
		t.Fatalf("stale hashprice: %+v %v", ds, err)
	}
	in.SafeState = "eco"
	ds, _ = Decide([]Class{c}, in, now)
	if ds[0].Point != "eco" || !ds[0].SafeState {
		t.Errorf("configured safe state eco: %+v", ds[0])
	}
	in.HashpriceAsOf = now
	ds, _ = Decide([]Class{c}, in, now)
	if ds[0].Point != "normal" || ds[0].SafeState {
		t.Errorf("fresh inputs at $10/MWh: %+v", ds[0])
	}
	// The hashprice's own limit: 30 minutes old is fresh under MaxAge
	// (1 h) but stale under a 20-minute MaxHashpriceAge.
	in.HashpriceAsOf = now.Add(-30 * time.Minute)
	if ds, _ = Decide([]Class{c}, in, now); ds[0].SafeState {
		t.Errorf("30-minute hashprice under a 1 h limit: %+v", ds[0])
	}
	in.MaxHashpriceAge = 20 * time.Minute
	if ds, _ = Decide([]Class{c}, in, now); !ds[0].SafeState || !strings.HasPrefix(ds[0].Reason, "hashprice stale") {
		t.Errorf("30-minute hashprice under a 20 m limit: %+v", ds[0])
	}
}

// A called demand-response event worth more than the margin turns the
// live decision off for its interval.
func TestDecideDemandResponse(t *testing.T) {
	now := time.Date(2024, 8, 1, 20, 1, 0, 0, time.UTC)
	// $200/h on 3 MW at $30/MWh: margin $110/h; DR $50/MWh × 3 MW = $150/h.
	c := Class{Name: "s19", Count: 1000, Points: []OperatingPoint{{Name: "nameplate", PowerW: 3000, HashrateTHs: 100}}}
	in := LiveInputs{Prices: Series{Start: now.Add(-time.Minute), Step: time.Hour, USDPerMWh: []float64{30, 30}},
		PriceAsOf: now, HashpriceUSDPerPHDay: 48, HashpriceAsOf: now, MaxAge: time.Hour, Ahead: 1,
		DemandResponseUSDPerMWh: []float64{50, 0}}
	ds, err := Decide([]Class{c}, in, now)
	if err != nil || ds[0].Point != "off" || ds[0].SafeState || ds[1].Point != "nameplate" {
		t.Fatalf("DR event: %+v %v", ds, err)
	}
	in.DemandResponseUSDPerMWh = []float64{50}
	if _, err := Decide([]Class{c}, in, now); err == nil {
		t.Error("misaligned DR credits accepted")
	}
}
