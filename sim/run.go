package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Options are the knobs of one run that are not part of the scenario.
type Options struct {
	Paths, HorizonDays int
	Seed               uint64
	Threads            int
	Engine             string // "block" | "fast"
}

// PathDay is one path's state at the start of a day.
type PathDay struct {
	PriceUSD, Difficulty, HashrateHs, HashpriceUSDPerPHDay, FeesPerBlockBTC float64
}

// normalize fills defaults and checks the options against the scenario.
func (o Options) normalize(s *Scenario) (Options, error) {
	if o.Engine == "" {
		o.Engine = EngineFast
	}
	if o.Engine != EngineBlock && o.Engine != EngineFast {
		return o, fmt.Errorf("engine must be %q or %q, got %q", EngineBlock, EngineFast, o.Engine)
	}
	if o.Paths == 0 {
		o.Paths = 1000
	}
	if o.Paths < 1 || o.Paths > 1<<31-1 {
		return o, fmt.Errorf("paths must be between 1 and %d, got %d", 1<<31-1, o.Paths)
	}
	if o.HorizonDays == 0 {
		o.HorizonDays = s.HorizonDays
	}
	if o.HorizonDays < 1 || o.HorizonDays > 36500 {
		return o, fmt.Errorf("horizon must be between 1 and 36500 days, got %d", o.HorizonDays)
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// DailyPaths runs the scenario and returns every path's daily series,
// [path][day], day 0 = start.
func DailyPaths(ctx context.Context, s *Scenario, o Options) ([][]PathDay, error) {
	if s.Kind != KindEconomic {
		return nil, fmt.Errorf("scenario %q is %s; daily paths need an economic scenario", s.Name, s.Kind)
	}
	o, err := o.normalize(s)
	if err != nil {
		return nil, err
	}
	w, err := newWorld(s)
	if err != nil {
		return nil, err
	}
	out := make([][]PathDay, o.Paths)
	err = forPaths(ctx, 0, o.Paths, o.Threads, nil, func(i int) {
		days := make([]PathDay, o.HorizonDays)
		w.simulatePath(i, o, func(d int, r *dayRecord) { days[d] = r.PathDay })
		out[i] = days
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// forPaths calls fn(i) for i in [from, to) on up to threads goroutines,
// stopping early when ctx is done. progress, if set, is called after each
// path with the number finished so far. Each path owns its random stream,
// so results do not depend on which goroutine ran it.
func forPaths(ctx context.Context, from, to, threads int, progress func(done int), fn func(i int)) error {
	var next, done atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for t := 0; t < max(1, min(threads, to-from)); t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				fn(i)
				n := int(done.Add(1))
				if progress != nil {
					mu.Lock()
					progress(n)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return errors.Join(errors.New("simulation interrupted"), err)
	}
	return nil
}
