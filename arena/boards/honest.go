package boards

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// maxRobustnessModels bounds the category boards whose robustness figure
// is computed: the greedy search refits the board many times (about three
// seconds for 300 models on one core), which the overall board can afford
// once per recomputation but dozens of large category boards cannot.
const maxRobustnessModels = 40

// Settings returns the settings b was computed with.
func (b *RatedBoard) Settings() Settings {
	return Settings{
		Method: b.Method, CI: b.CI, Level: b.Level, Rounds: b.Rounds, Seed: b.Seed, MinVotes: b.MinVotes,
		Style: b.StyleControl, Reweighting: b.Reweighted, ReweightFloor: b.ReweightFloor,
		Category: b.Category, EngineVersion: b.EngineVersion,
	}
}

// tieGroups names the groups of statistical ties of a computed board, by
// plain score and, when style control ran, with style held equal.
func tieGroups(board *rating.Board) (plain, styled [][]string) {
	n := len(board.Models)
	scores, ci := make([]float64, n), make([]rating.Interval, n)
	for i, m := range board.Models {
		scores[i], ci[i] = m.Score, m.CI
	}
	plain = slugGroups(board, rating.TieGroups(scores, ci))
	for i, m := range board.Models {
		if m.Style == nil {
			return plain, nil
		}
		scores[i], ci[i] = m.Style.Score, m.Style.CI
	}
	return plain, slugGroups(board, rating.TieGroups(scores, ci))
}

func slugGroups(board *rating.Board, groups [][]int) [][]string {
	out := make([][]string, len(groups))
	for g, members := range groups {
		for _, i := range members {
			out[g] = append(out[g], board.Models[i].Model)
		}
	}
	return out
}

// topRobustness finds how many flipped votes would change the board's #1
// (plain score, unweighted, as rating.TopRobustness defines it), exactly
// when the board is small enough for rating to prove it and greedily
// otherwise.
// cells are rating.Cells of the board's outcomes: renumbered in the
// board's order and sorted again they are the cells of the renumbered
// outcomes, as cells do not depend on the battles' order.
func topRobustness(cells []rating.Cell, board *rating.Board) (*Robustness, error) {
	local := make(map[int]int, len(board.Models))
	for i, m := range board.Models {
		local[m.Index] = i
	}
	own := make([]rating.Cell, len(cells))
	for i, c := range cells {
		c.A, c.B = local[c.A], local[c.B]
		own[i] = c
	}
	slices.SortFunc(own, func(x, y rating.Cell) int {
		return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B), cmp.Compare(x.Result, y.Result))
	})
	r, err := rating.TopRobustness(len(board.Models), own, rating.DefaultBT, rating.RobustnessOptions{})
	if err != nil {
		return nil, err
	}
	return &Robustness{Leader: board.Models[r.Leader].Model, FlipsToChangeTop: r.FlipsToChangeTop, Method: r.Method}, nil
}

// spreadShown sets the rank spread of the rows shown, by the view's
// intervals, and returns their groups of statistical ties; like Rank (UB)
// both are among the rows shown, so a filter that hides a model also
// narrows the spreads of those it overlapped.
func spreadShown(rows []ViewRow) [][]string {
	scores, ci := make([]float64, len(rows)), make([]rating.Interval, len(rows))
	for i, r := range rows {
		scores[i], ci[i] = r.Score, rating.Interval{Lower: r.CILower, Median: r.Score, Upper: r.CIUpper}
	}
	for i, sp := range rating.RankSpread(ci) {
		rows[i].RankBest, rows[i].RankWorst = sp.Best, sp.Worst
	}
	groups := rating.TieGroups(scores, ci)
	out := make([][]string, len(groups))
	for g, members := range groups {
		for _, i := range members {
			out[g] = append(out[g], rows[i].Slug)
		}
	}
	return out
}

// Board returns the board of a category: the newest when at is zero,
// otherwise the newest stored before at. It is nil when there is none.
// Boards of the past are read from the database each time; the history
// is thinned (see thinHistory), so a date long past may find an older
// snapshot than the one that was newest at its end.
func (s *Service) Board(ctx context.Context, category string, at time.Time) (*RatedBoard, error) {
	if at.IsZero() {
		return s.RatedLeaderboardFor(ctx, category)
	}
	snap, err := s.store.SnapshotBefore(ctx, category, at)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeBoard(snap)
}
