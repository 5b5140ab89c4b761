package chain

import (
	"context"
	"errors"
	"math/big"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/chainhash/v2"
	"github.com/btcsuite/btcd/txscript/v2"
	"github.com/btcsuite/btcd/wire/v2"

	"github.com/hashfall/hashfall/consensus"
)

// Block is what hashfall keeps of one block of the best chain.
type Block struct {
	Height   int64
	Hash     chainhash.Hash
	PrevHash chainhash.Hash
	TimeS    int64 // header timestamp, Unix seconds
	Bits     uint32
	Version  int32
	// ChainWork is the total expected hashes of the chain up to and
	// including this block. Sources may leave it nil; the store fills it
	// from the parent's chainwork plus consensus.BlockWork(Bits).
	ChainWork         *big.Int
	CoinbaseOutSat    int64
	FeesSat           int64 // CoinbaseOutSat − subsidy at Height
	TxCount           int64
	SizeBytes         int64
	WeightWU          int64 // 0 when the source cannot tell (blk files)
	CoinbaseScriptSig []byte
	PayoutAddrs       []string
}

// Tip names the last block of a source's best chain.
type Tip struct {
	Height int64
	Hash   chainhash.Hash
}

// Source is a view of one node's best chain.
type Source interface {
	// Params are the consensus parameters of the source's network.
	Params() *chaincfg.Params
	Tip(ctx context.Context) (Tip, error)
	// HashAt returns the hash of the best-chain block at height.
	HashAt(ctx context.Context, height int64) (chainhash.Hash, error)
	// Blocks returns the best-chain blocks from..to inclusive, in height
	// order.
	Blocks(ctx context.Context, from, to int64) ([]Block, error)
	Close() error
}

// ErrNotFound reports a height or hash the source does not have.
var ErrNotFound = errors.New("not found")

// fillCoinbase sets the fields of b that come from its coinbase
// transaction, except FeesSat, which needs the height (see setFees).
func fillCoinbase(b *Block, cb *wire.MsgTx, p *chaincfg.Params) {
	var out int64
	for _, o := range cb.TxOut {
		out += o.Value
		if pk := p2pkKey(o.PkScript); pk != nil {
			// Early coinbases pay to a bare public key; its address is
			// the P2PKH of those bytes. Hashing them directly skips
			// decoding the curve point, the slowest step of a blk scan.
			if a, err := address.NewAddressPubKeyHash(address.Hash160(pk), p); err == nil {
				b.PayoutAddrs = append(b.PayoutAddrs, a.EncodeAddress())
			}
			continue
		}
		if _, addrs, _, err := txscript.ExtractPkScriptAddrs(o.PkScript, p); err == nil {
			for _, a := range addrs {
				b.PayoutAddrs = append(b.PayoutAddrs, a.EncodeAddress())
			}
		}
	}
	b.CoinbaseOutSat = out
	if len(cb.TxIn) > 0 {
		b.CoinbaseScriptSig = cb.TxIn[0].SignatureScript
	}
}

// p2pkKey returns the public key of a pay-to-pubkey script
// (<33 or 65 bytes> OP_CHECKSIG), or nil.
func p2pkKey(script []byte) []byte {
	switch {
	case len(script) == 35 && script[0] == 33 && (script[1] == 2 || script[1] == 3) && script[34] == txscript.OP_CHECKSIG:
		return script[1:34]
	case len(script) == 67 && script[0] == 65 && script[1] == 4 && script[66] == txscript.OP_CHECKSIG:
		return script[1:66]
	}
	return nil
}

// setFees applies the package rule FeesSat = CoinbaseOutSat − subsidy(Height).
func setFees(b *Block, p *chaincfg.Params) {
	b.FeesSat = b.CoinbaseOutSat - consensus.BlockSubsidy(p, b.Height)
}
