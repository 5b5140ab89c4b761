package store

import (
	"context"
	"errors"
	"math/big"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/internal/mainnetblk"
)

var (
	mainnetOnce sync.Once
	mainnetSrc  *chain.BlkSource
	mainnetErr  error
)

// mainnetSource opens btcd's real mainnet blocks 0..14131 from the module
// cache.
func mainnetSource(t testing.TB) *chain.BlkSource {
	t.Helper()
	mainnetOnce.Do(func() {
		mainnetSrc, mainnetErr = chain.OpenBlk(mainnetblk.Path(t), &chaincfg.MainNetParams)
	})
	if mainnetErr != nil {
		t.Skipf("btcd mainnet test blocks unavailable: %v", mainnetErr)
	}
	return mainnetSrc
}

func openTemp(t testing.TB) *SQLite {
	t.Helper()
	st, err := OpenSQLite(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// sameChain checks that st holds exactly src's best chain.
func sameChain(t *testing.T, ctx context.Context, src chain.Source, st Store) {
	t.Helper()
	tip, err := src.Tip(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := src.Blocks(ctx, 0, tip.Height)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.Blocks(ctx, 0, tip.Height+10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("store has %d blocks, source %d", len(got), len(want))
	}
	work := new(big.Int)
	for i := range want {
		g, w := got[i], want[i]
		if g.Height != int64(i) || g.Hash != w.Hash || g.PrevHash != w.PrevHash || g.Bits != w.Bits || g.TimeS != w.TimeS ||
			g.Version != w.Version || g.CoinbaseOutSat != w.CoinbaseOutSat || g.FeesSat != w.FeesSat || g.TxCount != w.TxCount ||
			g.SizeBytes != w.SizeBytes || g.WeightWU != w.WeightWU || string(g.CoinbaseScriptSig) != string(w.CoinbaseScriptSig) ||
			strings.Join(g.PayoutAddrs, ",") != strings.Join(w.PayoutAddrs, ",") {
			t.Fatalf("height %d: stored %+v\nsource %+v", i, g, w)
		}
		work.Add(work, consensus.BlockWork(w.Bits))
		if g.ChainWork.Cmp(work) != 0 {
			t.Fatalf("height %d: chainwork %s, want %s", i, g.ChainWork, work)
		}
	}
}

func TestSyncMainnetBlk(t *testing.T) {
	ctx := context.Background()
	src := mainnetSource(t)
	st := openTemp(t)
	var calls int
	res, err := Sync(ctx, src, st, SyncOptions{Batch: 2000, Progress: func(h, tip int64) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 14132 || calls != 8 || res.Reorganized {
		t.Errorf("result %+v, %d progress calls", res, calls)
	}
	sameChain(t, ctx, src, st)
	// A second sync is a no-op.
	res, err = Sync(ctx, src, st, SyncOptions{})
	if err != nil || res.Added != 0 || res.ForkHeight != 14131 {
		t.Errorf("resync: %+v, %v", res, err)
	}
}

// truncated exposes only the first n blocks of a source, and can fail
// after a number of Blocks calls, as a crash mid-sync would.
type truncated struct {
	chain.Source
	n         int64
	failAfter int
	calls     int
}

var errCrash = errors.New("simulated crash")

func (s *truncated) Tip(ctx context.Context) (chain.Tip, error) {
	h, err := s.Source.HashAt(ctx, s.n-1)
	return chain.Tip{Height: s.n - 1, Hash: h}, err
}

func (s *truncated) Blocks(ctx context.Context, from, to int64) ([]chain.Block, error) {
	s.calls++
	if s.failAfter > 0 && s.calls > s.failAfter {
		return nil, errCrash
	}
	return s.Source.Blocks(ctx, from, to)
}

func TestSyncInterruptedResumes(t *testing.T) {
	ctx := context.Background()
	src := mainnetSource(t)
	st := openTemp(t)
	_, err := Sync(ctx, &truncated{Source: src, n: 14132, failAfter: 3}, st, SyncOptions{Batch: 1000})
	if !errors.Is(err, errCrash) {
		t.Fatalf("err = %v, want the simulated crash", err)
	}
	tip, err := st.Tip(ctx)
	if err != nil || tip.Height != 2999 {
		t.Fatalf("after crash tip = %d (%v), want 2999: only whole batches", tip.Height, err)
	}
	// A cancelled context mid-run behaves the same.
	cctx, cancel := context.WithCancel(ctx)
	_, err = Sync(cctx, &truncated{Source: src, n: 14132}, st, SyncOptions{Batch: 1000, Progress: func(h, _ int64) {
		if h >= 5999 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	res, err := Sync(ctx, src, st, SyncOptions{Batch: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if res.ForkHeight != 5999 || res.Added != 14132-6000 {
		t.Errorf("resume: %+v", res)
	}
	sameChain(t, ctx, src, st)
}

// forked is a source whose chain above a height is a different branch.
type forked struct {
	chain.Source
	above int64
	tip   int64
}

func (s *forked) rewrite(b chain.Block) chain.Block {
	if b.Height > s.above {
		b.Hash[31] ^= 0xa5
	}
	if b.Height > s.above+1 {
		b.PrevHash[31] ^= 0xa5
	}
	return b
}

func (s *forked) Tip(ctx context.Context) (chain.Tip, error) {
	h, err := s.HashAt(ctx, s.tip)
	return chain.Tip{Height: s.tip, Hash: h}, err
}

func (s *forked) HashAt(ctx context.Context, h int64) (chainhash.Hash, error) {
	bs, err := s.Blocks(ctx, h, h)
	if err != nil {
		return chainhash.Hash{}, err
	}
	return bs[0].Hash, nil
}

func (s *forked) Blocks(ctx context.Context, from, to int64) ([]chain.Block, error) {
	bs, err := s.Source.Blocks(ctx, from, to)
	out := make([]chain.Block, len(bs))
	for i, b := range bs {
		out[i] = s.rewrite(b)
	}
	return out, err
}

func TestSyncReorg(t *testing.T) {
	ctx := context.Background()
	src := mainnetSource(t)
	st := openTemp(t)
	if _, err := Sync(ctx, &truncated{Source: src, n: 5000}, st, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	// The node reorganizes 10 blocks deep onto a longer branch.
	branch := &forked{Source: src, above: 4989, tip: 5100}
	res, err := Sync(ctx, branch, st, SyncOptions{Batch: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Reorganized || res.ForkHeight != 4989 || res.RolledBack != 10 || res.Added != 111 {
		t.Errorf("reorg result %+v", res)
	}
	sameChain(t, ctx, branch, st)
	// And back to a shorter original chain: the stale branch is removed.
	res, err = Sync(ctx, &truncated{Source: src, n: 4995}, st, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ForkHeight != 4989 || res.RolledBack != 111 {
		t.Errorf("second reorg %+v", res)
	}
	sameChain(t, ctx, &truncated{Source: src, n: 4995}, st)
}

func TestSyncRejectsOtherNetwork(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if err := st.Apply(ctx, "simnet", -1, nil); err != nil {
		t.Fatal(err)
	}
	_, err := Sync(ctx, mainnetSource(t), st, SyncOptions{})
	if err == nil || !strings.Contains(err.Error(), "simnet") {
		t.Errorf("err = %v, want a network mismatch", err)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	for range 2 {
		st, err := OpenSQLite(path)
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
}
