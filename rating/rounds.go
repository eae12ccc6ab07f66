package rating

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// BootstrapOptions control a bootstrap.
type BootstrapOptions struct {
	// Rounds is the number of resamples; the arena uses 100.
	Rounds int
	// Seed fixes the draws: the same seed gives the same result on any
	// number of cores.
	Seed uint64
	// Workers is how many rounds run at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is told after each finished round; calls never
	// overlap.
	Progress func(done, total int)
	// Worker, when set, is called first in each goroutine that runs
	// rounds, to set it up as the caller needs (a server lowers the
	// priority of background work's threads, say), and returns that
	// goroutine's hooks.
	Worker func() WorkerHooks
}

// WorkerHooks are what a goroutine running bootstrap rounds calls besides
// the rounds; either may be nil.
type WorkerHooks struct {
	// Pause is called after each of the goroutine's rounds, outside any
	// lock: a server pauses background work there so that it takes at
	// most its share of the CPU, say. It never changes a result.
	Pause func()
	// Done is called last in the goroutine (a server adds up the CPU
	// time its threads took, say).
	Done func()
}

// runRounds runs rounds 0..n-1 over workers goroutines. newWorker is called
// once per goroutine to build its private state and returns the function
// that computes one round.
func runRounds(ctx context.Context, n int, opt BootstrapOptions, newWorker func() func(round int) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, n))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var hooks WorkerHooks
			if opt.Worker != nil {
				hooks = opt.Worker()
			}
			if hooks.Done != nil {
				defer hooks.Done()
			}
			round := newWorker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := round(i); err != nil {
					fail(err)
					return
				}
				mu.Lock()
				done++
				if opt.Progress != nil {
					opt.Progress(done, n)
				}
				mu.Unlock()
				if hooks.Pause != nil {
					hooks.Pause()
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
