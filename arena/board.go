package arena

import (
	"context"
	"slices"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// BoardRow is one contender on the leaderboard.
type BoardRow struct {
	Contender models.Contender
	Elo       float64
	Votes     int
	Wins      int
	Ties      int
	Losses    int
	// Preliminary marks fewer votes than RatingsOptions.MinVotes.
	Preliminary bool
}

// WinRate is wins plus half the ties over the row's votes (0 with none).
func (r BoardRow) WinRate() float64 {
	if r.Votes == 0 {
		return 0
	}
	return (float64(r.Wins) + float64(r.Ties)/2) / float64(r.Votes)
}

// Board is the online-Elo leaderboard, computed on request from the counted
// votes. It is what the arena shows until the first ratings snapshot exists.
type Board struct {
	Rows       []BoardRow
	Votes      int
	ComputedAt time.Time
}

// Leaderboard returns the board, recomputed when votes arrived since the last
// computation or when it is older than BoardMaxAge.
func (a *Arena) Leaderboard(ctx context.Context) (*Board, error) {
	a.boardMu.Lock()
	defer a.boardMu.Unlock()
	gen := a.votesGen.Load()
	if a.board != nil && a.boardGen == gen && a.now().Sub(a.board.ComputedAt) < a.opt.BoardMaxAge {
		return a.board, nil
	}
	b, err := a.computeBoard(ctx)
	if err != nil {
		return nil, err
	}
	a.board, a.boardGen = b, gen
	return b, nil
}

// votesChanged marks the online-Elo board stale and wakes the recomputer of
// the published ratings, without taking a lock: a vote never waits for a
// recomputation.
func (a *Arena) votesChanged() {
	a.votesGen.Add(1)
	a.rs().kick()
}

func (a *Arena) computeBoard(ctx context.Context) (*Board, error) {
	cs, err := a.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	outs, err := a.store.CountedOutcomes(ctx)
	if err != nil {
		return nil, err
	}
	index := make(map[uint]int, len(cs))
	rows := make([]BoardRow, len(cs))
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
		rows[i].Preliminary = rows[i].Votes < a.rs().opt.MinVotes
		if rows[i].Votes > 0 || rows[i].Contender.Enabled {
			shown = append(shown, rows[i])
		}
	}
	slices.SortStableFunc(shown, func(x, y BoardRow) int {
		switch {
		case x.Elo > y.Elo:
			return -1
		case x.Elo < y.Elo:
			return 1
		}
		return y.Votes - x.Votes
	})
	return &Board{Rows: shown, Votes: len(games), ComputedAt: a.now()}, nil
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

func tally(r *BoardRow, res float64) {
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
