// Package output renders command results for people and for programs.
//
// A result is a struct, a slice of structs, or a Document of named
// sections. Field names come from the json struct tags, which are
// snake_case and carry units (usd_per_ph_day, hashrate_hs), so the same
// names appear as JSON keys, CSV headers and table headers. Rendering is
// done into memory first: a command whose output fails to render writes
// nothing rather than half a table.
package output
