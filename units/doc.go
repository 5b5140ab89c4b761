// Package units parses and formats the physical quantities that hashfall's
// command line accepts. Inside hashfall, hashrate is always a float64 in
// hashes per second (H/s); this package is the only place that knows about
// SI prefixes, so that "890E", "890 EH/s" and "8.9e20" all mean the same
// thing wherever a user types them.
package units
