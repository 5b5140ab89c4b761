package metrics

import (
	"context"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/store"
)

const benchBlocks = 1_000_000

// bench1M opens a store of 1,000,000 synthetic blocks (exponential 600 s
// intervals, one bits value), built once and kept in the temp directory
// because writing it takes tens of seconds.
func bench1M(b *testing.B) *store.SQLite {
	b.Helper()
	path := filepath.Join(os.TempDir(), "hashfall-bench-1m-v2.db")
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		os.Remove(tmp)
		st, err := store.OpenSQLite(tmp)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 1))
		bits := uint32(0x17053894)
		w := consensus.BlockWork(bits)
		work := new(big.Int)
		t := 1_231_006_505.0
		var prev chainhash.Hash
		batch := make([]chain.Block, 0, 10000)
		for h := int64(0); h < benchBlocks; h++ {
			t += rng.ExpFloat64() * 600
			work = new(big.Int).Add(work, w)
			var hash chainhash.Hash
			for i := range 4 {
				v := rng.Uint64()
				for j := range 8 {
					hash[i*8+j] = byte(v >> (8 * j))
				}
			}
			batch = append(batch, chain.Block{Height: h, Hash: hash, PrevHash: prev, TimeS: int64(t), Bits: bits, ChainWork: work,
				CoinbaseScriptSig: []byte("/synthetic/"), TxCount: 1, SizeBytes: 250})
			prev = hash
			if len(batch) == cap(batch) {
				if err := st.Apply(context.Background(), "mainnet", h-int64(len(batch)), batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		st.Close()
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.OpenSQLite(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkHashrate1M is `hashfall hashrate --blocks 2016` on a 1M-block
// store (a full period, the most --blocks -1 can read): find the tip, read
// the blocks, both estimators.
func BenchmarkHashrate1M(b *testing.B) {
	st := bench1M(b)
	ctx := context.Background()
	for b.Loop() {
		tip, err := st.Tip(ctx)
		if err != nil {
			b.Fatal(err)
		}
		first, last, _, err := CoreWindow(tip.Height, 2016, -1, 2016)
		if err != nil {
			b.Fatal(err)
		}
		bs, err := st.Blocks(ctx, first, last)
		if err != nil {
			b.Fatal(err)
		}
		_ = NetworkHashPS(bs)
		if _, err := Unbiased(bs, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNextRetarget1M is `hashfall nextretarget` on a 1M-block store.
func BenchmarkNextRetarget1M(b *testing.B) {
	st := bench1M(b)
	ctx := context.Background()
	for b.Loop() {
		tip, err := st.Tip(ctx)
		if err != nil {
			b.Fatal(err)
		}
		start := tip.Height - tip.Height%2016
		from := min(start, tip.Height-144)
		bs, err := st.Blocks(ctx, from, tip.Height)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := NextRetarget(&chaincfg.MainNetParams, bs[start-from:], bs, tip.TimeS+60); err != nil {
			b.Fatal(err)
		}
	}
}
