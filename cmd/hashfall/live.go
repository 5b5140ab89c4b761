package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/consensus"
	"github.com/hashfall/hashfall/economics"
	"github.com/hashfall/hashfall/store"
)

var networksByName = map[string]*chaincfg.Params{}

func init() {
	for _, p := range []*chaincfg.Params{&chaincfg.MainNetParams, &chaincfg.TestNet3Params, &chaincfg.TestNet4Params,
		&chaincfg.RegressionNetParams, &chaincfg.SimNetParams, &chaincfg.SigNetParams} {
		networksByName[p.Name] = p
	}
}

// openStore opens an existing store read-only; it never creates, migrates
// or writes one. Only sync and import open the store for writing.
func openStore(dbPath string) (store.Reader, error) {
	if dbPath == "" {
		return nil, usageErrorf("--db is required")
	}
	return store.OpenReadOnly(dbPath)
}

// storeTip returns the store's tip and network parameters, with a clear
// error for an empty store.
func storeTip(ctx context.Context, st store.Reader, dbPath string) (chain.Block, *chaincfg.Params, error) {
	tip, err := st.Tip(ctx)
	if errors.Is(err, store.ErrEmpty) {
		return tip, nil, fmt.Errorf("store %s has no blocks: run hashfall sync first", dbPath)
	}
	if err != nil {
		return tip, nil, err
	}
	name, err := st.Network(ctx)
	if err != nil {
		return tip, nil, err
	}
	p, ok := networksByName[name]
	if !ok {
		return tip, nil, fmt.Errorf("store %s holds blocks of unknown network %q", dbPath, name)
	}
	return tip, p, nil
}

// liveNetwork reads the network state from a synced store: the difficulty
// of the stored tip's bits, the subsidy of the next block, fees as the
// mean of the last 144 blocks, and the latest imported price. The time is
// the tip block's.
func liveNetwork(dbPath string) (economics.Network, time.Time, error) {
	ctx := context.Background()
	st, err := openStore(dbPath)
	if err != nil {
		return economics.Network{}, time.Time{}, err
	}
	defer st.Close()
	n, tipTime, _, err := networkFromStore(ctx, st, dbPath)
	return n, tipTime, err
}

func networkFromStore(ctx context.Context, st store.Reader, dbPath string) (economics.Network, time.Time, *chaincfg.Params, error) {
	tip, p, err := storeTip(ctx, st, dbPath)
	if err != nil {
		return economics.Network{}, time.Time{}, nil, err
	}
	price, err := st.LatestPrice(ctx)
	if errors.Is(err, store.ErrEmpty) {
		return economics.Network{}, time.Time{}, nil, fmt.Errorf("store %s has no prices: run hashfall import prices FILE.csv --db %s", dbPath, dbPath)
	}
	if err != nil {
		return economics.Network{}, time.Time{}, nil, err
	}
	recent, err := st.Blocks(ctx, max(0, tip.Height-economics.FeeSMABlocks+1), tip.Height)
	if err != nil {
		return economics.Network{}, time.Time{}, nil, err
	}
	n := economics.Network{
		PriceUSD:        price.CloseUSD,
		Difficulty:      consensus.DifficultyFromBits(tip.Bits),
		SubsidySat:      consensus.BlockSubsidy(p, tip.Height+1),
		FeesPerBlockSat: max(0, economics.FeesSMASat(recent, tip.Height)),
	}
	return n, time.Unix(tip.TimeS, 0).UTC(), p, nil
}
