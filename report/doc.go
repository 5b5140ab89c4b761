// Package report assembles the capitulation report: the network state and
// hashprice, every catalog model's economics with the underwater ones
// marked, the shutdown price by efficiency tier, and the security budget.
//
// It renders as an output.Document (table, JSON, CSV) or as a standalone
// HTML page whose chart, drawn with gonum/plot, is inline SVG so the file
// has no outside references.
package report
