package metrics

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/hashfall/hashfall/chain"
)

// Electrum's implied period spans against real header timestamps from
// bitcoinj's checkpoints (first block of each period): t(2016(k+1)) −
// t(2016k) spans 2016 intervals, one more than the retarget's 2015, and
// timestamps may be off by up to two hours, so they agree within 1%.
func TestEpochHistoryAgainstBitcoinj(t *testing.T) {
	f, err := os.Open("../../shared/data/electrum-checkpoints.json")
	if err != nil {
		t.Skipf("Electrum checkpoints absent: %v", err)
	}
	defer f.Close()
	eps, err := chain.ReadElectrumCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	hist := EpochHistory(&chaincfg.MainNetParams, eps)
	g, err := os.ReadFile("../../shared/data/bitcoinj-production-checkpoints.txt")
	if err != nil {
		t.Skipf("bitcoinj checkpoints absent: %v", err)
	}
	times := map[int64]int64{}
	sc := bufio.NewScanner(bytes.NewReader(g))
	for sc.Scan() {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sc.Text()))
		if err != nil || len(raw) != 96 {
			continue
		}
		var h wire.BlockHeader
		if err := h.Deserialize(bytes.NewReader(raw[16:])); err != nil {
			t.Fatal(err)
		}
		times[int64(binary.BigEndian.Uint32(raw[12:16]))] = h.Timestamp.Unix()
	}
	checked := 0
	for _, s := range hist {
		a, okA := times[s.StartHeight]
		b, okB := times[s.StartHeight+2016]
		if !okA || !okB || s.SpanDays == 0 {
			continue
		}
		got := s.SpanDays * 86400
		want := float64(b-a) * 2015 / 2016
		if math.Abs(got-want) > 0.01*want {
			t.Errorf("period %d: implied span %.0f s, headers %.0f s", s.Index, got, want)
		}
		checked++
	}
	if checked < 300 {
		t.Errorf("only %d periods checked", checked)
	}
	if hist[0].Difficulty != 1 || hist[0].SpanDays != 0 {
		t.Errorf("period 0: %+v (pow-limited, span unknown)", hist[0])
	}
}
