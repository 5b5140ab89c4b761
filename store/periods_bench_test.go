package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/metrics"
	"github.com/hashfall/hashfall/store"
)

// bigSyntheticStore is a SYNTHETIC mainnet-sized store: 900,000 blocks at
// 600 s, with bits that change every period, written by one SQL statement
// (the rows are placeholders; only heights, times and bits matter here).
// It lives in the benchmark's temporary directory.
func bigSyntheticStore(b *testing.B) *store.SQLite {
	b.Helper()
	st, err := store.OpenSQLite(filepath.Join(b.TempDir(), "big.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	err = store.ExecForTest(st, `INSERT INTO meta(key, value) VALUES('network', 'mainnet');
		INSERT INTO blocks(height, hash, prev_hash, time_s, bits, version, chainwork, coinbase_out_sat, fees_sat, tx_count, size_bytes, weight_wu, coinbase_script, payout_addrs)
		WITH RECURSIVE n(h) AS (SELECT 0 UNION ALL SELECT h + 1 FROM n WHERE h < 899999)
		SELECT h, randomblob(32), zeroblob(32), 1231006505 + h * 600, 486604799 - ((h / 2016) * 37) % 30000, 1, zeroblob(32), 0, 0, 1, 0, 0, x'00', '' FROM n`)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkFloorPointRead is the floor: one stored block read by height.
func BenchmarkFloorPointRead(b *testing.B) {
	st := bigSyntheticStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Blocks(ctx, int64(i%900000), int64(i%900000)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDifficultyHistory900k is the whole of `difficulty history
// --largest-drops 10` plus --rank and --drawdowns after the store is open:
// 892 point reads, the merge, and the three rankings.
func BenchmarkDifficultyHistory900k(b *testing.B) {
	st := bigSyntheticStore(b)
	ctx := context.Background()
	p := &chaincfg.MainNetParams
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ends, err := store.PeriodEnds(ctx, st, 2016)
		if err != nil {
			b.Fatal(err)
		}
		obs, err := metrics.ObservationsFromBlocks(2016, ends)
		if err != nil {
			b.Fatal(err)
		}
		ps, err := metrics.DifficultyHistory(p, obs)
		if err != nil {
			b.Fatal(err)
		}
		if len(ps) != 447 {
			b.Fatalf("%d periods", len(ps))
		}
		_ = metrics.LargestChanges(ps, 10, true)
		if _, err := metrics.RankOf(ps, -11.16); err != nil {
			b.Fatal(err)
		}
		_ = metrics.Drawdowns(ps, 10)
	}
}
