package serve

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
)

// With closes imported for only some days, /api/v1/hashprice/history
// still prices every day: imported days at their close, the rest at the
// current quote, marked price_assumed and named ASSUMED in notes; the BTC
// hashprice is the same either way. Real mainnet blocks; the three closes
// are SYNTHETIC.
func TestHashpriceHistoryFillsMissingPricesAssumed(t *testing.T) {
	_, store := liveServer(t, 0.05)
	ctx := context.Background()
	tip, err := store.Tip(ctx)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := store.Blocks(ctx, 0, tip.Height)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	imported := map[string]float64{"2009-02-01": 0.001, "2009-03-15": 0.002, "2009-04-30": 0.003} // SYNTHETIC
	var prices []chain.Price
	for d, usd := range imported {
		prices = append(prices, chain.Price{Day: day(d), CloseUSD: usd})
	}
	q := Quote{USD: 0.05, Time: time.Unix(tip.TimeS, 0), Source: "fixed $0.05"}
	state, err := LiveState(&chaincfg.MainNetParams, blocks, prices, q, DefaultOptions(), nil, tip.TimeS)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{})
	s.Publish(state)
	code, _, body := get(t, s.Handler(), "/api/v1/hashprice/history")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var h struct {
		Note    string `json:"price_note"`
		History []struct {
			Day      time.Time `json:"day"`
			PriceUSD float64   `json:"price_usd"`
			BTC      float64   `json:"hashprice_btc_per_ph_day"`
			USD      float64   `json:"hashprice_usd_per_ph_day"`
			Assumed  bool      `json:"price_assumed"`
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	if len(h.History) != len(state.Days) {
		t.Fatalf("%d rows for %d days", len(h.History), len(state.Days))
	}
	real := map[time.Time]float64{}
	for _, r := range state.History { // imported closes only
		real[r.Day] = r.HashpriceBTCPerPHDay
	}
	found := 0
	for _, r := range h.History {
		usd, ok := imported[r.Day.Format(time.DateOnly)]
		if ok {
			found++
			if r.Assumed || r.PriceUSD != usd || r.BTC != real[r.Day] {
				t.Errorf("%s: imported close %g, row %+v", r.Day.Format(time.DateOnly), usd, r)
			}
		} else if !r.Assumed || r.PriceUSD != q.USD {
			t.Errorf("%s: no close imported, row %+v", r.Day.Format(time.DateOnly), r)
		}
		if math.Abs(r.USD-r.BTC*r.PriceUSD) > 1e-12*r.USD {
			t.Errorf("%s: %g USD ≠ %g BTC × %g", r.Day.Format(time.DateOnly), r.USD, r.BTC, r.PriceUSD)
		}
	}
	if found != len(imported) || len(state.History) != len(imported) {
		t.Errorf("%d imported days in the rows, %d in History; want %d", found, len(state.History), len(imported))
	}
	if !strings.Contains(h.Note, "ASSUMED") || !strings.Contains(h.Note, "fixed $0.05") {
		t.Errorf("price_note %q does not label the assumed prices", h.Note)
	}
	// The note belongs to this endpoint, not to the state's other answers.
	if _, _, net := get(t, s.Handler(), "/api/v1/network"); strings.Contains(net, "ASSUMED") {
		t.Errorf("network answer carries the history note: %s", net)
	}
}
