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
package power
