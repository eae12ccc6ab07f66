package arena

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"openarena.dev/arena/arena/fault"
)

// ErrShuttingDown refuses new battles, turns and streams while this server
// drains before it stops; another server (or this one, restarted) takes
// them.
var ErrShuttingDown = fault.New(fault.Unavailable,
	"This server is shutting down; try again in a moment.")

// errShutdownCut is the cause with which the streams still running at the
// end of a drain are cut.
var errShutdownCut = errors.New("the server shut down")

// shutdownReason is what a voter whose stream was cut by a shutdown is told.
const shutdownReason = "the server shut down before both answers finished"

// cutWait bounds how long Drain waits for the streams it cut to void their
// battles: each void is one short update with its own timeout.
const cutWait = 10 * time.Second

// streamSet is the live streams this process is running, so a shutdown can
// wait for them and void those it cannot wait for.
type streamSet struct {
	draining atomic.Bool
	mu       sync.Mutex
	next     uint64
	cancels  map[uint64]context.CancelCauseFunc
}

// track registers a stream; the returned context ends when ctx does or the
// stream is cut, and done must be called when the stream has returned.
func (s *streamSet) track(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	s.mu.Lock()
	if s.cancels == nil {
		s.cancels = map[uint64]context.CancelCauseFunc{}
	}
	s.next++
	id := s.next
	s.cancels[id] = cancel
	s.mu.Unlock()
	return ctx, func() {
		s.mu.Lock()
		delete(s.cancels, id)
		s.mu.Unlock()
		cancel(nil)
	}
}

// count is the number of streams running.
func (s *streamSet) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cancels)
}

// cut ends every running stream with cause and says how many there were.
func (s *streamSet) cut(cause error) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cancel := range s.cancels {
		cancel(cause)
	}
	return len(s.cancels)
}

// waitIdle returns true once no stream runs, false if ctx ends first.
func (s *streamSet) waitIdle(ctx context.Context) bool {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for s.count() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// BeginDrain makes this server refuse new battles, turns, regenerations and
// streams (ErrShuttingDown) while the ones running finish; Draining then
// reports true, for the readiness check.
func (a *Arena) BeginDrain() { a.streams.draining.Store(true) }

// Draining reports whether BeginDrain was called.
func (a *Arena) Draining() bool { return a.streams.draining.Load() }

// LiveStreams is the number of live streams this process is running.
func (a *Arena) LiveStreams() int { return a.streams.count() }

// Drain begins the drain, waits for the running live streams to finish
// until ctx ends, then cuts those left, which void their battles with a
// reason the voter reads, and waits (at most cutWait) for them to have
// done so. It returns how many it cut.
func (a *Arena) Drain(ctx context.Context) int {
	a.BeginDrain()
	if a.streams.waitIdle(ctx) {
		return 0
	}
	n := a.streams.cut(errShutdownCut)
	wctx, cancel := context.WithTimeout(context.Background(), cutWait)
	defer cancel()
	if !a.streams.waitIdle(wctx) {
		a.boards.Logger().Warn("live streams did not end after being cut", "streams", a.streams.count())
	}
	return n
}

// refuseWhileDraining is ErrShuttingDown during a drain, nil otherwise.
func (a *Arena) refuseWhileDraining() error {
	if a.Draining() {
		return ErrShuttingDown
	}
	return nil
}
