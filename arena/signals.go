package arena

import (
	"context"
	"time"

	"openarena.dev/arena/models"
)

// Several instances may serve one PostgreSQL database. What an admin
// changes on one (an exclusion, the filter lists, a contender, the prompt
// bank) is stored at once, but the others cache it; the store signals each
// change to every instance (models.ListenSignals), and ListenSignals drops
// what the signal says is stale. The periodic checks (the recomputer's
// Interval, the caches' refresh times) stay as the fallback. On SQLite one
// process owns the database and applies its own changes.

// ListenSignals applies the changes other instances signal until ctx ends.
// On SQLite it returns at once. Lost connections are logged and retried;
// when the connection is back, every cache is dropped, since anything may
// have changed meanwhile.
func (a *Arena) ListenSignals(ctx context.Context) error {
	log := a.boards.Logger()
	return a.store.ListenSignals(ctx, a.signalled, func(err error) {
		log.Warn("listening for changes made by other instances", "err", err)
	})
}

// signalled drops what a signal says is stale. It runs on the listener's
// goroutine, so it only marks caches and wakes the recomputer; the reads
// happen when next needed.
func (a *Arena) signalled(topic string) {
	all := topic == models.SignalAll
	if all || topic == models.SignalRatings {
		// The recomputer reads the change log at once, and computes if
		// the catch-up changed its votes; the online-Elo board too.
		a.boards.VotesChanged()
	}
	if all || topic == models.SignalBoards || topic == models.SignalContenders {
		a.boards.RecheckBoards()
	}
	if all || topic == models.SignalFilter {
		a.moderation.ForgetRules()
	}
	if all || topic == models.SignalContenders {
		// Contenders switch the demo on and off.
		a.demo.mu.Lock()
		a.demo.at = time.Time{}
		a.demo.mu.Unlock()
	}
	if all || topic == models.SignalBank || topic == models.SignalContenders {
		a.forgetBank()
	}
}
