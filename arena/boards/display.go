package boards

import (
	"context"
	"time"

	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// DisplayKind says which board a Display holds.
type DisplayKind int

const (
	// DisplayNone is a known category with no published board yet: there
	// is nothing to show but the empty table.
	DisplayNone DisplayKind = iota
	// DisplayRated is a view of a published board; in a category whose
	// votes have all gone it has no rows.
	DisplayRated
	// DisplayElo is the online-Elo board, shown for the overall board
	// until the first snapshot rated a vote.
	DisplayElo
)

// Display is the board the leaderboard shows for a query: a view of the
// published board, the online-Elo board, or nothing yet.
type Display struct {
	Kind DisplayKind
	// View is set with DisplayRated.
	View *BoardView
	// Elo is set with DisplayElo.
	Elo *EloBoard
}

// Display decides what the leaderboard shows for q: the published view when
// it rated a vote; for the overall board before that, the online-Elo board,
// so the first votes show at once (nothing yet past EloMaxVotes); for a
// known category, nothing yet. A
// category that is neither known nor published is not found, so a mistyped
// address says so instead of showing an empty board. A board of the past
// (q.At) is shown as stored, or not found when none was stored by then.
func (s *Service) Display(ctx context.Context, q BoardQuery) (Display, error) {
	if q.Category == "" {
		q.Category = models.CategoryOverall
	}
	view, err := s.View(ctx, q)
	if err != nil {
		return Display{}, err
	}
	if !q.At.IsZero() {
		if view == nil {
			return Display{}, fault.Newf(fault.NotFound, "No %s leaderboard had been published by the end of %s.",
				q.Category, q.At.Add(-time.Nanosecond).Format(time.DateOnly))
		}
		return Display{Kind: DisplayRated, View: view}, nil
	}
	if view != nil && view.Board.Votes > 0 {
		return Display{Kind: DisplayRated, View: view}, nil
	}
	if q.Category == models.CategoryOverall {
		// The votes' id span bounds their number from above in two key
		// lookups; a count would read them all.
		span, err := s.store.VoteIDSpan(ctx)
		if err != nil {
			return Display{}, err
		}
		if span > s.opt.EloMaxVotes {
			return Display{Kind: DisplayNone}, nil
		}
		elo, err := s.EloBoard(ctx)
		if err != nil {
			return Display{}, err
		}
		return Display{Kind: DisplayElo, Elo: elo}, nil
	}
	if !categories.Known(q.Category) && view == nil {
		return Display{}, fault.Newf(fault.NotFound, "There is no category %q on the leaderboard.", q.Category)
	}
	if view != nil {
		return Display{Kind: DisplayRated, View: view}, nil
	}
	return Display{Kind: DisplayNone}, nil
}
