// Package power reads power-market price files and schedules a mining
// fleet against them.
//
// Prices: ERCOT real-time settlement-point prices (15-minute intervals,
// hour-ending in Central Prevailing Time with a DST flag), ERCOT day-ahead
// hourly prices, and a generic "timestamp,price" CSV at any fixed step in
// an explicit time zone. Every reader returns a Series: UTC start times at
// a fixed step, prices in USD/MWh, gap-free. Gaps, duplicates, DST days
// with the wrong number of intervals and a missing settlement point are
// one-line errors naming the line; nothing is guessed.
//
// Scheduling: Schedule picks, per interval and machine class, off or one
// of the class's operating points (eco/normal/turbo power targets),
// maximising profit under minimum on/off times per class and a site ramp
// limit in MW per interval, with 4CP transmission-charge avoidance and
// demand-response credits counted. Decide gives the live decision for the
// current and coming intervals, falling back to a safe state when the
// price or hashprice is stale.
//
// The model. Interval profit of a class at point j is revenue − energy −
// hosting + credits for MW not drawn below flat out (standing credit plus
// any called demand-response event) − the expected 4CP charge p·kW·rate/4
// (the year's transmission charge is the rate times the mean of the
// site's kW in the four peaks). Minimum on/off times count intervals on
// (at any point) or off; changing points while on is free; the horizon
// starts with every class free to move and ends without a terminal
// constraint. Per class this is solved exactly by a Viterbi DP over
// (point, time in state), time-in-state capped at the minimum.
//
// The ramp limit couples classes. Optimise first solves each class alone
// (the ramp relaxed); if the site's summed draw meets the limit, that is
// optimal. Otherwise it runs the exact DP over the product of the class
// state spaces when that is small (intervals × joint transitions ≤ 2e7),
// and else a merit-order DP: classes in descending strike order, each
// solved exactly within the ramp room the earlier ones left (staying in
// one state is always feasible, so this never fails), then the better of
// that and flat out. Schedule.Exact and the ramp-relaxed upper bound
// report which case applied. Tests check the exact cases against brute
// force enumeration with min on/off and ramp constraints.
package power
