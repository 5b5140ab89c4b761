package chain

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/hashfall/hashfall/consensus"
)

// blkWindow is how much of a block is read to find its header and
// coinbase. A coinbase is rarely over a few hundred bytes; when it is, the
// read is repeated with the whole block.
const blkWindow = 1024

// maxBlockBytes bounds a framed block's size: the consensus weight limit
// allows at most 4,000,000 serialized bytes.
const maxBlockBytes = 4_000_000

// ScanBlk reads the framed blocks of one blk file: 4-byte network magic,
// 4-byte little-endian size, then the block. For each it decodes the
// 80-byte header, the transaction count and the coinbase transaction, and
// skips the rest using the framing size. A zero magic ends the file (Core
// preallocates blk files with zeros). fn receives blocks without Height,
// ChainWork or FeesSat, which depend on the chain they link into.
func ScanBlk(r io.ReaderAt, size int64, net wire.BitcoinNet, p *chaincfg.Params, fn func(b Block) error) error {
	w := window{r: r, size: size}
	for off := int64(0); off+8 <= size; {
		frame, err := w.get(off, 8)
		if err != nil {
			return fmt.Errorf("offset %d: reading block frame: %w", off, err)
		}
		magic := binary.LittleEndian.Uint32(frame[:4])
		if magic == 0 {
			return nil
		}
		if wire.BitcoinNet(magic) != net {
			return fmt.Errorf("offset %d: network magic %#08x, want %#08x (%s)", off, magic, uint32(net), p.Name)
		}
		n := int64(binary.LittleEndian.Uint32(frame[4:]))
		if n < 81 || n > maxBlockBytes {
			return fmt.Errorf("offset %d: block size %d out of range [81, %d]", off, n, maxBlockBytes)
		}
		if off+8+n > size {
			return fmt.Errorf("offset %d: block of %d bytes runs past the end of the file (%d bytes)", off, n, size)
		}
		rec, err := parseFramed(&w, off+8, n, p)
		if err != nil {
			return fmt.Errorf("offset %d: %w", off, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
		off += 8 + n
	}
	return nil
}

// blkChunk is the read size of the window over a blk file: it holds many
// small early blocks per system call, and the header and coinbase of a
// large modern block, whose remaining megabyte or so is never read.
const blkChunk = 8 << 10

// window caches one chunk of a file read with ReadAt.
type window struct {
	r     io.ReaderAt
	size  int64
	buf   []byte
	start int64
}

// get returns the n bytes at off, reading a new chunk from off if they are
// not in the cached one. The slice is valid until the next call.
func (w *window) get(off, n int64) ([]byte, error) {
	if off >= w.start && off+n <= w.start+int64(len(w.buf)) {
		return w.buf[off-w.start : off-w.start+n], nil
	}
	want := min(max(n, blkChunk), w.size-off)
	if int64(cap(w.buf)) < want {
		w.buf = make([]byte, want)
	}
	w.buf = w.buf[:want]
	w.start = off
	if _, err := w.r.ReadAt(w.buf, off); err != nil {
		w.buf = w.buf[:0]
		return nil, err
	}
	return w.buf[:n], nil
}

// parseFramed decodes the header and coinbase of the n-byte block at off,
// reading only its first blkWindow bytes unless the coinbase is longer.
func parseFramed(w *window, off, n int64, p *chaincfg.Params) (Block, error) {
	want := min(n, blkWindow)
	for {
		b, err := w.get(off, want)
		if err != nil {
			return Block{}, fmt.Errorf("reading block: %w", err)
		}
		rec, err := decodeHeaderCoinbase(b, p)
		if err == nil {
			rec.SizeBytes = n
			return rec, nil
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) || want == n {
			return Block{}, err
		}
		want = n
	}
}

// decodeHeaderCoinbase decodes a serialized block's header, transaction
// count and first transaction from b, which may be a prefix of the block.
func decodeHeaderCoinbase(b []byte, p *chaincfg.Params) (Block, error) {
	rd := bytes.NewReader(b)
	var h wire.BlockHeader
	if err := h.Deserialize(rd); err != nil {
		return Block{}, fmt.Errorf("block header: %w", err)
	}
	ntx, err := wire.ReadVarInt(rd, 0)
	if err != nil {
		return Block{}, fmt.Errorf("transaction count: %w", err)
	}
	if ntx == 0 || ntx > maxBlockBytes/60 {
		return Block{}, fmt.Errorf("transaction count %d out of range", ntx)
	}
	var cb wire.MsgTx
	if err := cb.Deserialize(rd); err != nil {
		return Block{}, fmt.Errorf("coinbase transaction: %w", err)
	}
	if len(cb.TxIn) != 1 || cb.TxIn[0].PreviousOutPoint.Index != wire.MaxPrevOutIndex || cb.TxIn[0].PreviousOutPoint.Hash != (chainhash.Hash{}) {
		return Block{}, errors.New("first transaction is not a coinbase")
	}
	rec := Block{
		Hash:     h.BlockHash(),
		PrevHash: h.PrevBlock,
		TimeS:    h.Timestamp.Unix(),
		Bits:     h.Bits,
		Version:  h.Version,
		TxCount:  int64(ntx),
	}
	fillCoinbase(&rec, &cb, p)
	return rec, nil
}

// BlkSource serves the best chain found in a set of blk files. Core writes
// blocks in the order it receives them, so the files may hold blocks out of
// order and stale branches; OpenBlk links every block to its parent and
// keeps the chain of most work from the genesis block.
type BlkSource struct {
	params *chaincfg.Params
	blocks []Block // best chain, index = height
}

// OpenBlk reads path, a blk*.dat file or a directory of them, header and
// coinbase only. A directory's xor.dat (Bitcoin Core 28+) is applied.
func OpenBlk(path string, p *chaincfg.Params) (*BlkSource, error) {
	files, key, err := blkFiles(path)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, name := range files {
		if st, err := os.Stat(name); err == nil {
			total += st.Size()
		}
	}
	// Blocks average well over 1 KiB once past 2009 and Core pads files
	// with zeros; a record per KiB, capped near a full chain, avoids most
	// regrowing without reserving for the padding.
	recs := make([]Block, 0, min(total/1024, 1<<20))
	for _, name := range files {
		if err := scanBlkFile(name, key, p, func(rec Block) error {
			recs = append(recs, rec)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	best, err := linkBest(recs, p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &BlkSource{params: p, blocks: best}, nil
}

func blkFiles(path string) (files []string, xorKey []byte, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil, nil
	}
	files, err = filepath.Glob(filepath.Join(path, "blk*.dat"))
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no blk*.dat files", path)
	}
	sort.Strings(files)
	key, err := os.ReadFile(filepath.Join(path, "xor.dat"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return files, nil, nil
	case err != nil:
		return nil, nil, err
	case len(key) != 8:
		return nil, nil, fmt.Errorf("%s: xor.dat holds %d bytes, want 8", path, len(key))
	case bytes.Equal(key, make([]byte, 8)):
		return files, nil, nil
	}
	return files, key, nil
}

func scanBlkFile(name string, xorKey []byte, p *chaincfg.Params, fn func(rec Block) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	var r io.ReaderAt = f
	if xorKey != nil {
		r = xorReaderAt{r: f, key: xorKey}
	}
	if err := ScanBlk(r, st.Size(), p.Net, p, fn); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// xorReaderAt undoes Bitcoin Core's blk-file obfuscation: byte i of the
// file is XORed with key[i mod 8].
type xorReaderAt struct {
	r   io.ReaderAt
	key []byte
}

func (x xorReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := x.r.ReadAt(b, off)
	for i := range n {
		b[i] ^= x.key[(off+int64(i))%int64(len(x.key))]
	}
	return n, err
}

// linkBest links records to their parents and returns the chain of most
// cumulative work that starts at the network's genesis block, with
// Height, ChainWork and FeesSat set.
func linkBest(recs []Block, p *chaincfg.Params) ([]Block, error) {
	idx := make(map[chainhash.Hash]int, len(recs))
	for i := range recs {
		if _, dup := idx[recs[i].Hash]; !dup {
			idx[recs[i].Hash] = i
		}
	}
	const unknown, orphan = -2, -1
	height := make([]int64, len(recs))
	for i := range height {
		height[i] = unknown
	}
	work := make([]*big.Int, len(recs))
	var stack []int
	// Bits change once a period: cache each value's work, read only.
	workOf := map[uint32]*big.Int{}
	bestIdx := -1
	for i := range recs {
		// Walk up to a resolved ancestor, then resolve back down.
		for j := i; height[j] == unknown; {
			stack = append(stack, j)
			if recs[j].Hash == *p.GenesisHash {
				break
			}
			parent, ok := idx[recs[j].PrevHash]
			if !ok {
				break
			}
			j = parent
		}
		for k := len(stack) - 1; k >= 0; k-- {
			j := stack[k]
			w, ok := workOf[recs[j].Bits]
			if !ok {
				w = consensus.BlockWork(recs[j].Bits)
				workOf[recs[j].Bits] = w
			}
			switch parent, ok := idx[recs[j].PrevHash]; {
			case recs[j].Hash == *p.GenesisHash:
				height[j], work[j] = 0, w
			case !ok || height[parent] < 0:
				height[j] = orphan
			default:
				height[j] = height[parent] + 1
				work[j] = new(big.Int).Add(w, work[parent])
			}
		}
		stack = stack[:0]
		if height[i] >= 0 && (bestIdx < 0 || work[i].Cmp(work[bestIdx]) > 0) {
			bestIdx = i
		}
	}
	if bestIdx < 0 {
		return nil, fmt.Errorf("no block links to the %s genesis block %s", p.Name, p.GenesisHash)
	}
	best := make([]Block, height[bestIdx]+1)
	for j := bestIdx; ; j = idx[recs[j].PrevHash] {
		b := recs[j]
		b.Height = height[j]
		b.ChainWork = work[j]
		setFees(&b, p)
		best[b.Height] = b
		if b.Height == 0 {
			break
		}
	}
	return best, nil
}

// Params implements Source.
func (s *BlkSource) Params() *chaincfg.Params { return s.params }

// Tip implements Source.
func (s *BlkSource) Tip(context.Context) (Tip, error) {
	last := s.blocks[len(s.blocks)-1]
	return Tip{Height: last.Height, Hash: last.Hash}, nil
}

// HashAt implements Source.
func (s *BlkSource) HashAt(_ context.Context, height int64) (chainhash.Hash, error) {
	if height < 0 || height >= int64(len(s.blocks)) {
		return chainhash.Hash{}, fmt.Errorf("height %d: %w", height, ErrNotFound)
	}
	return s.blocks[height].Hash, nil
}

// Blocks implements Source.
func (s *BlkSource) Blocks(ctx context.Context, from, to int64) ([]Block, error) {
	if from < 0 || to >= int64(len(s.blocks)) || from > to {
		return nil, fmt.Errorf("heights %d..%d: %w", from, to, ErrNotFound)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A copy: callers (Sync) fill in fields of what they receive.
	return slices.Clone(s.blocks[from : to+1]), nil
}

// Close implements Source.
func (s *BlkSource) Close() error { return nil }
