// Package plan turns a fleet and a network state into an operator's
// decisions: the fleet's P&L today and the BTC price at which each machine
// class should be switched off, hour-by-hour curtailment against a power
// price file, the run-down of a fleet (what to switch off, what to sell and
// when), the value of converting a site to AI/HPC hosting — including the
// value of waiting, by Longstaff–Schwartz least-squares Monte Carlo — and
// the Almgren–Chriss (2000) schedule for selling BTC.
//
// Units follow the rest of hashfall: power in W (MW in fleet files, as
// operators write it), energy prices in USD/kWh (USD/MWh in hourly price
// files, as ISOs publish them), money in USD, time in days unless a name
// says otherwise.
//
// Everything here is a pure function of its inputs: the fleet file, a
// network state, hourly prices or simulated daily paths. Nothing reads the
// clock or the network, so every result can be reproduced and tested with
// hand-built inputs.
package plan
