package sweep

import (
	"context"
	"fmt"
	"sync"
)

// RunLocal runs tasks 0..n−1 of the spec on this machine, workers at a
// time (one goroutine each), and returns them in task order; done, if set,
// is called after each task. Merge of the result is what a scheduler's
// tasks merge to.
func (s *Spec) RunLocal(ctx context.Context, n, workers int, done func()) ([]*Result, error) {
	if workers < 1 {
		return nil, fmt.Errorf("workers must be ≥ 1, got %d", workers)
	}
	if _, err := s.Plan(n); err != nil {
		return nil, err
	}
	parts := make([]*Result, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				parts[i], errs[i] = s.RunTask(ctx, i, n, 1)
				if done != nil {
					mu.Lock()
					done()
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("task %d: %w", i, err)
		}
	}
	return parts, nil
}
