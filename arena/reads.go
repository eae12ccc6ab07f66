package arena

import (
	"context"
	"time"

	"openarena.dev/arena/models"
)

// TouchVoter records that the voter was seen now from the keyed address, so
// the integrity checks know when each voter first and last came.
func (a *Arena) TouchVoter(ctx context.Context, voterID, ipHash string) error {
	return a.store.TouchVoter(ctx, voterID, ipHash)
}

// Ping reports whether the database answers, for the health check.
func (a *Arena) Ping(ctx context.Context) error { return a.store.Ping(ctx) }

// Turns returns the exchanges of a live battle in order.
func (a *Arena) Turns(ctx context.Context, battleID string) ([]models.Turn, error) {
	return a.store.Turns(ctx, battleID)
}

// BankSize says how many prompts and pre-generated answers the bank holds,
// for the page shown while no battle can be served.
func (a *Arena) BankSize(ctx context.Context) (prompts, answers int64, err error) {
	return a.store.BankSize(ctx)
}

// DashboardCounts returns the admin dashboard's totals, with "today"
// starting at dayStart.
func (a *Arena) DashboardCounts(ctx context.Context, dayStart time.Time) (models.DashboardCounts, error) {
	return a.store.DashboardCounts(ctx, dayStart)
}
