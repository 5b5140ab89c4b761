package main

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/hashfall/hashfall/internal/btcdtest"
	"github.com/hashfall/hashfall/store"
)

// Bitcoin Core's getnetworkhashps answers every one of these; hashfall
// must too. On the real mainnet blocks (all difficulty 1, 4295032833
// hashes each) the answer has the closed form lookup·work/(max t − min t).
func TestHashrateCoreEdgeCasesMainnet(t *testing.T) {
	db := syncedMainnet(t)
	st, err := store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	bs, _ := st.Blocks(context.Background(), 0, 14131)
	st.Close()
	closedForm := func(first, last int64) float64 {
		minT, maxT := bs[first].TimeS, bs[first].TimeS
		for h := first; h <= last; h++ {
			minT, maxT = min(minT, bs[h].TimeS), max(maxT, bs[h].TimeS)
		}
		return float64(last-first) * 4295032833 / float64(maxT-minT)
	}
	for _, c := range []struct {
		height, blocks, first int64
	}{
		{2016, -1, 2015}, // lookup = 2016 mod 2016 + 1 = 1
		{4031, -1, 2015}, // the whole period since the retarget: 2016 intervals
		{-1, 1, 14130},
		{1, 120, 0}, // lookup capped at the height
	} {
		var r hashrateResult
		runJSON(t, &r, "hashrate", "--db", db, "--height", strconv.FormatInt(c.height, 10), "--blocks", strconv.FormatInt(c.blocks, 10))
		last := c.height
		if last == -1 {
			last = 14131
		}
		if want := closedForm(c.first, last); math.Abs(r.GetNetworkHashPSHs-want) > 1e-15*want || r.FromHeight != c.first || r.ToHeight != last {
			t.Errorf("--height %d --blocks %d: %+v, want %g over %d..%d", c.height, c.blocks, r, want, c.first, last)
		}
		if (last-c.first < 2) != (r.HashrateHs == nil) || (r.HashrateHs == nil && r.Note == "") {
			t.Errorf("--height %d --blocks %d: unbiased estimate %v, note %q", c.height, c.blocks, r.HashrateHs, r.Note)
		}
	}
	var r hashrateResult
	runJSON(t, &r, "hashrate", "--db", db, "--height", "0")
	if r.GetNetworkHashPSHs != 0 || r.HashrateHs != nil || r.Note == "" {
		t.Errorf("--height 0: %+v, Core returns 0", r)
	}
}

// The same edge cases against btcd's own getnetworkhashps on a harness
// node: one interval, a height whose retarget window is one block, and
// height 0.
func TestHashrateCoreEdgeCasesAgainstBtcd(t *testing.T) {
	h := btcdtest.StartNode(t)
	rng := rand.New(rand.NewPCG(12, 13))
	btcdtest.Mine(t, h, 40, btcdtest.ExponentialIntervals(rng))
	cfg := h.RPCConfig()
	dir := t.TempDir()
	cert := filepath.Join(dir, "rpc.cert")
	if err := os.WriteFile(cert, cfg.Certificates, 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "e.db")
	var s syncResult
	runJSON(t, &s, "sync", "--rpc", "https://"+cfg.Host, "--rpc-user", cfg.User, "--rpc-pass", cfg.Pass, "--rpc-cert", cert, "--db", db)
	if s.TipHeight != 40 {
		t.Fatalf("sync: %+v", s)
	}
	for _, c := range [][2]int{{1, -1}, {1, 20}, {-1, 1}, {-1, 0}, {5, 0}, {-1, -1}, {1, 1}} {
		want, err := h.Client.GetNetworkHashPS3(c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		var got hashrateResult
		runJSON(t, &got, "hashrate", "--db", db, "--blocks", strconv.Itoa(c[0]), "--height", strconv.Itoa(c[1]))
		if math.Abs(got.GetNetworkHashPSHs-want) > 1e-14*math.Abs(want) {
			t.Errorf("--blocks %d --height %d: %.17g, btcd %.17g", c[0], c[1], got.GetNetworkHashPSHs, want)
		}
	}
}
