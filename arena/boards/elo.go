package boards

import (
	"context"
	"slices"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// EloRow is one contender on the online-Elo board.
type EloRow struct {
	Contender models.Contender
	Elo       float64
	Votes     int
	Wins      int
	Ties      int
	Losses    int
	// Preliminary marks fewer votes than Options.MinVotes.
	Preliminary bool
}

// WinRate is wins plus half the ties over the row's votes (0 with none).
func (r EloRow) WinRate() float64 {
	if r.Votes == 0 {
		return 0
	}
	return (float64(r.Wins) + float64(r.Ties)/2) / float64(r.Votes)
}

// EloBoard is the online-Elo leaderboard, computed on request from the
// counted votes. It is what the arena shows until the first ratings snapshot
// exists: cheap to compute, but without intervals and dependent on the order
// of the votes, so it is a stand-in, never published.
type EloBoard struct {
	Rows       []EloRow
	Votes      int
	ComputedAt time.Time
}

// EloBoard returns the online-Elo board, recomputed when votes arrived since
// the last computation or when it is older than EloMaxAge.
func (s *Service) EloBoard(ctx context.Context) (*EloBoard, error) {
	s.eloMu.Lock()
	defer s.eloMu.Unlock()
	gen := s.votesGen.Load()
	if s.elo != nil && s.eloGen == gen && s.now().Sub(s.elo.ComputedAt) < s.opt.EloMaxAge {
		return s.elo, nil
	}
	b, err := s.computeElo(ctx)
	if err != nil {
		return nil, err
	}
	s.elo, s.eloGen = b, gen
	return b, nil
}

// computeElo rates every counted vote by online Elo, in vote order.
func (s *Service) computeElo(ctx context.Context) (*EloBoard, error) {
	cs, err := s.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	outs, err := s.store.CountedOutcomes(ctx)
	if err != nil {
		return nil, err
	}
	index := make(map[uint]int, len(cs))
	rows := make([]EloRow, len(cs))
	for i, c := range cs {
		index[c.ID], rows[i].Contender = i, c
	}
	games := make([]rating.Outcome, 0, len(outs))
	for _, o := range outs {
		ia, okA := index[o.ContenderAID]
		ib, okB := index[o.ContenderBID]
		if !okA || !okB {
			continue
		}
		res := outcomeValue(o.Winner)
		games = append(games, rating.Outcome{A: ia, B: ib, Result: res})
		tally(&rows[ia], res)
		tally(&rows[ib], 1-res)
	}
	elo := rating.OnlineElo(len(cs), games, rating.DefaultElo)
	shown := rows[:0]
	for i := range rows {
		rows[i].Elo = elo[i]
		rows[i].Preliminary = rows[i].Votes < s.opt.MinVotes
		if rows[i].Votes > 0 || rows[i].Contender.Enabled {
			shown = append(shown, rows[i])
		}
	}
	slices.SortStableFunc(shown, func(x, y EloRow) int {
		switch {
		case x.Elo > y.Elo:
			return -1
		case x.Elo < y.Elo:
			return 1
		}
		return y.Votes - x.Votes
	})
	return &EloBoard{Rows: shown, Votes: len(games), ComputedAt: s.now()}, nil
}

// outcomeValue maps a vote to A's score: 1 win, 0 loss, half for either tie.
func outcomeValue(winner string) float64 {
	switch winner {
	case models.WinnerA:
		return 1
	case models.WinnerB:
		return 0
	}
	return 0.5
}

func tally(r *EloRow, res float64) {
	r.Votes++
	switch res {
	case 1:
		r.Wins++
	case 0:
		r.Losses++
	default:
		r.Ties++
	}
}
