package store

import (
	"context"
	"errors"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"

	"github.com/hashfall/hashfall/chain"
)

// ErrEmpty reports that the store holds no blocks (or no prices).
var ErrEmpty = errors.New("store is empty")

// Reader is what the reading commands (and serve's many readers) need: a
// store opened by OpenReadOnly, which never writes to the file.
type Reader interface {
	// Network returns the network name recorded with the first block
	// written, or "" for a new store.
	Network(ctx context.Context) (string, error)
	// Tip returns the highest stored block, or ErrEmpty.
	Tip(ctx context.Context) (chain.Block, error)
	// HashAt returns the stored hash at height, or chain.ErrNotFound.
	HashAt(ctx context.Context, height int64) (chainhash.Hash, error)
	// Blocks returns stored blocks from..to inclusive in height order.
	Blocks(ctx context.Context, from, to int64) ([]chain.Block, error)
	Epochs(ctx context.Context) ([]chain.Epoch, error)
	HeaderCheckpoints(ctx context.Context) ([]chain.HeaderCheckpoint, error)
	// Prices returns the prices for days in [from, to], oldest first.
	Prices(ctx context.Context, from, to time.Time) ([]chain.Price, error)
	// LatestPrice returns the most recent price, or ErrEmpty.
	LatestPrice(ctx context.Context) (chain.Price, error)
	Close() error
}

// Store is what sync and import need: a Reader that also writes. Only the
// one writer (OpenSQLite) implements it.
type Store interface {
	Reader
	// Apply, in one transaction, deletes every block above keepThrough
	// and inserts blocks, which must continue the chain at keepThrough+1.
	Apply(ctx context.Context, network string, keepThrough int64, blocks []chain.Block) error
	// PutEpochs replaces the stored epochs with epochs, in one transaction,
	// refusing an entry whose period's last block is stored under another
	// hash.
	PutEpochs(ctx context.Context, epochs []chain.Epoch) error
	// PutPrices upserts daily prices in one transaction.
	PutPrices(ctx context.Context, prices []chain.Price) error
}
