// Package heavy orders the two computations of one process that each hold
// a large part of every vote while they run: an integrity report build
// (the voters page, the risk sweep) and the ratings' background job (the
// style-controlled view and the category boards). Each takes hundreds of
// bytes a vote beside the votes the recomputer keeps; side by side, on an
// arena of ten million votes, they would double what the server needs.
//
// A report is what a person asked for and waits on; the background job
// only refreshes views that are served as they are meanwhile, and can
// start over. So the job gives way: a build stops the job running, waits
// until it has let go of what it held, and no job starts until the builds
// are done.
package heavy

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// ErrGaveWay ends a background job's context when a build begins: the job
// should be started again once the builds are done, not reported.
var ErrGaveWay = errors.New("the background rating job gave way to an integrity report")

// Gate orders builds and background jobs. The zero Gate is not ready: use
// New. A nil *Gate orders nothing (every call returns at once).
type Gate struct {
	mu     sync.Mutex
	builds int
	// idle is closed while no build runs or waits.
	idle chan struct{}
	// job is the background job running, nil when none.
	job *job
}

type job struct {
	cancel context.CancelCauseFunc
	// done is closed once the job has let go of what it held.
	done chan struct{}
}

// New returns a gate with nothing running.
func New() *Gate {
	idle := make(chan struct{})
	close(idle)
	return &Gate{idle: idle}
}

// Build stops the background job running, if any, waits until it has let
// go of what it held, and keeps jobs from starting until end is called.
// When ctx ends first, the build does not begin and err is ctx's.
func (g *Gate) Build(ctx context.Context) (end func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	g.mu.Lock()
	if g.builds == 0 {
		g.idle = make(chan struct{})
	}
	g.builds++
	running := g.job
	g.mu.Unlock()
	end = sync.OnceFunc(g.endBuild)
	if running == nil {
		return end, nil
	}
	running.cancel(ErrGaveWay)
	select {
	case <-running.done:
		return end, nil
	case <-ctx.Done():
		end()
		return nil, ctx.Err()
	}
}

func (g *Gate) endBuild() {
	g.mu.Lock()
	last := g.builds == 1
	g.mu.Unlock()
	if last {
		// What the builds held is garbage now, but the collector's limit
		// (internal/gcheadroom: the live heap at the last collection plus
		// a headroom) still counts it as live: a job starting now would
		// add its memory on top of it before any collection. One
		// collection first sets the limit from what is really held.
		runtime.GC()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.builds--
	if g.builds == 0 {
		close(g.idle)
	}
}

// Background waits until no build runs, then returns the job's context,
// which ends with ErrGaveWay as its cause when a build begins, and the
// function to call once the job has let go of what it held. Only one job
// runs at a time.
func (g *Gate) Background(ctx context.Context) (context.Context, func(), error) {
	if g == nil {
		return ctx, func() {}, nil
	}
	for {
		g.mu.Lock()
		wait := g.idle
		switch {
		case g.builds > 0:
		case g.job != nil:
			wait = g.job.done
		default:
			jctx, cancel := context.WithCancelCause(ctx)
			j := &job{cancel: cancel, done: make(chan struct{})}
			g.job = j
			g.mu.Unlock()
			return jctx, sync.OnceFunc(func() { g.endJob(j) }), nil
		}
		g.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

func (g *Gate) endJob(j *job) {
	g.mu.Lock()
	if g.job == j {
		g.job = nil
	}
	g.mu.Unlock()
	j.cancel(nil)
	close(j.done)
}

// Idle waits until no build runs or waits (at once when none does).
func (g *Gate) Idle(ctx context.Context) error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	idle := g.idle
	g.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// GaveWay says whether a background job's context ended because a build
// began.
func GaveWay(jctx context.Context) bool {
	return jctx != nil && errors.Is(context.Cause(jctx), ErrGaveWay)
}

// Running says whether a background job holds the gate now.
func (g *Gate) Running() bool {
	if g == nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.job != nil
}
