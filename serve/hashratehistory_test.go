package serve

import (
	"context"
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/consensus"
)

// On real mainnet blocks each hashrate-history day carries Core's
// getnetworkhashps over the 120 blocks ending at its last block —
// recomputed here from the stored headers as Core does (work of blocks
// first+1..last over max − min header time) — and a 95% interval that
// holds the day's fixed-window estimate; the CSV keeps them as columns.
func TestHashrateHistoryIntervalAndCore(t *testing.T) {
	s, st := liveServer(t, 0.05)
	code, _, body := get(t, s.Handler(), "/api/v1/hashrate/history?interval=day")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var h struct {
		History []struct {
			Blocks     int64    `json:"blocks"`
			HashrateHs float64  `json:"hashrate_hs"`
			LastHeight int64    `json:"last_height"`
			Low        *float64 `json:"ci_low_hs"`
			High       *float64 `json:"ci_high_hs"`
			Core       *float64 `json:"getnetworkhashps_hs"`
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatal(err)
	}
	withCore, withCI := 0, 0
	for _, d := range h.History {
		if d.Low != nil {
			withCI++
			if d.High == nil || !(*d.Low < d.HashrateHs && d.HashrateHs < *d.High) {
				t.Errorf("height %d: %g outside [%v, %v]", d.LastHeight, d.HashrateHs, *d.Low, d.High)
			}
		} else if d.Blocks > 0 {
			t.Errorf("height %d: %d blocks and no interval", d.LastHeight, d.Blocks)
		}
		if d.Core == nil {
			continue
		}
		withCore++
		first := max(0, d.LastHeight-120) // Core caps the lookup at the height
		bs, err := st.Blocks(context.Background(), first, d.LastHeight)
		if err != nil || int64(len(bs)) != d.LastHeight-first+1 {
			t.Fatalf("blocks to %d: %d, %v", d.LastHeight, len(bs), err)
		}
		work := new(big.Int)
		minT, maxT := bs[0].TimeS, bs[0].TimeS
		for i, b := range bs {
			minT, maxT = min(minT, b.TimeS), max(maxT, b.TimeS)
			if i > 0 {
				work.Add(work, consensus.BlockWork(b.Bits))
			}
		}
		wf, _ := new(big.Float).SetInt(work).Float64()
		if want := wf / float64(maxT-minT); math.Abs(*d.Core/want-1) > 1e-12 {
			t.Errorf("height %d: getnetworkhashps_hs %g, Core's formula %g", d.LastHeight, *d.Core, want)
		}
	}
	if withCore < len(h.History)-1 || withCI < len(h.History)/2 {
		t.Errorf("of %d days, %d have Core's estimate and %d an interval", len(h.History), withCore, withCI)
	}
	_, _, csv := get(t, s.Handler(), "/api/v1/hashrate/history?format=csv")
	if head := strings.SplitN(csv, "\n", 2)[0]; !strings.Contains(head, "ci_low_hs") || !strings.Contains(head, "getnetworkhashps_hs") {
		t.Errorf("CSV header %q", head)
	}
}
