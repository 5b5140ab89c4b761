// Package chain reads Bitcoin blocks from the places an operator has them:
// a node's JSON-RPC interface (Bitcoin Core or btcd), the node's raw
// blk*.dat files, Electrum's checkpoints.json epoch list, and CSV exports
// of daily BTC/USD prices.
//
// Every block source yields the same compact record, Block: the header
// fields, the coinbase's total output and scriptSig, the payout addresses,
// and the block's size. Transactions other than the coinbase are never
// decoded: a full chain costs about one kilobyte of reads per block from
// blk files.
//
// Fees are derived, not observed: FeesSat = CoinbaseOutSat − subsidy. A
// miner may claim less than it is owed, so the figure can be negative for
// a handful of historical blocks; it is kept as is rather than clamped so
// that the stored record stays a faithful function of the block.
package chain
