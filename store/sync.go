package store

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
)

// DefaultBatch is the number of blocks Sync writes per transaction.
const DefaultBatch = 500

// SyncOptions tune Sync.
type SyncOptions struct {
	Batch int // blocks per transaction; DefaultBatch when ≤ 0
	// Progress, if set, is called after each batch with the stored and
	// the source's tip heights.
	Progress func(storedHeight, tipHeight int64)
}

// SyncResult says what one Sync call did.
type SyncResult struct {
	ForkHeight  int64 // highest block kept from before; -1 for none
	RolledBack  int64 // blocks removed by a reorg
	Added       int64
	TipHeight   int64
	Reorganized bool
}

// errForkDuringSync reports that the source's chain changed under a sync;
// Sync starts over from fork detection.
var errForkDuringSync = errors.New("source chain changed during sync")

// Sync brings st up to src's best chain. Each batch of blocks is one
// transaction, so an interrupted Sync (a cancelled context, a crash, kill -9)
// leaves the store at the end of a whole batch and the next Sync continues
// from there with no gap and no duplicate. The store mirrors the source:
// a source whose best chain is shorter (a node still syncing, or one that
// invalidated blocks) rolls the store back to its tip.
func Sync(ctx context.Context, src chain.Source, st Store, opt SyncOptions) (SyncResult, error) {
	for attempt := 0; ; attempt++ {
		res, err := syncOnce(ctx, src, st, opt)
		if errors.Is(err, errForkDuringSync) && attempt < 10 {
			continue
		}
		return res, err
	}
}

func syncOnce(ctx context.Context, src chain.Source, st Store, opt SyncOptions) (SyncResult, error) {
	p := src.Params()
	batch := int64(opt.Batch)
	if batch <= 0 {
		batch = DefaultBatch
	}
	res := SyncResult{ForkHeight: -1}
	net, err := st.Network(ctx)
	if err != nil {
		return res, err
	}
	if net != "" && net != p.Name {
		return res, fmt.Errorf("store holds %s blocks, source is %s", net, p.Name)
	}
	tip, err := src.Tip(ctx)
	if err != nil {
		return res, err
	}
	res.TipHeight = tip.Height
	fork, err := forkPoint(ctx, src, st, tip.Height)
	if err != nil {
		return res, err
	}
	res.ForkHeight = fork
	var parent chain.Block
	if fork >= 0 {
		bs, err := st.Blocks(ctx, fork, fork)
		if err != nil {
			return res, err
		}
		if len(bs) != 1 {
			return res, fmt.Errorf("store lost block %d during sync", fork)
		}
		parent = bs[0]
	}
	if local, err := st.Tip(ctx); err == nil && local.Height > fork {
		res.RolledBack = local.Height - fork
		res.Reorganized = true
	}
	keep := fork
	if res.RolledBack > 0 && fork >= tip.Height {
		// The source's chain is shorter than the store's stale branch:
		// roll back without adding.
		if err := st.Apply(ctx, p.Name, keep, nil); err != nil {
			return res, err
		}
	}
	for from := fork + 1; from <= tip.Height; from += batch {
		to := min(from+batch-1, tip.Height)
		blocks, err := src.Blocks(ctx, from, to)
		if err != nil {
			return res, fmt.Errorf("blocks %d..%d: %w", from, to, err)
		}
		if int64(len(blocks)) != to-from+1 {
			return res, fmt.Errorf("blocks %d..%d: source returned %d blocks", from, to, len(blocks))
		}
		for i := range blocks {
			b := &blocks[i]
			if b.Height != from+int64(i) {
				return res, fmt.Errorf("source returned height %d for %d", b.Height, from+int64(i))
			}
			if b.Height == 0 {
				if b.Hash != *p.GenesisHash {
					return res, fmt.Errorf("block 0 is %s, not the %s genesis block", b.Hash, p.Name)
				}
			} else if b.PrevHash != parent.Hash {
				return res, errForkDuringSync
			}
			w := consensus.BlockWork(b.Bits)
			if b.Height > 0 {
				w.Add(w, parent.ChainWork)
			}
			b.ChainWork = w
			parent = *b
		}
		if err := st.Apply(ctx, p.Name, keep, blocks); err != nil {
			return res, err
		}
		keep = to
		res.Added += int64(len(blocks))
		if opt.Progress != nil {
			opt.Progress(to, tip.Height)
		}
	}
	return res, nil
}

// forkPoint returns the highest stored height whose hash the source's best
// chain shares, or -1. Matching is monotone in height (a shared block's
// ancestors are shared), so after checking the stored tip it is a binary
// search costing O(log n) source calls.
func forkPoint(ctx context.Context, src chain.Source, st Store, srcTip int64) (int64, error) {
	local, err := st.Tip(ctx)
	if errors.Is(err, ErrEmpty) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	var searchErr error
	matches := func(h int64) bool {
		if searchErr != nil || h > srcTip {
			return false
		}
		a, err := st.HashAt(ctx, h)
		if err != nil {
			searchErr = err
			return false
		}
		b, err := src.HashAt(ctx, h)
		if err != nil {
			searchErr = err
			return false
		}
		return a == b
	}
	if matches(local.Height) {
		return local.Height, searchErr
	}
	// Smallest h in [0, local.Height] that does not match, minus one.
	n := sort.Search(int(local.Height), func(i int) bool { return !matches(int64(i)) })
	if searchErr != nil {
		return 0, searchErr
	}
	if n == 0 {
		return 0, fmt.Errorf("store's block 0 differs from the source's: a different chain")
	}
	return int64(n) - 1, nil
}
