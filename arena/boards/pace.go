package boards

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// While votes keep coming, the overall board is computed again and again,
// and each computation's bootstrap takes CPU the vote path needs. A lowered
// thread priority does not bound it: Linux shares the CPU between process
// groups (autogroups, a container's cgroup) before it looks at a thread's
// nice value, so niced rating threads still take time PostgreSQL and the
// vote handlers would use. So the recomputer paces itself by the CPU its
// bootstrap threads used: after a computation whose rounds used c of CPU
// over w of wall time, the next starts no sooner than c/share − w after
// it, so that on average the rounds take at most their share of
// Options.CPU cores; the background jobs (category boards, the
// style-controlled view) pace themselves the same way by theirs.

// slowShare is the part of Options.CPU the background jobs pace
// themselves to; the overall board's computations take the rest. The
// overall board is what a vote waits for, so it has the larger part.
const slowShare = 0.25

// cpuMeter adds up the CPU time of the threads a computation's bootstrap
// rounds run on.
type cpuMeter struct{ ns atomic.Int64 }

// thread starts measuring the calling thread, which must be pinned to its
// goroutine (lowerPriority pins it), and returns the function that adds
// what the thread used since.
func (m *cpuMeter) thread() func() {
	start := threadCPU()
	return func() { m.ns.Add(int64(threadCPU() - start)) }
}

// take returns the CPU time added since the last take.
func (m *cpuMeter) take() time.Duration { return time.Duration(m.ns.Swap(0)) }

// restAfter is how long after a computation that used cpu in wall time the
// next may start, for rating to average at most cores cores: none when
// cores or cpu is not above zero (no budget, or CPU time not measured).
func restAfter(cpu, wall time.Duration, cores float64) time.Duration {
	if cores <= 0 || cpu <= 0 {
		return 0
	}
	return max(0, time.Duration(float64(cpu)/cores)-wall)
}

// votingWindow is how recently a vote must have come for a background
// job to count the voting as going on and pace itself (see slowPause).
const votingWindow = 10 * time.Second

// slowPause returns the pause a background job's bootstrap goroutine takes
// after each round, for a goroutine pinned to its thread: while votes keep
// coming it sleeps until the CPU time the thread used since the last pause
// fits the job's share of Options.CPU, so that even the first job after a
// start-up, whose cost no earlier job measured, leaves the votes their CPU.
// With no vote in the last votingWindow it does not wait, and the job runs
// at full speed.
func (s *Service) slowPause(ctx context.Context) func() {
	cpu, at := threadCPU(), time.Now()
	return func() {
		now := time.Now()
		s.sleepWhileVoting(ctx, pauseFor(threadCPU()-cpu, now.Sub(at), s.voting(now), s.opt.CPU*slowShare), maxPause)
		cpu, at = threadCPU(), time.Now()
	}
}

// sleepWhileVoting sleeps d, in steps of at most step, and stops
// early once votes stop coming (the job may then run at full speed) or ctx
// ends (a job told to stop, at shutdown or giving way to an integrity
// report, stops pausing at once). The whole of d is slept while votes
// keep coming: a round that used a CPU-second owes seven seconds at an
// eighth of a core, and a pause cut short at one step let the style job
// at 10M votes take 0.17 cores instead of 0.125.
func (s *Service) sleepWhileVoting(ctx context.Context, d, step time.Duration) {
	for d > 0 {
		n := min(d, step)
		t := time.NewTimer(n)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		d -= n
		if !s.voting(time.Now()) {
			return
		}
	}
}

// voting says whether a vote came within votingWindow before now.
func (s *Service) voting(now time.Time) bool {
	return now.UnixNano()-s.voteAt.Load() < int64(votingWindow)
}

// fastWorkers is how many bootstrap rounds one of the overall board's
// computations runs at once: Options.Workers when set; else every core
// when no vote is coming, and half of them while votes keep coming. The
// budget bounds rating's average CPU, not its bursts: a computation on
// every core leaves the votes arriving meanwhile none, for as long as it
// runs (half a second at a million votes on the 2-core test machine), and
// those votes wait in line; on half the cores the same work takes about
// twice as long while the vote path keeps the rest. The board is the same
// whatever the number of workers.
func (s *Service) fastWorkers(now time.Time) int {
	if s.opt.Workers > 0 || !s.voting(now) {
		return s.opt.Workers
	}
	return max(1, runtime.GOMAXPROCS(0)/2)
}

// maxPause is the longest a background job sleeps before it looks again
// whether votes are still coming.
const maxPause = 5 * time.Second

// pauseFor is how long a background goroutine that used cpu of CPU time
// in wall time since its last pause waits now: nothing unless votes are
// coming, else until the CPU time fits cores.
func pauseFor(cpu, wall time.Duration, voting bool, cores float64) time.Duration {
	if !voting {
		return 0
	}
	return restAfter(cpu, wall, cores)
}
