// Package hardware is hashfall's catalog of SHA-256 mining machines.
//
// The default catalog is a versioned YAML file, catalog.yaml, embedded in the
// binary so that every hashfall command prices the same fleet without network
// access. Each entry records what a manufacturer's spec sheet states: maker,
// model, release date, nameplate hashrate (TH/s), wall power (W), cooling
// (air, hydro or immersion), an optional list price and where the figures
// came from. Efficiency in J/TH is always derived as power ÷ hashrate and is
// never stored, so the file cannot contradict itself.
//
// Users may load their own catalog in the same format with Load or LoadFile.
// Loading is all-or-nothing: the first problem is reported as a single line
// naming the file, the line and the offending key, and no partial catalog is
// returned.
//
// Lookup accepts the names people actually type — any case, with or without
// spaces, hyphens, underscores or the brand ("antminer s21 xp hydro",
// "S21XPHydro", "Avalon A1466i") — and treats Bitmain's "Hyd" and "Hydro" as
// the same word. An unknown name fails with up to three near matches ranked by
// edit distance.
package hardware
