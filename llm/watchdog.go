package llm

import (
	"context"
	"errors"
	"time"
)

// Causes recorded on the generation context so that, when it ends, we can
// tell our own timeouts from the caller walking away.
var (
	errIdle     = errors.New("llm: stream idle for longer than the idle timeout")
	errDeadline = errors.New("llm: answer took longer than the overall timeout")
)

// watchdog derives the context one generation runs under: it ends at the
// overall timeout, or when no chunk has arrived for the idle timeout. The
// idle clock is paused while the caller's emit runs, so a slow consumer is
// never mistaken for a stalled model.
type watchdog struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	stopDL context.CancelFunc
	idle   time.Duration
	timer  *time.Timer
}

func newWatchdog(parent context.Context, overall, idle time.Duration) *watchdog {
	w := &watchdog{idle: idle, stopDL: func() {}}
	ctx := parent
	if overall > 0 {
		ctx, w.stopDL = context.WithTimeoutCause(ctx, overall, errDeadline)
	}
	w.ctx, w.cancel = context.WithCancelCause(ctx)
	if idle > 0 {
		w.timer = time.AfterFunc(idle, func() { w.cancel(errIdle) })
	}
	return w
}

// pause stops the idle clock while a chunk is being handed to the caller.
func (w *watchdog) pause() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// resume restarts the idle clock from zero: we are waiting for the next chunk.
func (w *watchdog) resume() {
	if w.timer != nil {
		w.timer.Reset(w.idle)
	}
}

// stop releases the timers; the context must not be used afterwards.
func (w *watchdog) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
	w.cancel(context.Canceled)
	w.stopDL()
}
