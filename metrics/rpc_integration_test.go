package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/btcdtest"
	"github.com/hashfall/hashfall/store"
)

// TestNetworkHashPSAgainstBtcd syncs a real btcd simnet chain with random
// block times into a store and compares NetworkHashPS with btcd's own
// getnetworkhashps for a spread of arguments. btcd's handler follows
// Core's (same window, same min/max times, work by summing CalcWork
// instead of a chainwork difference, which is equal); it differs only in
// returning 0 instead of an error for a height above the tip.
func TestNetworkHashPSAgainstBtcd(t *testing.T) {
	h := btcdtest.StartNode(t)
	rng := rand.New(rand.NewPCG(5, 6))
	// Exponential intervals, and now and then a timestamp earlier than its
	// parent's, so that min/max differ from first/last.
	exponential := btcdtest.ExponentialIntervals(rng)
	btcdtest.Mine(t, h, 250, func() time.Duration {
		step := exponential()
		if rng.IntN(8) == 0 {
			step = -time.Duration(rng.IntN(300)) * time.Second
		}
		return step
	})
	ctx := context.Background()
	src := btcdtest.Dial(t, h, 0)
	st, err := store.OpenSQLite(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := store.Sync(ctx, src, st, store.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	tip, _ := st.Tip(ctx)
	compared := 0
	for _, c := range [][2]int64{{120, -1}, {-1, -1}, {1, -1}, {2, 17}, {10, 100}, {250, -1}, {1000, 200}, {-1, 150}, {7, 1}, {120, 0}} {
		want, err := h.Client.GetNetworkHashPS3(int(c[0]), int(c[1]))
		if err != nil {
			t.Fatal(err)
		}
		var got float64
		first, last, ok, err := CoreWindow(tip.Height, c[0], c[1], 2016)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			bs, err := st.Blocks(ctx, first, last)
			if err != nil {
				t.Fatal(err)
			}
			got = NetworkHashPS(bs)
		}
		if math.Abs(got-want) > 1e-14*math.Abs(want) {
			t.Errorf("getnetworkhashps(%d, %d) = %.17g, btcd says %.17g", c[0], c[1], got, want)
		}
		compared++
	}
	if compared != 10 {
		t.Errorf("compared %d", compared)
	}
}
