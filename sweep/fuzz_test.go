package sweep

import (
	"os"
	"path/filepath"
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

// FuzzReadResult: a result file of any bytes is read, merged and
// summarised without a panic.
func FuzzReadResult(f *testing.F) {
	s, err := ParseSpec([]byte(smallSpec), nil, "seed", "")
	if err != nil {
		f.Fatal(err)
	}
	one := &Result{Version: resultVersion, SpecHash: s.Hash(), SpecDoc: s.specDoc, Task: 0, Tasks: 1}
	for c := range s.Cells() {
		one.Cells = append(one.Cells, &CellResult{Cell: c, From: 0, To: 7,
			MinSecurityBudgetUSDPerDay: make([]float64, 7), FinalHashrateHs: make([]float64, 7),
			AIHashrateConvertedHs: make([]float64, 7), FirstDayBelowBreakeven: make([]int32, 7),
			WorstConfirmationsNeeded: make([]int32, 7)})
	}
	b, err := one.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte("not gob"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "r.gob")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := ReadResultFile(p)
		if err != nil {
			return
		}
		if m, err := Merge([]*Result{r}); err == nil {
			m.Stats()
		}
		r.Stats()
	})
}
