package gcheadroom

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

const mib = 1 << 20

// limitNow reads the runtime's soft memory limit.
func limitNow() int64 { return debug.SetMemoryLimit(-1) }

// collectedLimit runs a collection and waits for the keeper's cleanup to
// set the limit it implies (cleanups run on their own goroutine).
func collectedLimit(t *testing.T, want func(int64) bool) int64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		got := limitNow()
		if want(got) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLimitFollowsTheLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(limitNow())
	debug.SetMemoryLimit(math.MaxInt64)
	k := Start(64 * mib)
	defer k.Stop()
	small := collectedLimit(t, func(int64) bool { return true })
	if small == math.MaxInt64 || small < 64*mib {
		t.Fatalf("limit with a small heap = %d, want the live heap plus 64 MiB", small)
	}
	// 256 MiB more held: the limit must rise by about as much, so the
	// collector is never asked to free what is live.
	held := make([]byte, 256*mib)
	for i := range held {
		held[i] = byte(i)
	}
	big := collectedLimit(t, func(l int64) bool { return l >= small+250*mib })
	if big < small+250*mib {
		t.Fatalf("limit with 256 MiB more live = %d MiB, was %d MiB", big/mib, small/mib)
	}
	if big > small+320*mib {
		t.Fatalf("limit with 256 MiB more live = %d MiB, was %d MiB: more than the live growth and headroom", big/mib, small/mib)
	}
	runtime.KeepAlive(held)
	held = nil
	back := collectedLimit(t, func(l int64) bool { return l < big-200*mib })
	if back >= big-200*mib {
		t.Fatalf("limit after the 256 MiB went = %d MiB, still %d MiB", back/mib, big/mib)
	}
}

func TestStopRestoresTheLimit(t *testing.T) {
	defer debug.SetMemoryLimit(limitNow())
	for _, before := range []int64{math.MaxInt64, 8 << 30} {
		debug.SetMemoryLimit(before)
		k := Start(32 * mib)
		runtime.GC()
		k.Stop()
		if got := limitNow(); got != before {
			t.Errorf("limit after Stop = %d, want %d as before Start", got, before)
		}
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		if got := limitNow(); got != before {
			t.Errorf("limit after Stop and a collection = %d, want %d", got, before)
		}
	}
}

func TestOperatorLimitIsNeverRaised(t *testing.T) {
	defer debug.SetMemoryLimit(limitNow())
	const operator = 48 * mib
	debug.SetMemoryLimit(operator)
	k := Start(1 << 30)
	defer k.Stop()
	if got := collectedLimit(t, func(int64) bool { return true }); got != operator {
		t.Errorf("limit = %d MiB with an operator's limit of 48 MiB and 1 GiB headroom, want 48 MiB", got/mib)
	}
}

func TestZeroHeadroomChangesNothing(t *testing.T) {
	defer debug.SetMemoryLimit(limitNow())
	debug.SetMemoryLimit(math.MaxInt64)
	k := Start(0)
	defer k.Stop()
	runtime.GC()
	if got := limitNow(); got != math.MaxInt64 {
		t.Errorf("limit with no headroom = %d, want none set", got)
	}
}
