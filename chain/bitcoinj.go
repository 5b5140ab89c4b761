package chain

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/hashfall/hashfall/consensus"
)

// HeaderCheckpoint is one block header with its height and chainwork, as
// bitcoinj's checkpoint files list them (one at the first block of every
// difficulty period).
type HeaderCheckpoint struct {
	Height    int64
	ChainWork *big.Int // total expected hashes through this block
	Hash      chainhash.Hash
	PrevHash  chainhash.Hash // the hash of block Height−1
	TimeS     int64          // header timestamp, Unix seconds
	Bits      uint32
	Header    [80]byte // the serialized header, as stored
}

// bitcoinjRecordBytes is one record: 12 bytes of big-endian chainwork,
// 4 bytes of big-endian height, an 80-byte header.
const bitcoinjRecordBytes = 12 + 4 + 80

// maxBitcoinjCheckpoints bounds the count line: one checkpoint a period
// for far longer than Bitcoin will exist.
const maxBitcoinjCheckpoints = 1 << 20

// ReadBitcoinjCheckpoints parses bitcoinj's textual checkpoint format
// (CheckpointManager, "TXT CHECKPOINTS 1"): the magic line, a line with the
// number of signatures followed by that many signature lines (skipped:
// hashfall does not verify them), a line with the number of checkpoints,
// then one base64 record a line. Every record must decode to 96 bytes,
// heights must rise, and every header must satisfy its own proof of work
// (hash ≤ target of its bits). The whole file is validated before anything
// is returned; errors name the line.
func ReadBitcoinjCheckpoints(r io.Reader) ([]HeaderCheckpoint, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 64<<20))
	sc.Buffer(make([]byte, 4096), 4096)
	line := 0
	next := func(what string) (string, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return "", fmt.Errorf("bitcoinj checkpoints line %d: %w", line+1, err)
			}
			return "", fmt.Errorf("bitcoinj checkpoints line %d: missing %s", line+1, what)
		}
		line++
		return strings.TrimSpace(sc.Text()), nil
	}
	count := func(what string, limit int) (int, error) {
		s, err := next(what)
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > limit {
			return 0, fmt.Errorf("bitcoinj checkpoints line %d: %s %q is not an integer in [0, %d]", line, what, s, limit)
		}
		return n, nil
	}
	magic, err := next("the TXT CHECKPOINTS 1 line")
	if err != nil {
		return nil, err
	}
	if magic != "TXT CHECKPOINTS 1" {
		return nil, fmt.Errorf("bitcoinj checkpoints line 1: %.40q is not \"TXT CHECKPOINTS 1\"", magic)
	}
	nSigs, err := count("signature count", 1024)
	if err != nil {
		return nil, err
	}
	for i := 0; i < nSigs; i++ {
		if _, err := next("signature"); err != nil {
			return nil, err
		}
	}
	n, err := count("checkpoint count", maxBitcoinjCheckpoints)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("bitcoinj checkpoints line %d: no checkpoints", line)
	}
	out := make([]HeaderCheckpoint, 0, min(n, 4096))
	for i := 0; i < n; i++ {
		s, err := next("checkpoint")
		if err != nil {
			return nil, err
		}
		c, err := parseBitcoinjRecord(s)
		if err != nil {
			return nil, fmt.Errorf("bitcoinj checkpoints line %d: %w", line, err)
		}
		if len(out) > 0 && c.Height <= out[len(out)-1].Height {
			return nil, fmt.Errorf("bitcoinj checkpoints line %d: height %d does not rise above %d", line, c.Height, out[len(out)-1].Height)
		}
		out = append(out, c)
	}
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) != "" {
			return nil, fmt.Errorf("bitcoinj checkpoints line %d: more records than the count %d", line, n)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bitcoinj checkpoints line %d: %w", line+1, err)
	}
	return out, nil
}

func parseBitcoinjRecord(s string) (HeaderCheckpoint, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != bitcoinjRecordBytes {
		return HeaderCheckpoint{}, fmt.Errorf("not base64 of %d bytes", bitcoinjRecordBytes)
	}
	h := uint32(raw[12])<<24 | uint32(raw[13])<<16 | uint32(raw[14])<<8 | uint32(raw[15])
	if h > 1<<31-1 {
		return HeaderCheckpoint{}, fmt.Errorf("height %d out of range", h)
	}
	return HeaderCheckpointOf(int64(h), new(big.Int).SetBytes(raw[:12]), raw[16:])
}

// HeaderCheckpointOf decodes an 80-byte header at height with chainwork,
// checking that the header meets its own proof of work.
func HeaderCheckpointOf(height int64, chainWork *big.Int, header []byte) (HeaderCheckpoint, error) {
	if len(header) != 80 {
		return HeaderCheckpoint{}, fmt.Errorf("height %d: header is %d bytes, want 80", height, len(header))
	}
	c := HeaderCheckpoint{Height: height, ChainWork: chainWork}
	copy(c.Header[:], header)
	var hdr wire.BlockHeader
	if err := hdr.Deserialize(bytes.NewReader(c.Header[:])); err != nil {
		return HeaderCheckpoint{}, fmt.Errorf("header: %w", err)
	}
	c.Hash, c.PrevHash, c.TimeS, c.Bits = hdr.BlockHash(), hdr.PrevBlock, hdr.Timestamp.Unix(), hdr.Bits
	target, neg, overflow := consensus.CompactToTarget(c.Bits)
	if neg || overflow || target.Sign() <= 0 {
		return HeaderCheckpoint{}, fmt.Errorf("height %d: bits %08x are not a valid target", c.Height, c.Bits)
	}
	if hashToBig(c.Hash).Cmp(target) > 0 {
		return HeaderCheckpoint{}, fmt.Errorf("height %d: header hash %s does not meet its target %08x", c.Height, c.Hash, c.Bits)
	}
	if c.ChainWork.Sign() <= 0 {
		return HeaderCheckpoint{}, fmt.Errorf("height %d: chainwork is zero", c.Height)
	}
	return c, nil
}

// hashToBig reads a block hash as the little-endian 256-bit number that
// proof of work compares with the target.
func hashToBig(h chainhash.Hash) *big.Int {
	var be [chainhash.HashSize]byte
	for i := range h {
		be[i] = h[chainhash.HashSize-1-i]
	}
	return new(big.Int).SetBytes(be[:])
}
