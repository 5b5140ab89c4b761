package store

import (
	"context"
	"os"
	"testing"

	"github.com/hashfall/hashfall/chain"
)

// PeriodEnds reads exactly the first and last block of each period of a
// store synced with btcd's real mainnet blocks 0..14131 (periods 0..7, the
// last one partial).
func TestPeriodEndsMainnet(t *testing.T) {
	ctx := context.Background()
	src := mainnetSource(t)
	st := openTemp(t)
	if ends, err := PeriodEnds(ctx, st, 2016); err != nil || len(ends) != 0 {
		t.Fatalf("empty store: %d blocks, %v", len(ends), err)
	}
	if _, err := Sync(ctx, src, st, SyncOptions{Batch: 5000}); err != nil {
		t.Fatal(err)
	}
	ends, err := PeriodEnds(ctx, st, 2016)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for k := int64(0); k*2016 <= 14131; k++ {
		want = append(want, k*2016)
		if k*2016+2015 <= 14131 {
			want = append(want, k*2016+2015)
		}
	}
	if len(ends) != len(want) {
		t.Fatalf("%d blocks, want %d", len(ends), len(want))
	}
	for i, b := range ends {
		if b.Height != want[i] {
			t.Errorf("block %d at height %d, want %d", i, b.Height, want[i])
		}
	}
}

// Header checkpoints survive the store byte for byte and are re-validated
// on the way out.
func TestHeaderCheckpointsRoundTrip(t *testing.T) {
	f, err := os.Open("../../shared/data/bitcoinj-production-checkpoints.txt")
	if err != nil {
		t.Skipf("no ../shared/data: %v", err)
	}
	defer f.Close()
	cps, err := chain.ReadBitcoinjCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := openTemp(t)
	if err := st.PutHeaderCheckpoints(ctx, cps); err != nil {
		t.Fatal(err)
	}
	got, err := st.HeaderCheckpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cps) {
		t.Fatalf("%d back, %d in", len(got), len(cps))
	}
	for i := range cps {
		if got[i].Height != cps[i].Height || got[i].Header != cps[i].Header || got[i].ChainWork.Cmp(cps[i].ChainWork) != 0 || got[i].Hash != cps[i].Hash {
			t.Fatalf("checkpoint %d differs", i)
		}
	}
}
