// Package economics prices mining: hashprice from difficulty, and the daily
// revenue, power cost, electricity-cost ratio, shutdown price and breakeven
// power price of a machine.
//
// Everything is computed from difficulty, not from a hashrate estimate. The
// expected number of hashes to find a block is D·2^32, so one hash earns, in
// expectation, (subsidy + fees)/(D·2^32) BTC. That is exact for a miner of
// any size and is how pool dashboards quote hashprice; a hashrate estimate
// adds the noise of the last few block times for no gain.
//
// Units: difficulty is dimensionless, hashrate in H/s (TH/s in names that
// say so), power in W, energy prices in USD/kWh, money in USD, BTC amounts
// in satoshis.
package economics
