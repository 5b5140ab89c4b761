// Package metrics measures the network from stored blocks: Bitcoin Core's
// getnetworkhashps and an unbiased hashrate estimator with an exact
// confidence interval, the next difficulty adjustment as a full probability
// distribution, daily series with hash ribbons and the difficulty ribbon,
// pool shares with the Nakamoto coefficient and HHI, pool luck against a
// share estimated outside the judged window, and the difficulty history:
// one period table merged from synced blocks, bitcoinj and Electrum
// checkpoints (DifficultyHistory, HistoryFrom) with its rankings.
//
// Functions take contiguous runs of chain.Block in height order, as
// store.Store.Blocks returns them, and never touch prices: anything priced
// in USD lives in package economics.
//
// Block arrivals at constant difficulty are modelled as a Poisson process:
// the n intervals after a block are independent exponentials, so their sum
// is Erlang (Gamma with integer shape n). Every interval and distribution
// in this package follows from that.
//
// Units: hashrate in H/s, work in expected hashes, times in Unix seconds,
// amounts in satoshis.
package metrics
