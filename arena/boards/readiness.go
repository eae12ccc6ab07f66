package boards

import (
	"context"
	"errors"

	"openarena.dev/arena/models"
)

// behindLimit caps the votes Readiness counts: past it the number only says
// "far behind", and counting on would cost a scan of the votes.
const behindLimit = 1_000_000

// Readiness says how current the published boards are.
type Readiness struct {
	// Current is true when the newest overall board rated every vote now
	// in the ratings, this process has no invalidation pending and it is
	// not reading every vote (at start-up, or when the change log asks
	// for it): votes cast during such a read wait for it, so a restarted
	// server serving a stored board that happens to be current is not
	// current yet. Exclusions and label edits of the last few seconds may
	// still be on their way.
	Current bool
	// ViewsBehind is true while the parts recomputed at most every
	// CategoryInterval under heavy voting — the category boards, the
	// style-controlled view and the robustness of #1 — rated fewer votes
	// than the overall board (see slowview.go).
	ViewsBehind bool
	// BehindVotes is how many votes in the ratings are newer than the
	// newest overall board (at most behindLimit).
	BehindVotes int64
}

// Readiness reports whether the board served is current. It never waits
// for a computation, so a server catching up after a restart answers at
// once while serving the last stored board.
func (s *Service) Readiness(ctx context.Context) (Readiness, error) {
	var after uint
	head, err := s.store.LatestSnapshotHead(ctx, models.CategoryOverall)
	switch {
	case err == nil:
		after = head.LastVoteID
	case !errors.Is(err, models.ErrNotFound):
		return Readiness{}, err
	}
	n, err := s.store.CountedVotesAfter(ctx, after, behindLimit)
	if err != nil {
		return Readiness{}, err
	}
	return Readiness{BehindVotes: n, Current: n == 0 && !s.stale.Load() && !s.reading.Load(), ViewsBehind: s.catsLate.Load()}, nil
}
