package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/integration/rpctest"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/internal/btcdtest"
)

// equalsNode checks the store against the node's own verbose JSON answers,
// a decoding path independent of the raw blocks the source parses.
func equalsNode(t *testing.T, h *rpctest.Harness, st Store) {
	t.Helper()
	ctx := context.Background()
	count, err := h.Client.GetBlockCount()
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := st.Blocks(ctx, 0, count+100)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(blocks)) != count+1 {
		t.Fatalf("store has %d blocks, node %d", len(blocks), count+1)
	}
	for i, b := range blocks {
		hash, err := h.Client.GetBlockHash(int64(i))
		if err != nil {
			t.Fatal(err)
		}
		v, err := h.Client.GetBlockVerboseTx(hash)
		if err != nil {
			t.Fatal(err)
		}
		bits, _ := strconv.ParseUint(v.Bits, 16, 32)
		var out float64
		for _, o := range v.RawTx[0].Vout {
			out += o.Value
		}
		prev := chainhash.Hash{}
		if v.PreviousHash != "" {
			p, _ := chainhash.NewHashFromStr(v.PreviousHash)
			prev = *p
		}
		if b.Height != int64(i) || b.Hash != *hash || b.PrevHash != prev || b.TimeS != v.Time || uint32(bits) != b.Bits ||
			b.Version != v.Version || b.TxCount != int64(len(v.RawTx)) || b.SizeBytes != int64(v.Size) || b.WeightWU != int64(v.Weight) ||
			b.CoinbaseOutSat != int64(math.Round(out*1e8)) || fmt.Sprintf("%x", b.CoinbaseScriptSig) != v.RawTx[0].Vin[0].Coinbase {
			t.Fatalf("height %d differs from the node:\nstore %+v\nnode  %+v", i, b, v)
		}
	}
}

// TestRPCNode runs against a real btcd: a full sync, an interrupted sync
// that resumes, and a reorg by invalidateblock 7 deep onto a longer branch.
func TestRPCNode(t *testing.T) {
	h := btcdtest.StartNode(t)
	rng := rand.New(rand.NewPCG(1, 2))
	btcdtest.Mine(t, h, 300, btcdtest.ExponentialIntervals(rng))
	src := btcdtest.Dial(t, h, 4)
	ctx := context.Background()

	t.Run("sync", func(t *testing.T) {
		st := openTemp(t)
		res, err := Sync(ctx, src, st, SyncOptions{Batch: 64})
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 301 {
			t.Errorf("added %d blocks, want 301", res.Added)
		}
		equalsNode(t, h, st)
	})

	t.Run("interrupted", func(t *testing.T) {
		st := openTemp(t)
		cctx, cancel := context.WithCancel(ctx)
		_, err := Sync(cctx, src, st, SyncOptions{Batch: 50, Progress: func(h, _ int64) {
			if h >= 99 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want canceled", err)
		}
		tip, _ := st.Tip(ctx)
		if tip.Height != 99 {
			t.Fatalf("interrupted at %d, want 99", tip.Height)
		}
		if res, err := Sync(ctx, src, st, SyncOptions{Batch: 50}); err != nil || res.ForkHeight != 99 || res.Added != 201 {
			t.Fatalf("resume: %+v %v", res, err)
		}
		equalsNode(t, h, st)
	})

	t.Run("reorg", func(t *testing.T) {
		st := openTemp(t)
		if _, err := Sync(ctx, src, st, SyncOptions{}); err != nil {
			t.Fatal(err)
		}
		bad, err := h.Client.GetBlockHash(294)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Client.InvalidateBlock(bad); err != nil {
			t.Fatal(err)
		}
		btcdtest.Mine(t, h, 12, btcdtest.ExponentialIntervals(rng)) // 293 → 305: longer than the old tip at 300
		res, err := Sync(ctx, src, st, SyncOptions{Batch: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Reorganized || res.ForkHeight != 293 || res.RolledBack != 7 || res.Added != 12 {
			t.Errorf("reorg result %+v", res)
		}
		equalsNode(t, h, st)
	})
}

// TestRPCErrors: an unreachable node and a closed store path give one-line
// errors.
func TestRPCUnreachable(t *testing.T) {
	_, err := chain.DialRPC(context.Background(), chain.RPCConfig{URL: "http://127.0.0.1:1"})
	if err == nil {
		t.Fatal("no error for a closed port")
	}
	t.Log(err)
}

func BenchmarkRPCIngest(b *testing.B) {
	h := btcdtest.StartNode(b)
	btcdtest.Mine(b, h, 500, btcdtest.ExponentialIntervals(rand.New(rand.NewPCG(3, 4))))
	src := btcdtest.Dial(b, h, 4)
	dir := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		st, err := OpenSQLite(filepath.Join(dir, fmt.Sprintf("b%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Sync(context.Background(), src, st, SyncOptions{}); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	b.ReportMetric(501*float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
}
