package store

import (
	"context"
	"errors"
	"math/big"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/chain"
)

// ErrEmpty reports that the store holds no blocks (or no prices).
var ErrEmpty = errors.New("store is empty")

// Epoch is one 2016-block difficulty period as listed by Electrum's
// checkpoints: the hash of its last block and its target.
type Epoch struct {
	Index    int64 // period number; heights 2016·Index … 2016·Index+2015
	LastHash chainhash.Hash
	Target   *big.Int
}

// Price is one day's BTC/USD close.
type Price struct {
	Day      time.Time // UTC midnight
	CloseUSD float64
}

// Store is what sync, import and the metrics commands need from a
// persistence backend.
type Store interface {
	// Network returns the network name recorded with the first block
	// written, or "" for a new store.
	Network(ctx context.Context) (string, error)
	// Tip returns the highest stored block, or ErrEmpty.
	Tip(ctx context.Context) (chain.Block, error)
	// HashAt returns the stored hash at height, or chain.ErrNotFound.
	HashAt(ctx context.Context, height int64) (chainhash.Hash, error)
	// Blocks returns stored blocks from..to inclusive in height order.
	Blocks(ctx context.Context, from, to int64) ([]chain.Block, error)
	// Apply, in one transaction, deletes every block above keepThrough
	// and inserts blocks, which must continue the chain at keepThrough+1.
	Apply(ctx context.Context, network string, keepThrough int64, blocks []chain.Block) error
	// PutEpochs replaces the stored epochs with epochs, in one transaction.
	PutEpochs(ctx context.Context, epochs []Epoch) error
	Epochs(ctx context.Context) ([]Epoch, error)
	// PutPrices upserts daily prices in one transaction.
	PutPrices(ctx context.Context, prices []Price) error
	// Prices returns the prices for days in [from, to], oldest first.
	Prices(ctx context.Context, from, to time.Time) ([]Price, error)
	// LatestPrice returns the most recent price, or ErrEmpty.
	LatestPrice(ctx context.Context) (Price, error)
	Close() error
}
