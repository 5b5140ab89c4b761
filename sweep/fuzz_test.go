package sweep

import (
	"strings"
	"testing"
)

// FuzzParseSpec: no input panics, and an accepted spec has cells, each
// with one value per axis, and a one-line error otherwise.
func FuzzParseSpec(f *testing.F) {
	f.Add([]byte(smallSpec))
	f.Add([]byte("base: default\nsecurity_threshold_usd_per_day: 1\ndesign: lhs\nsamples: 4\naxes:\n  - {key: ai.factor, range: {from: 1, to: 3}}\n"))
	f.Add([]byte("base: default\naxes: [{key: a.b, values: [.nan]}]\n"))
	f.Add([]byte("axes: {key: 1}\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := ParseSpec(doc, nil, "fuzz", "")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if s.Cells() < 1 {
			t.Fatal("accepted a spec with no cells")
		}
		for c := range s.Cells() {
			if len(s.CellValues(c)) != len(s.Axes) {
				t.Fatalf("cell %d has %d values for %d axes", c, len(s.CellValues(c)), len(s.Axes))
			}
		}
	})
}
