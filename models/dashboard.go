package models

import (
	"context"
	"time"
)

// DashboardCounts are the figures on the admin's landing page.
type DashboardCounts struct {
	PendingPrompts    int64
	FlaggedPrompts    int64
	VotesToday        int64
	ExcludedVotes     int64
	EnabledContenders int64
}

// DashboardCounts counts what waits for an admin and what happened since
// dayStart (the start of the current day, UTC).
func (s *Store) DashboardCounts(ctx context.Context, dayStart time.Time) (DashboardCounts, error) {
	var d DashboardCounts
	db := s.db.WithContext(ctx)
	steps := []struct {
		n     *int64
		model any
		where string
		args  []any
	}{
		{&d.PendingPrompts, &Prompt{}, "status = ?", []any{StatusPending}},
		{&d.FlaggedPrompts, &Prompt{}, "status = ?", []any{StatusFlagged}},
		{&d.VotesToday, &Vote{}, "created_at >= ?", []any{dayStart}},
		{&d.ExcludedVotes, &Vote{}, "excluded <> ''", nil},
		{&d.EnabledContenders, &Contender{}, "enabled = ?", []any{true}},
	}
	for _, st := range steps {
		if err := db.Model(st.model).Where(st.where, st.args...).Count(st.n).Error; err != nil {
			return d, err
		}
	}
	return d, nil
}
