//go:build race

package sim

// raceEnabled shrinks the statistical tests under the race detector, which
// slows the block engine's hot loop about tenfold.
const raceEnabled = true
