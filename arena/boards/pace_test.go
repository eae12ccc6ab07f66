package boards

import (
	"context"
	"runtime"
	"testing"
	"time"
)

func TestRestAfter(t *testing.T) {
	tests := []struct {
		name      string
		cpu, wall time.Duration
		cores     float64
		want      time.Duration
	}{
		{"half a core: 2 s of CPU in 1 s waits 3 s more", 2 * time.Second, time.Second, 0.5, 3 * time.Second},
		{"one core: 2 s of CPU in 1 s waits 1 s more", 2 * time.Second, time.Second, 1, time.Second},
		{"a computation slower than its budget waits no more", time.Second, 3 * time.Second, 0.5, 0},
		{"no budget", 2 * time.Second, time.Second, -1, 0},
		{"CPU time not measured", 0, time.Second, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := restAfter(tt.cpu, tt.wall, tt.cores); got != tt.want {
				t.Fatalf("restAfter(%v, %v, %v) = %v, want %v", tt.cpu, tt.wall, tt.cores, got, tt.want)
			}
		})
	}
}

// TestCPUMeterCountsWorkerThreads checks that the meter adds up the CPU
// time of pinned threads that spin, and that take starts again from zero.
func TestCPUMeterCountsWorkerThreads(t *testing.T) {
	if threadCPU() == 0 {
		t.Skip("thread CPU time is not measured on this system")
	}
	var m cpuMeter
	done := make(chan struct{})
	for range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			stop := m.thread()
			for end := threadCPU() + 30*time.Millisecond; threadCPU() < end; {
			}
			stop()
		}()
	}
	<-done
	<-done
	if got := m.take(); got < 60*time.Millisecond || got > 2*time.Second {
		t.Fatalf("two threads spinning 30 ms of CPU each: meter says %v", got)
	}
	if got := m.take(); got != 0 {
		t.Fatalf("after take the meter says %v, want 0", got)
	}
}

func TestPauseFor(t *testing.T) {
	tests := []struct {
		name      string
		cpu, wall time.Duration
		voting    bool
		cores     float64
		want      time.Duration
	}{
		{"no votes coming: no pause", time.Second, time.Second, false, 0.125, 0},
		{"votes coming: until the CPU fits an eighth of a core", 250 * time.Millisecond, 250 * time.Millisecond, true, 0.125, 1750 * time.Millisecond},
		{"a long round waits its whole share", 10 * time.Second, 10 * time.Second, true, 0.125, 70 * time.Second},
		{"no bound", time.Second, time.Second, true, -0.25, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pauseFor(tt.cpu, tt.wall, tt.voting, tt.cores); got != tt.want {
				t.Fatalf("pauseFor(%v, %v, %v, %v) = %v, want %v", tt.cpu, tt.wall, tt.voting, tt.cores, got, tt.want)
			}
		})
	}
}

func TestFastWorkers(t *testing.T) {
	now := time.Now()
	half := max(1, runtime.GOMAXPROCS(0)/2)
	tests := []struct {
		name     string
		workers  int
		lastVote time.Time
		want     int
	}{
		{"no vote yet: every core", 0, time.Time{}, 0},
		{"votes coming: half the cores", 0, now.Add(-time.Second), half},
		{"voting stopped: every core", 0, now.Add(-votingWindow - time.Second), 0},
		{"set workers kept while voting", 3, now.Add(-time.Second), 3},
		{"set workers kept without votes", 1, time.Time{}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Service{opt: Options{Workers: tc.workers}}
			if !tc.lastVote.IsZero() {
				s.voteAt.Store(tc.lastVote.UnixNano())
			}
			if got := s.fastWorkers(now); got != tc.want {
				t.Errorf("fastWorkers = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestSleepWhileVoting(t *testing.T) {
	long := 10 * time.Second
	tests := []struct {
		name      string
		voting    bool
		cancelled bool
		d         time.Duration
		atLeast   time.Duration
		below     time.Duration
	}{
		{"votes coming: the whole pause, in steps", true, false, 120 * time.Millisecond, 120 * time.Millisecond, long},
		{"votes stopped: one step, then on", false, false, long, 20 * time.Millisecond, long},
		{"told to stop: at once", true, true, long, 0, long},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Service{}
			if tc.voting {
				// Votes keep coming for the whole test.
				s.voteAt.Store(time.Now().Add(time.Hour).UnixNano())
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelled {
				cancel()
			}
			start := time.Now()
			s.sleepWhileVoting(ctx, tc.d, 20*time.Millisecond)
			if took := time.Since(start); took < tc.atLeast || took >= tc.below {
				t.Errorf("slept %v, want at least %v and under %v", took, tc.atLeast, tc.below)
			}
		})
	}
}
