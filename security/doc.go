// Package security is the attacker's arithmetic: the probability that a
// double spend succeeds against a merchant who waits z confirmations,
// the confirmations a risk budget needs, the hashrate share a given
// success probability needs, and what renting or building that share costs
// for an attack lasting h hours.
//
// Two formulas are given for the success probability of an attacker with
// share q of the total hashrate. Nakamoto's (Bitcoin paper, section 11)
// approximates the attacker's progress while the merchant waits by a
// Poisson variable with mean z·q/p. Rosenfeld's ("Analysis of
// hashrate-based double spending", 2014) counts it exactly as a negative
// binomial variable; it asks for more confirmations than Nakamoto's at
// every q. Both are evaluated in log-space so that z in the thousands keeps
// full relative precision where the probability itself underflows.
//
// The package is a leaf apart from gonum: hashrates in H/s, money in USD,
// durations in hours, power prices in USD/kWh, efficiencies in J/TH.
package security
