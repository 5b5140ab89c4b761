package sweep

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashfall/hashfall/output"
)

// resultVersion changes whenever the result file format does. Version 2
// added each cell's attacker budget and risk and each path's worst-day
// confirmations needed.
const resultVersion = 2

// Result is one task's result file, or the merge of all of a spec's tasks
// (then Task 0 of 1: the same bytes as a one-task run).
type Result struct {
	Version          int
	SpecHash         string
	SpecName         string
	SpecDoc, BaseDoc []byte // the spec and its base scenario file, so that merge needs neither
	Task, Tasks      int
	Cells            []*CellResult // in cell order
}

// FileName is the result file of task i of n of the spec with this hash.
func FileName(hash string, i, n int) string {
	return fmt.Sprintf("sweep-%s-task-%d-of-%d.gob", hash, i, n)
}

// MergedFileName is the merged result of the spec with this hash.
func MergedFileName(hash string) string { return "sweep-" + hash + "-merged.gob" }

var taskFileRE = regexp.MustCompile(`^sweep-([0-9a-f]{16})-task-(\d+)-of-(\d+)\.gob$`)

// Encode returns the result file's bytes (gob; deterministic for equal
// results).
func (r *Result) Encode() ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes the result atomically to path.
func (r *Result) WriteFile(path string) error {
	b, err := r.Encode()
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return output.WriteFileAtomic(path, b)
}

// ReadResultFile reads a result file.
func ReadResultFile(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Result
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: not a hashfall sweep result: %v", path, err)
	}
	if r.Version != resultVersion {
		return nil, fmt.Errorf("%s: sweep result format %d, this hashfall reads %d", path, r.Version, resultVersion)
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &r, nil
}

// check verifies what readers index by: the task number, and each cell's
// per-path slices matching its path range, cells in increasing order.
func (r *Result) check() error {
	if r.Tasks < 1 || r.Tasks > MaxTasks || r.Task < 0 || r.Task >= r.Tasks {
		return fmt.Errorf("task %d of %d is out of range", r.Task, r.Tasks)
	}
	for k, c := range r.Cells {
		if c == nil {
			return fmt.Errorf("cell entry %d is empty", k)
		}
		n := c.To - c.From
		if c.From < 0 || n < 0 || !c.pathsMatch(n) {
			return fmt.Errorf("cell %d paths %d..%d: the per-path figures do not match the range", c.Cell, c.From, c.To-1)
		}
		if k > 0 && (c.Cell < r.Cells[k-1].Cell || (c.Cell == r.Cells[k-1].Cell && c.From < r.Cells[k-1].To)) {
			return fmt.Errorf("cell %d paths from %d: out of order", c.Cell, c.From)
		}
	}
	return nil
}

// Spec re-parses the spec the result was run from.
func (r *Result) Spec() (*Spec, error) {
	s, err := ParseSpec(r.SpecDoc, r.BaseDoc, "spec of "+r.SpecHash, "")
	if err != nil {
		return nil, err
	}
	if s.hash != r.SpecHash {
		return nil, fmt.Errorf("result claims spec %s but carries spec %s", r.SpecHash, s.hash)
	}
	return s, nil
}

// MergeDir reads every task file in dir, checks that they are the tasks
// 0..N−1 of one spec, each present once, and merges them. A missing task
// is named with its file.
func MergeDir(dir string) (*Result, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type found struct {
		path string
		i, n int
	}
	byHash := map[string][]found{}
	for _, e := range entries {
		m := taskFileRE.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		i, err1 := strconv.Atoi(m[2])
		n, err2 := strconv.Atoi(m[3])
		if err1 != nil || err2 != nil || n < 1 || i >= n {
			return nil, fmt.Errorf("%s: task number out of range", e.Name())
		}
		byHash[m[1]] = append(byHash[m[1]], found{filepath.Join(dir, e.Name()), i, n})
	}
	if len(byHash) == 0 {
		return nil, fmt.Errorf("%s holds no sweep task files (sweep-HASH-task-I-of-N.gob)", dir)
	}
	if len(byHash) > 1 {
		var hs []string
		for h := range byHash {
			hs = append(hs, h)
		}
		sort.Strings(hs)
		return nil, fmt.Errorf("%s holds task files of %d different specs (%s); keep one spec's per directory", dir, len(hs), strings.Join(hs, ", "))
	}
	var hash string
	var files []found
	for h, f := range byHash {
		hash, files = h, f
	}
	n := files[0].n
	have := make([]string, n)
	for _, f := range files {
		if f.n != n {
			return nil, fmt.Errorf("%s holds task files split %d ways and %d ways; keep one split", dir, n, f.n)
		}
		have[f.i] = f.path
	}
	var missing []string
	for i, p := range have {
		if p == "" {
			missing = append(missing, fmt.Sprintf("%d (%s)", i, FileName(hash, i, n)))
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > 20 {
			more = fmt.Sprintf(" and %d more", len(missing)-20)
			missing = missing[:20]
		}
		return nil, fmt.Errorf("missing %d of %d tasks: %s%s", len(missing), n, strings.Join(missing, ", "), more)
	}
	parts := make([]*Result, n)
	for i, p := range have {
		r, err := ReadResultFile(p)
		if err != nil {
			return nil, err
		}
		if r.SpecHash != hash || r.Task != i || r.Tasks != n {
			return nil, fmt.Errorf("%s: holds task %d of %d of spec %s, not what its name says", p, r.Task, r.Tasks, r.SpecHash)
		}
		parts[i] = r
	}
	return Merge(parts)
}

// Merge joins task results of one spec into the result of one task of one:
// each cell's per-path figures concatenated in path order. Every cell's
// paths must be covered exactly once.
func Merge(parts []*Result) (*Result, error) {
	if len(parts) == 0 {
		return nil, errors.New("nothing to merge")
	}
	first := parts[0]
	spec, err := first.Spec()
	if err != nil {
		return nil, err
	}
	var slices []*CellResult
	for _, p := range parts {
		if p.SpecHash != first.SpecHash {
			return nil, fmt.Errorf("task %d is of spec %s, task %d of %s", p.Task, p.SpecHash, first.Task, first.SpecHash)
		}
		slices = append(slices, p.Cells...)
	}
	sort.SliceStable(slices, func(i, j int) bool {
		if slices[i].Cell != slices[j].Cell {
			return slices[i].Cell < slices[j].Cell
		}
		return slices[i].From < slices[j].From
	})
	out := &Result{Version: resultVersion, SpecHash: first.SpecHash, SpecName: first.SpecName, SpecDoc: first.SpecDoc, BaseDoc: first.BaseDoc, Task: 0, Tasks: 1}
	var cur *CellResult
	for _, sl := range slices {
		if sl.Cell < 0 || sl.Cell >= spec.Cells() {
			return nil, fmt.Errorf("cell %d is outside the spec's %d cells", sl.Cell, spec.Cells())
		}
		if cur == nil || cur.Cell != sl.Cell {
			if cur != nil && cur.To != spec.Paths {
				return nil, fmt.Errorf("cell %d: paths %d..%d are in no task", cur.Cell, cur.To, spec.Paths-1)
			}
			if want := nextCell(cur); sl.Cell != want {
				return nil, fmt.Errorf("cell %d is in no task", want)
			}
			if sl.From != 0 {
				return nil, fmt.Errorf("cell %d: paths 0..%d are in no task", sl.Cell, sl.From-1)
			}
			cur = &CellResult{Cell: sl.Cell, BreakevenUSDPerPHDay: sl.BreakevenUSDPerPHDay, StartHashrateHs: sl.StartHashrateHs,
				AttackerBudgetUSD: sl.AttackerBudgetUSD, DoubleSpendRisk: sl.DoubleSpendRisk}
			out.Cells = append(out.Cells, cur)
		} else if sl.From != cur.To {
			if sl.From < cur.To {
				return nil, fmt.Errorf("cell %d: path %d is in two tasks", sl.Cell, sl.From)
			}
			return nil, fmt.Errorf("cell %d: paths %d..%d are in no task", sl.Cell, cur.To, sl.From-1)
		}
		if n := sl.To - sl.From; n < 0 || !sl.pathsMatch(n) {
			return nil, fmt.Errorf("cell %d paths %d..%d: the per-path figures do not match the range", sl.Cell, sl.From, sl.To-1)
		}
		cur.To = sl.To
		cur.Blocks += sl.Blocks
		cur.MinSecurityBudgetUSDPerDay = append(cur.MinSecurityBudgetUSDPerDay, sl.MinSecurityBudgetUSDPerDay...)
		cur.FinalHashrateHs = append(cur.FinalHashrateHs, sl.FinalHashrateHs...)
		cur.AIHashrateConvertedHs = append(cur.AIHashrateConvertedHs, sl.AIHashrateConvertedHs...)
		cur.FirstDayBelowBreakeven = append(cur.FirstDayBelowBreakeven, sl.FirstDayBelowBreakeven...)
		cur.WorstConfirmationsNeeded = append(cur.WorstConfirmationsNeeded, sl.WorstConfirmationsNeeded...)
	}
	if cur != nil && cur.To != spec.Paths {
		return nil, fmt.Errorf("cell %d: paths %d..%d are in no task", cur.Cell, cur.To, spec.Paths-1)
	}
	if got := len(out.Cells); got != spec.Cells() {
		return nil, fmt.Errorf("cells %d..%d are in no task", got, spec.Cells()-1)
	}
	return out, nil
}

// pathsMatch reports whether every per-path slice holds n paths.
func (c *CellResult) pathsMatch(n int) bool {
	return len(c.MinSecurityBudgetUSDPerDay) == n && len(c.FinalHashrateHs) == n && len(c.AIHashrateConvertedHs) == n &&
		len(c.FirstDayBelowBreakeven) == n && len(c.WorstConfirmationsNeeded) == n
}

func nextCell(c *CellResult) int {
	if c == nil {
		return 0
	}
	return c.Cell + 1
}
