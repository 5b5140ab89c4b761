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
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/integration/rpctest"

	"github.com/hashfall/hashfall/chain"
)

// startNode builds and starts a real btcd in simnet through btcd's own
// integration harness (it runs `go build github.com/btcsuite/btcd`).
func startNode(tb testing.TB) *rpctest.Harness {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts a btcd node")
	}
	h, err := rpctest.New(&chaincfg.SimNetParams, nil, nil, "")
	if err != nil {
		tb.Fatal(err)
	}
	if err := h.SetUp(false, 0); err != nil {
		h.TearDown()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.TearDown() })
	return h
}

// mine submits n blocks whose timestamps follow exponential intervals
// (mean 600 s) after the node's tip, so that hashrate estimators see a
// realistic spread of block times.
func mine(tb testing.TB, h *rpctest.Harness, rng *rand.Rand, n int) {
	tb.Helper()
	hash, _, err := h.Client.GetBestBlock()
	if err != nil {
		tb.Fatal(err)
	}
	hdr, err := h.Client.GetBlockHeader(hash)
	if err != nil {
		tb.Fatal(err)
	}
	t := hdr.Timestamp
	for range n {
		t = t.Add(time.Duration(1+rng.ExpFloat64()*599) * time.Second)
		if _, err := h.GenerateAndSubmitBlock(nil, -1, t); err != nil {
			tb.Fatal(err)
		}
	}
}

func dialNode(tb testing.TB, h *rpctest.Harness) *chain.RPCSource {
	tb.Helper()
	cfg := h.RPCConfig()
	src, err := chain.DialRPC(context.Background(), chain.RPCConfig{
		URL: "https://" + cfg.Host, User: cfg.User, Pass: cfg.Pass, Certificates: cfg.Certificates, InFlight: 4,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { src.Close() })
	return src
}

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
	h := startNode(t)
	rng := rand.New(rand.NewPCG(1, 2))
	mine(t, h, rng, 300)
	src := dialNode(t, h)
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
		mine(t, h, rng, 12) // 293 → 305: longer than the old tip at 300
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
	h := startNode(b)
	mine(b, h, rand.New(rand.NewPCG(3, 4)), 500)
	src := dialNode(b, h)
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
