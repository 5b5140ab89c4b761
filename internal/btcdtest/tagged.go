package btcdtest

import (
	"testing"
	"time"

	"github.com/btcsuite/btcd/address/v2"
	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/btcutil/v2"
	"github.com/btcsuite/btcd/integration/rpctest"
)

// MineTagged submits one block per tag, each interval() after the one
// before, whose coinbase scriptSig ends with that tag (after the BIP34
// height rpctest writes), as a pool's coinbase would. The blocks are
// coinbase-only and paid to a fixed address the test does not spend.
func MineTagged(tb testing.TB, h *rpctest.Harness, tags []string, interval func() time.Duration) {
	tb.Helper()
	payTo, err := address.NewAddressPubKeyHash(make([]byte, 20), h.ActiveNet)
	if err != nil {
		tb.Fatal(err)
	}
	for _, tag := range tags {
		hash, height, err := h.Client.GetBestBlock()
		if err != nil {
			tb.Fatal(err)
		}
		msg, err := h.Client.GetBlock(hash)
		if err != nil {
			tb.Fatal(err)
		}
		prev := btcutil.NewBlock(msg)
		prev.SetHeight(height)
		blk, err := rpctest.CreateBlock(prev, nil, rpctest.BlockVersion, msg.Header.Timestamp.Add(interval()), payTo, nil, h.ActiveNet)
		if err != nil {
			tb.Fatal(err)
		}
		mb := blk.MsgBlock()
		cb := mb.Transactions[0]
		cb.TxIn[0].SignatureScript = append(cb.TxIn[0].SignatureScript, tag...)
		mb.Header.MerkleRoot = blockchain.CalcMerkleRoot([]*btcutil.Tx{btcutil.NewTx(cb)}, false)
		target := blockchain.CompactToBig(mb.Header.Bits)
		for mb.Header.Nonce = 0; ; mb.Header.Nonce++ {
			bh := mb.Header.BlockHash()
			if blockchain.HashToBig(&bh).Cmp(target) <= 0 {
				break
			}
		}
		if err := h.Client.SubmitBlock(btcutil.NewBlock(mb), nil); err != nil {
			tb.Fatalf("block with tag %q: %v", tag, err)
		}
	}
}
