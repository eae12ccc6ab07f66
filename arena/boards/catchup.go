package boards

import (
	"context"
	"time"

	"openarena.dev/arena/models"
)

// The recomputer keeps the votes in the ratings in memory (ratedVotes) and
// brings them up to date before each computation by reading only what
// changed: the votes above its watermark, and the votes the ratings change
// log (models/ratingchanges.go) names since its position in the log. It
// reads everything at start-up, and again when the log says any vote may
// have changed (ChangeAll), when the log was pruned past its position, or
// when it lost track of too many missing ids.

// lookback is how many ids below the newest the first catch-up after a
// full read reads again, so a vote or change that committed just after the
// full read with a lower id than one it saw is not lost.
const lookback = 1000

// caught is what a catch-up found.
type caught struct {
	// changed says the votes held differ from before the catch-up.
	changed bool
	// newVotes says votes newer than any held entered the ratings.
	newVotes bool
	// full says everything was read again.
	full bool
}

// catchUp brings s.rated up to date. Call it under computeMu.
func (s *Service) catchUp(ctx context.Context) (caught, error) {
	if s.rated == nil {
		return s.readAll(ctx, false)
	}
	now := time.Now()
	log, err := s.store.RatingChangesAfter(ctx, s.logIDs.pos, s.logIDs.pending(now))
	if err != nil {
		return caught{}, err
	}
	if log.PrunedThrough > s.logIDs.pos || s.logIDs.overflow || s.voteIDs.overflow {
		return s.readAll(ctx, true)
	}
	sel := models.VoteSelection{Some: true, After: s.voteIDs.pos, IDs: s.voteIDs.pending(now)}
	logSeen := make([]uint, 0, len(log.Changes))
	for _, c := range log.Changes {
		logSeen = append(logSeen, c.ID)
		switch c.Scope {
		case models.ChangeAll:
			return s.readAll(ctx, true)
		case models.ChangeVote:
			sel.IDs = append(sel.IDs, c.VoteID)
		case models.ChangeVoter:
			sel.VoterIDs = append(sel.VoterIDs, c.VoterID)
		case models.ChangePrompt:
			sel.PromptIDs = append(sel.PromptIDs, c.PromptID)
		}
	}
	var up []voteRow
	var gone []uint64
	var seen []uint
	out := caught{}
	newest := s.rated.mark().LastID
	err = s.store.ScanRatedVotes(ctx, sel, func(c *models.CountedBattle) error {
		seen = append(seen, c.VoteID)
		if !c.InRatings {
			gone = append(gone, uint64(c.VoteID))
			return nil
		}
		out.newVotes = out.newVotes || c.VoteID > newest
		up = append(up, s.rated.rowOf(c))
		return nil
	})
	if err != nil {
		return caught{}, err
	}
	s.logIDs.saw(logSeen, now)
	s.voteIDs.saw(seen, now)
	out.changed = s.rated.patch(dedupe(up), gone)
	return out, nil
}

// dedupe keeps the last row read of each vote (a vote may be read twice
// in one catch-up, by two scopes).
func dedupe(rows []voteRow) []voteRow {
	last := make(map[uint64]int, len(rows))
	for i, r := range rows {
		last[r.id] = i
	}
	if len(last) == len(rows) {
		return rows
	}
	out := make([]voteRow, 0, len(last))
	for i, r := range rows {
		if last[r.id] == i {
			out = append(out, r)
		}
	}
	return out
}

// readAll reads every vote in the ratings again. At start-up (again false)
// nothing is known to have changed: whether the stored boards are current
// is for the caller to compare; a re-read asked for by the change log
// counts as a change.
func (s *Service) readAll(ctx context.Context, again bool) (caught, error) {
	s.reading.Store(true)
	defer s.reading.Store(false)
	head, err := s.store.RatingChangesHead(ctx)
	if err != nil {
		return caught{}, err
	}
	rv := &ratedVotes{slugs: s.slugs}
	if s.rated != nil {
		rv.sets, rv.setIdx = s.rated.sets, s.rated.setIdx
	}
	rv.reserve(s.expectedVotes(ctx))
	err = s.store.ScanRatedVotes(ctx, models.VoteSelection{}, func(c *models.CountedBattle) error {
		rv.push(rv.rowOf(c))
		return nil
	})
	if err != nil {
		return caught{}, err
	}
	last := uint(0)
	if rv.len() > 0 {
		last = uint(rv.id[rv.len()-1])
	}
	s.rated = rv
	s.voteIDs.reset(last - min(last, lookback))
	s.logIDs.reset(head - min(head, lookback))
	return caught{changed: again, newVotes: true, full: true}, nil
}

// expectedVotes guesses how many votes a full read finds, from the newest
// overall board and the read before (0 when neither says), so the arrays
// are allocated once: grown by appending, they would briefly hold about
// twice the votes.
func (s *Service) expectedVotes(ctx context.Context) int {
	n := 0
	if s.rated != nil {
		n = s.rated.len()
	}
	if head, err := s.store.LatestSnapshotHead(ctx, models.CategoryOverall); err == nil {
		n = max(n, head.VotesUsed)
	}
	return n + n/16 + 1024
}
