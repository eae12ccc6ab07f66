package boards

import (
	"context"
	"time"

	"openarena.dev/arena/rating"
)

// ChangeWindow is how far back a board looks for the snapshot it marks
// significant score changes against: a week, so a reader sees what moved
// since last time, not since the last few votes.
const ChangeWindow = 7 * 24 * time.Hour

// changeAlpha is the family-wise error rate of the change marks: with Holm's
// correction, a board of a hundred models flags a model by chance at most
// one time in twenty.
const changeAlpha = 0.05

// markChanges compares each shown row's score with the same model's in the
// newest snapshot at least ChangeWindow older than the view's, and keeps the
// change and whether it is significant (rating.ScoreChanges: a z-test on
// the difference, Holm-corrected across the rows compared). Rows of models
// not on the older board, and every row when there is no older board, get
// no change.
func (s *Service) markChanges(ctx context.Context, v *BoardView, category string, style bool) error {
	prev, err := s.Board(ctx, category, v.Board.ComputedAt.Add(-ChangeWindow))
	if err != nil || prev == nil {
		return err
	}
	old := make(map[string]rating.Estimate, len(prev.Models))
	for _, r := range prev.Models {
		lo, hi, score := r.CILower, r.CIUpper, r.Score
		if style {
			if r.Style == nil {
				continue
			}
			lo, hi, score = r.Style.CILower, r.Style.CIUpper, r.Style.Score
		}
		old[r.Slug] = rating.Estimate{Score: score, SE: rating.IntervalSE(rating.Interval{Lower: lo, Upper: hi}, prev.level())}
	}
	var before, after []rating.Estimate
	var rows []int
	for i, r := range v.Rows {
		e, ok := old[r.Slug]
		if !ok {
			continue
		}
		before = append(before, e)
		after = append(after, rating.Estimate{Score: r.Score,
			SE: rating.IntervalSE(rating.Interval{Lower: r.CILower, Upper: r.CIUpper}, v.Board.level())})
		rows = append(rows, i)
	}
	for k, c := range rating.ScoreChanges(before, after, changeAlpha) {
		v.Rows[rows[k]].Change = &c
	}
	v.ChangeSince = prev.ComputedAt
	return nil
}

// level is the board's interval coverage, 0.95 when it was stored without.
func (b *RatedBoard) level() float64 {
	if b.Level > 0 && b.Level < 1 {
		return b.Level
	}
	return 0.95
}
