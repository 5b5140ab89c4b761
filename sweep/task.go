package sweep

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"sync"

	"github.com/hashfall/hashfall/sim"
)

// blocksPerDay is the expected block rate that weighs a path's work.
const blocksPerDay = 144

// MaxTasks bounds a sweep's task count.
const MaxTasks = 1_000_000

// TaskPlan is the work of one task.
type TaskPlan struct {
	Task           int     `json:"task"`
	FirstCell      int     `json:"first_cell"`
	LastCell       int     `json:"last_cell"`
	Paths          int     `json:"paths"`
	ExpectedBlocks int64   `json:"expected_blocks"`
	ShareOfWork    float64 `json:"share_of_work"`

	slices []cellSlice
}

// cellSlice is paths [from, to) of one cell.
type cellSlice struct{ cell, from, to int }

// horizons returns each cell's horizon in days: a horizon_days axis, else
// the spec's horizon_days, else the base scenario's.
func (s *Spec) horizons() ([]int, error) {
	out := make([]int, len(s.cells))
	for a, ax := range s.Axes {
		if ax.Key == "horizon_days" {
			for c, v := range s.cells {
				out[c] = int(math.Round(v[a]))
			}
			return out, nil
		}
	}
	h := s.HorizonDays
	if h == 0 {
		sc, err := s.scenarioWith(nil, "scenario "+s.Base)
		if err != nil {
			return nil, err
		}
		h = sc.HorizonDays
	}
	for c := range out {
		out[c] = h
	}
	return out, nil
}

// Plan splits the sweep into tasks balanced by expected simulated blocks
// (see the package doc): task i takes the paths whose start offset in the
// cell-ordered sequence falls in [⌊W·i/N⌋, ⌊W·(i+1)/N⌋).
func (s *Spec) Plan(tasks int) ([]TaskPlan, error) {
	if tasks < 1 || tasks > MaxTasks {
		return nil, fmt.Errorf("tasks must be between 1 and %d, got %d", MaxTasks, tasks)
	}
	hz, err := s.horizons()
	if err != nil {
		return nil, err
	}
	var total uint64
	for _, h := range hz {
		total += uint64(h) * blocksPerDay * uint64(s.Paths)
	}
	bound := func(i int) uint64 {
		hi, lo := bits.Mul64(total, uint64(i))
		q, _ := bits.Div64(hi, lo, uint64(tasks))
		return q
	}
	plans := make([]TaskPlan, tasks)
	c, p := 0, 0 // next path to hand out
	var off uint64
	for i := range plans {
		tp := &plans[i]
		tp.Task, tp.FirstCell, tp.LastCell = i, -1, -1
		end := bound(i + 1)
		for c < len(hz) {
			w := uint64(hz[c]) * blocksPerDay
			// Paths p.. of cell c whose start off+p·w is below end.
			last := s.Paths
			switch {
			case off >= end:
				// The previous task's last path reached past this task's
				// end (fewer paths than tasks): this task is empty.
				last = p
			case off+uint64(s.Paths-p)*w > end:
				last = p + int((end-off+w-1)/w)
			}
			if last > p {
				tp.slices = append(tp.slices, cellSlice{c, p, last})
				if tp.FirstCell < 0 {
					tp.FirstCell = c
				}
				tp.LastCell = c
				tp.Paths += last - p
				tp.ExpectedBlocks += int64(uint64(last-p) * w)
				off += uint64(last-p) * w
				p = last
			}
			if p < s.Paths {
				break
			}
			c, p = c+1, 0
		}
		tp.ShareOfWork = float64(tp.ExpectedBlocks) / float64(total)
	}
	return plans, nil
}

// CellResult is what a task keeps of paths [From, To) of one cell, each
// per-path slice in path order.
type CellResult struct {
	Cell, From, To int
	// BreakevenUSDPerPHDay is the fleet breakeven the cell was judged by.
	BreakevenUSDPerPHDay float64
	// StartHashrateHs is the hashrate running on day 0.
	StartHashrateHs float64
	// AttackerBudgetUSD and DoubleSpendRisk are the cell scenario's ASSUMED
	// inputs of the confirmations counted below (sim.SecurityModel.BudgetAttacker).
	AttackerBudgetUSD, DoubleSpendRisk float64
	Blocks                             int64
	// Per path:
	MinSecurityBudgetUSDPerDay []float64 // lowest daily security budget over the horizon
	FinalHashrateHs            []float64 // running hashrate on the last day
	AIHashrateConvertedHs      []float64 // hashrate converted to AI/HPC by the last day
	FirstDayBelowBreakeven     []int32   // first day hashprice < breakeven; −1 never
	WorstConfirmationsNeeded   []int32   // most confirmations needed on any day (sim.DayOutcome.ConfirmationsNeeded)
}

// RunTask runs task i of n on up to workers goroutines. The result does
// not depend on n's split of other tasks, on workers, or on the machine.
func (s *Spec) RunTask(ctx context.Context, i, n, workers int) (*Result, error) {
	plans, err := s.Plan(n)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= n {
		return nil, fmt.Errorf("task %d is outside 0..%d", i, n-1)
	}
	return s.runSlices(ctx, plans[i].slices, i, n, workers)
}

func (s *Spec) runSlices(ctx context.Context, slices []cellSlice, task, tasks, workers int) (*Result, error) {
	res := &Result{Version: resultVersion, SpecHash: s.hash, SpecName: s.Name, SpecDoc: s.specDoc, BaseDoc: s.baseDoc, Task: task, Tasks: tasks}
	type unit struct {
		cell     *CellResult
		sc       *sim.Scenario
		opts     sim.Options
		from, to int
	}
	var units []unit
	const chunk = 16 // paths per unit of parallel work
	for _, sl := range slices {
		sc, err := s.Scenario(sl.cell)
		if err != nil {
			return nil, err
		}
		be := s.BreakevenUSDPerPHDay
		if be == 0 {
			if be, err = sim.FleetBreakevenUSDPerPHDay(sc); err != nil {
				return nil, fmt.Errorf("cell %d: %v", sl.cell, err)
			}
		}
		n := sl.to - sl.from
		budget, risk := sc.Security.BudgetAttacker()
		cr := &CellResult{Cell: sl.cell, From: sl.from, To: sl.to, BreakevenUSDPerPHDay: be,
			AttackerBudgetUSD: budget, DoubleSpendRisk: risk,
			MinSecurityBudgetUSDPerDay: make([]float64, n), FinalHashrateHs: make([]float64, n),
			AIHashrateConvertedHs: make([]float64, n), FirstDayBelowBreakeven: make([]int32, n),
			WorstConfirmationsNeeded: make([]int32, n)}
		res.Cells = append(res.Cells, cr)
		opts := sim.Options{Paths: s.Paths, HorizonDays: sc.HorizonDays, Seed: s.CellSeed(sl.cell), Engine: s.Engine, Threads: 1}
		for f := sl.from; f < sl.to; f += chunk {
			units = append(units, unit{cr, sc, opts, f, min(f+chunk, sl.to)})
		}
	}
	blocks := make([]int64, len(units))
	errs := make([]error, len(units))
	startHs := make([]float64, len(units))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range max(1, min(workers, len(units))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= len(units) {
					return
				}
				u := units[k]
				cr, last := u.cell, u.opts.HorizonDays-1
				be := cr.BreakevenUSDPerPHDay
				blocks[k], errs[k] = sim.VisitPaths(ctx, u.sc, u.opts, u.from, u.to, func(p, d int, x *sim.DayOutcome) {
					j := p - cr.From
					if d == 0 {
						startHs[k] = x.HashrateHs
						cr.MinSecurityBudgetUSDPerDay[j] = math.Inf(1)
						cr.FirstDayBelowBreakeven[j] = -1
					}
					cr.MinSecurityBudgetUSDPerDay[j] = min(cr.MinSecurityBudgetUSDPerDay[j], x.SecurityBudgetUSDPerDay)
					if cr.FirstDayBelowBreakeven[j] < 0 && x.HashpriceUSDPerPHDay < be {
						cr.FirstDayBelowBreakeven[j] = int32(d)
					}
					cr.WorstConfirmationsNeeded[j] = max(cr.WorstConfirmationsNeeded[j], int32(x.ConfirmationsNeeded))
					if d == last {
						cr.FinalHashrateHs[j] = x.HashrateHs
						cr.AIHashrateConvertedHs[j] = x.AIHashrateConvertedHs
					}
				})
				if errs[k] != nil {
					mu.Lock()
					next = len(units) // stop the others
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	var failed []string
	for k, u := range units {
		if errs[k] != nil {
			failed = append(failed, fmt.Sprintf("cell %d: %v", u.cell.Cell, errs[k]))
			break
		}
		u.cell.Blocks += blocks[k]
		u.cell.StartHashrateHs = startHs[k]
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(failed, "; "))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}
