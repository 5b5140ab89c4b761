// Package btcdtest starts real btcd nodes for hashfall's integration tests.
//
// btcd's own harness (integration/rpctest) builds btcd with the Go
// toolchain and runs it in simnet on loopback ports; this package adds what
// hashfall's tests need on top: blocks with realistic timestamps, and an
// RPC source dialled into the node.
package btcdtest

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/v2"
	"github.com/btcsuite/btcd/integration/rpctest"

	"github.com/hashfall/hashfall/chain"
)

// StartNode builds and starts a simnet btcd and stops it when the test
// ends. Under -short it skips the test instead.
func StartNode(tb testing.TB) *rpctest.Harness {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts a btcd node")
	}
	h, err := rpctest.New(&chaincfg.SimNetParams, nil, nil, "")
	if err != nil {
		tb.Fatal(err)
	}
	if err := h.SetUp(false, 0); err != nil {
		h.TearDown()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.TearDown() })
	return h
}

// ExponentialIntervals returns block intervals of 1 + Exp(1)·599 s, a mean
// of 600 s as on mainnet, so that hashrate estimators see a realistic
// spread of block times.
func ExponentialIntervals(rng *rand.Rand) func() time.Duration {
	return func() time.Duration { return time.Duration(1+rng.ExpFloat64()*599) * time.Second }
}

// Mine submits n blocks, each interval() after the one before, starting
// from the node's tip. An interval may be negative: consensus allows a
// timestamp earlier than its parent's while it stays above the median of
// the last 11.
func Mine(tb testing.TB, h *rpctest.Harness, n int, interval func() time.Duration) {
	tb.Helper()
	hash, _, err := h.Client.GetBestBlock()
	if err != nil {
		tb.Fatal(err)
	}
	hdr, err := h.Client.GetBlockHeader(hash)
	if err != nil {
		tb.Fatal(err)
	}
	t := hdr.Timestamp
	for range n {
		t = t.Add(interval())
		if _, err := h.GenerateAndSubmitBlock(nil, -1, t); err != nil {
			tb.Fatal(err)
		}
	}
}

// RPCConfig is the node's address and credentials for chain.DialRPC.
func RPCConfig(h *rpctest.Harness) chain.RPCConfig {
	cfg := h.RPCConfig()
	return chain.RPCConfig{URL: "https://" + cfg.Host, User: cfg.User, Pass: cfg.Pass, Certificates: cfg.Certificates}
}

// Dial connects an RPC source to the node and closes it when the test
// ends.
func Dial(tb testing.TB, h *rpctest.Harness, inFlight int) *chain.RPCSource {
	tb.Helper()
	cfg := RPCConfig(h)
	cfg.InFlight = inFlight
	src, err := chain.DialRPC(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { src.Close() })
	return src
}
