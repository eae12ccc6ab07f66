package handlers

import (
	"context"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/views"
)

// leaderboardCharts returns the charts of a rated board (nil: the empty
// charts block), with their SVG already written. The leaderboard page
// places the result with views.LeaderboardCharts.
func (s *Server) leaderboardCharts(ctx context.Context, b *arena.RatedBoard) (views.LeaderboardChartsVM, error) {
	if b == nil {
		return views.LeaderboardChartsVM{}, nil
	}
	h, err := s.arena.RatingHistory(ctx, categoryOf(b))
	if err != nil {
		return views.LeaderboardChartsVM{}, err
	}
	return leaderboardChartsVM(b, h).Rendered(), nil
}

// categoryOf is the board's category; boards stored before categories
// existed have none and are the overall board.
func categoryOf(b *arena.RatedBoard) string {
	if b.Category == "" {
		return "overall"
	}
	return b.Category
}

// leaderboardChartsVM turns a rated board and its history into the charts'
// view model; h may be nil.
func leaderboardChartsVM(b *arena.RatedBoard, h *arena.History) views.LeaderboardChartsVM {
	vm := views.LeaderboardChartsVM{Category: categoryOf(b), Votes: b.Votes}
	vm.ComputedAt, _ = when(b.ComputedAt)
	vm.CI.Rows = make([]views.CIRow, len(b.Models))
	for i, r := range b.Models {
		vm.CI.Rows[i] = views.CIRow{Name: r.DisplayName, Score: r.Score, Lower: r.CILower, Upper: r.CIUpper, Preliminary: r.Preliminary}
	}
	_ = h // not drawn yet: the rating-over-time charts are still to come
	return vm
}
