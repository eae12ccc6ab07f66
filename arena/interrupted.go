package arena

import (
	"context"
	"time"
)

// interruptedReason is what a voter returning to a battle whose stream was
// cut by a restart is told.
const interruptedReason = "the server restarted before both answers finished"

// VoidInterrupted voids live battles whose generation was cut off by a
// shutdown or crash of whichever instance streamed them. A stream that is
// still running is never older than the turn timeout, so twice that is
// safe even with several instances sharing the database.
func (a *Arena) VoidInterrupted(ctx context.Context, now time.Time) (int64, error) {
	n, err := a.store.VoidStaleStreaming(ctx, now.Add(-2*a.live.Timeout), interruptedReason)
	if n > 0 {
		a.obs.BattlesVoided(VoidInterrupted, int(n))
	}
	return n, err
}

// SweepInterrupted runs VoidInterrupted now and then every turn timeout
// until ctx ends, logging failures; it is how battles cut by another
// instance's crash get voided without waiting for a restart.
func (a *Arena) SweepInterrupted(ctx context.Context) {
	t := time.NewTicker(a.live.Timeout)
	defer t.Stop()
	for {
		if n, err := a.VoidInterrupted(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.boards.Logger().Warn("voiding interrupted live battles failed", "err", err)
		} else if n > 0 {
			a.boards.Logger().Info("voided live battles interrupted by a restart", "battles", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
