package metrics

import (
	"context"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/store"
)

// StoredHistory is HistoryFrom over everything st holds for network p:
// the first and last synced block of every period (two point reads a
// period, never the blocks between), the imported bitcoinj header
// checkpoints and the imported Electrum checkpoints. Both the CLI's
// `difficulty history` and serve's difficulty-history endpoint read it.
func StoredHistory(ctx context.Context, st store.Reader, p *chaincfg.Params) ([]Period, error) {
	ends, err := store.PeriodEnds(ctx, st, consensus.RetargetIntervalBlocks(p))
	if err != nil {
		return nil, err
	}
	cps, err := st.HeaderCheckpoints(ctx)
	if err != nil {
		return nil, err
	}
	eps, err := st.Epochs(ctx)
	if err != nil {
		return nil, err
	}
	return HistoryFrom(p, ends, cps, eps)
}
