package chain

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/internal/mainnetblk"
)

// TestBlkMainnet reads the real file header+coinbase only and checks every
// block against a full, independent decode of the same bytes with
// wire.MsgBlock, and against chaincfg's mainnet checkpoint at 11111.
func TestBlkMainnet(t *testing.T) {
	path := mainnetblk.Path(t)
	p := &chaincfg.MainNetParams
	src, err := OpenBlk(path, p)
	if err != nil {
		t.Fatal(err)
	}
	tip, _ := src.Tip(context.Background())
	if tip.Height != 14131 {
		t.Fatalf("tip height = %d, want 14131", tip.Height)
	}
	blocks, err := src.Blocks(context.Background(), 0, tip.Height)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	for h := int64(0); h <= tip.Height; h++ {
		size := int(uint32(raw[off+4]) | uint32(raw[off+5])<<8 | uint32(raw[off+6])<<16 | uint32(raw[off+7])<<24)
		var full wire.MsgBlock
		if err := full.Deserialize(bytes.NewReader(raw[off+8 : off+8+size])); err != nil {
			t.Fatalf("height %d: %v", h, err)
		}
		off += 8 + size
		b := blocks[h]
		if b.Height != h || b.Hash != full.BlockHash() || b.PrevHash != full.Header.PrevBlock || b.Bits != full.Header.Bits || b.TimeS != full.Header.Timestamp.Unix() {
			t.Fatalf("height %d: header fields differ from a full decode", h)
		}
		if b.TxCount != int64(len(full.Transactions)) || b.SizeBytes != int64(full.SerializeSize()) {
			t.Fatalf("height %d: tx count %d size %d, full decode %d %d", h, b.TxCount, b.SizeBytes, len(full.Transactions), full.SerializeSize())
		}
		var out int64
		for _, o := range full.Transactions[0].TxOut {
			out += o.Value
		}
		if b.CoinbaseOutSat != out || b.FeesSat != out-5_000_000_000 {
			t.Fatalf("height %d: coinbase %d fees %d, full decode %d", h, b.CoinbaseOutSat, b.FeesSat, out)
		}
		// Payout addresses against txscript's own extraction (the reader
		// takes a shortcut for pay-to-pubkey outputs).
		var addrs []string
		for _, o := range full.Transactions[0].TxOut {
			if _, as, _, err := txscript.ExtractPkScriptAddrs(o.PkScript, p); err == nil {
				for _, a := range as {
					addrs = append(addrs, a.EncodeAddress())
				}
			}
		}
		if strings.Join(addrs, " ") != strings.Join(b.PayoutAddrs, " ") {
			t.Fatalf("height %d: payout addresses %v, txscript %v", h, b.PayoutAddrs, addrs)
		}
		if h > 0 && b.PrevHash != blocks[h-1].Hash {
			t.Fatalf("height %d does not link to %d", h, h-1)
		}
	}
	if blocks[0].Hash != *p.GenesisHash {
		t.Errorf("block 0 = %s, want genesis", blocks[0].Hash)
	}
	for _, cp := range p.Checkpoints {
		if int64(cp.Height) <= tip.Height && blocks[cp.Height].Hash != *cp.Hash {
			t.Errorf("checkpoint %d: %s, want %s", cp.Height, blocks[cp.Height].Hash, cp.Hash)
		}
	}
	// Block 0..2015 run at the proof-of-work limit; bits change only at
	// retarget heights, and each change is a permitted transition.
	for h := int64(1); h <= tip.Height; h++ {
		if !consensus.PermittedDifficultyTransition(p, h, blocks[h-1].Bits, blocks[h].Bits) {
			t.Errorf("height %d: bits %08x → %08x not permitted", h, blocks[h-1].Bits, blocks[h].Bits)
		}
	}
	// Satoshi's early blocks pay one P2PK output: one address each.
	if len(blocks[1].PayoutAddrs) != 1 {
		t.Errorf("block 1 payout addresses = %v, want one", blocks[1].PayoutAddrs)
	}
}

// TestLinkBestOutOfOrder shuffles real blocks and adds a stale branch, as
// Core's blk files have; the most-work chain from genesis must come out.
func TestLinkBestOutOfOrder(t *testing.T) {
	p := &chaincfg.MainNetParams
	f, err := os.Open(mainnetblk.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	var recs []Block
	if err := ScanBlk(f, st.Size(), p.Net, p, func(r Block) error {
		if len(recs) < 300 {
			recs = append(recs, r)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := make([]Block, len(recs))
	copy(want, recs)
	// Reverse order: every parent comes after its child.
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	// A stale one-block branch off height 100 and an orphan.
	stale := want[101]
	stale.Hash[0] ^= 1
	orphan := want[200]
	orphan.Hash[1] ^= 1
	orphan.PrevHash[1] ^= 1
	recs = append(recs, stale, orphan)
	best, err := linkBest(recs, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(best) != len(want) {
		t.Fatalf("best chain has %d blocks, want %d", len(best), len(want))
	}
	for i := range best {
		if best[i].Hash != want[i].Hash {
			t.Fatalf("height %d: %s, want %s", i, best[i].Hash, want[i].Hash)
		}
	}
	if best[299].ChainWork.Cmp(consensus.PeriodWork(0x1d00ffff, 300)) != 0 {
		t.Errorf("chainwork at 299 = %s, want 300 blocks at the pow limit", best[299].ChainWork)
	}
}

func TestBlkErrors(t *testing.T) {
	p := &chaincfg.MainNetParams
	raw, err := os.ReadFile(mainnetblk.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	one := raw[:8+285] // genesis block frame
	cases := map[string][]byte{
		"magic":     append([]byte{1, 2, 3, 4}, one[4:]...),
		"truncated": one[:100],
		"size":      append(append([]byte{}, one[:4]...), 0xff, 0xff, 0xff, 0xff),
	}
	for name, data := range cases {
		err := ScanBlk(bytes.NewReader(data), int64(len(data)), p.Net, p, func(Block) error { return nil })
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", name, err)
		}
	}
}

func FuzzScanBlk(f *testing.F) {
	p := &chaincfg.MainNetParams
	if raw, err := os.ReadFile(mainnetblk.Path(f)); err == nil {
		f.Add(raw[:8+285])
		f.Add(raw[:3000])
	}
	f.Add([]byte{0xf9, 0xbe, 0xb4, 0xd9, 0x51, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = ScanBlk(bytes.NewReader(data), int64(len(data)), p.Net, p, func(Block) error { return nil })
	})
}

func BenchmarkBlkIngest(b *testing.B) {
	path := mainnetblk.Path(b)
	p := &chaincfg.MainNetParams
	var n int
	for b.Loop() {
		src, err := OpenBlk(path, p)
		if err != nil {
			b.Fatal(err)
		}
		n = len(src.blocks)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
}

// BenchmarkBlkScan is the framing, header and coinbase decode alone,
// without linking the chain.
func BenchmarkBlkScan(b *testing.B) {
	path := mainnetblk.Path(b)
	p := &chaincfg.MainNetParams
	var n int
	for b.Loop() {
		n = 0
		if err := scanBlkFile(path, nil, p, func(Block) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
}

// Bitcoin Core 28+ obfuscates blk files with the 8-byte key in xor.dat;
// a directory with an obfuscated copy must read like the plain file.
func TestBlkXorDirectory(t *testing.T) {
	raw, err := os.ReadFile(mainnetblk.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	// The first 500 frames, then Core's zero padding.
	off := 0
	for range 500 {
		off += 8 + int(binary.LittleEndian.Uint32(raw[off+4:]))
	}
	plain := append(append([]byte{}, raw[:off]...), make([]byte, 4096)...)
	key := []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}
	obf := make([]byte, len(plain))
	for i := range plain {
		obf[i] = plain[i] ^ key[i%8]
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "blk00000.dat"), obf, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "xor.dat"), key, 0o644); err != nil {
		t.Fatal(err)
	}
	p := &chaincfg.MainNetParams
	src, err := OpenBlk(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := src.Blocks(context.Background(), 0, 499)
	want, err := OpenBlk(mainnetblk.Path(t), p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].Hash != want.blocks[i].Hash || got[i].CoinbaseOutSat != want.blocks[i].CoinbaseOutSat {
			t.Fatalf("height %d differs", i)
		}
	}
	if tip, _ := src.Tip(context.Background()); tip.Height != 499 {
		t.Errorf("tip %d, want 499", tip.Height)
	}
}
