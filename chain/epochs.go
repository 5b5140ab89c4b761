package chain

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/consensus"
)

// reversed returns a copy of b in reverse order: a chainhash.Hash is stored
// little-endian and compared with a target as a big-endian number.
func reversed(b []byte) []byte {
	out := make([]byte, len(b))
	for i, x := range b {
		out[len(b)-1-i] = x
	}
	return out
}

// Epoch is one 2016-block difficulty period as Electrum's checkpoints list
// it: the hash of its last block and the target its timestamps produced,
// which is the target of the next period (Electrum verifies period i+1
// with entry i's target).
type Epoch struct {
	Index      int64 // period number; heights 2016·Index … 2016·Index+2015
	LastHash   chainhash.Hash
	NextTarget *big.Int
}

// Price is one day's BTC/USD close.
type Price struct {
	Day      time.Time // UTC midnight
	CloseUSD float64
}

// maxTarget is 2^256: no 256-bit target reaches it.
var maxTarget = new(big.Int).Lsh(big.NewInt(1), 256)

// ReadElectrumCheckpoints parses Electrum's checkpoints.json: a JSON array
// whose entry i is [hash of block 2016·i+2015, target of period i+1 as a
// JSON integer]. The whole file is validated before anything is returned,
// including its order, which the file does not state but mainnet's
// consensus fixes: each entry's hash must meet the target of its own
// period (entry i−1's, powLimit for i = 0), and each target must be one
// the retarget at height 2016·(i+1) permits from the one before
// (consensus.PermittedDifficultyTransition: at most 4× either way).
func ReadElectrumCheckpoints(r io.Reader) ([]Epoch, error) {
	dec := json.NewDecoder(r)
	var raw []json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("checkpoints: not a JSON array: %w", err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("checkpoints: empty array")
	}
	out := make([]Epoch, len(raw))
	for i, m := range raw {
		var pair []json.RawMessage
		if err := json.Unmarshal(m, &pair); err != nil || len(pair) != 2 {
			return nil, fmt.Errorf("checkpoints entry %d: want [hash, target]", i)
		}
		var hash string
		if err := json.Unmarshal(pair[0], &hash); err != nil {
			return nil, fmt.Errorf("checkpoints entry %d: hash is not a string", i)
		}
		h, err := chainhash.NewHashFromStr(hash)
		if err != nil || len(hash) != 2*chainhash.HashSize {
			return nil, fmt.Errorf("checkpoints entry %d: hash %q is not 64 hex digits", i, hash)
		}
		// The target is a bare JSON integer of up to 78 digits, beyond
		// float64; parse its literal text.
		t, ok := new(big.Int).SetString(string(pair[1]), 10)
		if !ok || t.Sign() <= 0 || t.Cmp(maxTarget) >= 0 {
			return nil, fmt.Errorf("checkpoints entry %d: target %.40s is not an integer in (0, 2^256)", i, pair[1])
		}
		out[i] = Epoch{Index: int64(i), LastHash: *h, NextTarget: t}
	}
	p := &chaincfg.MainNetParams
	periodTarget := p.PowLimit
	for i, e := range out {
		if new(big.Int).SetBytes(reversed(e.LastHash[:])).Cmp(periodTarget) > 0 {
			return nil, fmt.Errorf("checkpoints entry %d: hash %s does not meet its period's target: entries out of order, or not mainnet's", i, e.LastHash)
		}
		height := (int64(i) + 1) * consensus.RetargetIntervalBlocks(p)
		if !consensus.PermittedDifficultyTransition(p, height, consensus.TargetToCompact(periodTarget), consensus.TargetToCompact(e.NextTarget)) {
			return nil, fmt.Errorf("checkpoints entry %d: target is not a permitted retarget at height %d from entry %d's: entries out of order, or not mainnet's", i, height, i-1)
		}
		periodTarget = e.NextTarget
	}
	return out, nil
}
