// Package heappeak reads the Go heap for memory benchmarks: what the last
// collection found live, and the largest such figure over a stretch of
// work, so that benchmarks in several packages measure alike.
package heappeak

import (
	"runtime/metrics"
	"sync"
	"time"
)

// Read is the runtime metric name's value, for the uint64 metrics.
func Read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Live is the heap the last collection found live.
func Live() uint64 { return Read("/gc/heap/live:bytes") }

// Sample samples the live heap every millisecond until the returned
// function is called, which returns the largest seen.
func Sample() func() uint64 {
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			v := Live()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, Live())
	}
}
