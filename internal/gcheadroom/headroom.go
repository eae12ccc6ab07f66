// Package gcheadroom bounds the memory garbage may take above the live
// heap. Go's collector lets the heap grow to twice what was live after the
// last collection (GOGC=100): harmless on a small heap, but a server that
// holds a gigabyte of votes in columns would reach two. Here the runtime's
// soft memory limit follows the live heap instead: after every collection
// it is set to what is live, plus what the runtime holds beside the heap,
// plus a fixed headroom, so the next collection starts once the garbage
// reaches the headroom, whatever the size of the heap. The limit always
// sits above what is live, so the collector is never asked for memory it
// cannot free (the state in which a fixed limit makes it run without
// pause).
package gcheadroom

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Keeper keeps the soft memory limit at the live heap plus a headroom,
// from Start until Stop.
type Keeper struct {
	headroom int64
	stopped  atomic.Bool
	// before is the limit there was, restored by Stop.
	before  int64
	samples []metrics.Sample
	mu      sync.Mutex
}

// The runtime metrics the limit is worked out from: the live heap, and
// what makes up the memory the limit counts (everything mapped and not
// released) beside the heap's objects and spare spans.
const (
	liveHeap   = "/gc/heap/live:bytes"
	total      = "/memory/classes/total:bytes"
	released   = "/memory/classes/heap/released:bytes"
	objects    = "/memory/classes/heap/objects:bytes"
	unused     = "/memory/classes/heap/unused:bytes"
	free       = "/memory/classes/heap/free:bytes"
	numSamples = 6
)

// Start sets the limit now and after every collection until Stop. A
// headroom of 0 or less leaves the runtime as it is.
func Start(headroom int64) *Keeper {
	k := &Keeper{headroom: headroom, before: debug.SetMemoryLimit(-1)}
	if headroom <= 0 {
		k.stopped.Store(true)
		return k
	}
	for _, name := range []string{liveHeap, total, released, objects, unused, free} {
		k.samples = append(k.samples, metrics.Sample{Name: name})
	}
	k.update()
	k.arm()
	return k
}

// Stop stops following the live heap and puts the limit back as it was.
func (k *Keeper) Stop() {
	if k.stopped.Swap(true) {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	debug.SetMemoryLimit(k.before)
}

// Limit is the limit the keeper would set now.
func (k *Keeper) Limit() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.limitLocked()
}

func (k *Keeper) limitLocked() int64 {
	metrics.Read(k.samples)
	v := make([]int64, numSamples)
	for i, s := range k.samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = int64(min(s.Value.Uint64(), math.MaxInt64/4))
		}
	}
	live, beside := v[0], v[1]-v[2]-v[3]-v[4]-v[5]
	return live + max(beside, 0) + k.headroom
}

// update sets the limit from the heap as the last collection left it.
func (k *Keeper) update() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopped.Load() {
		return
	}
	debug.SetMemoryLimit(min(k.limitLocked(), k.before))
}

// arm asks to be called after the next collection: a cleanup runs once the
// collector has found its object unreachable, and each one arms the next.
func (k *Keeper) arm() {
	if k.stopped.Load() {
		return
	}
	sentinel := new(sentinel)
	runtime.AddCleanup(sentinel, func(k *Keeper) {
		k.update()
		k.arm()
	}, k)
}

// sentinel is large enough not to share a block of the tiny allocator
// with other small objects, which would keep it alive with them.
type sentinel struct{ _ [32]byte }
