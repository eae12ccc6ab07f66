package boards

import "math"

// Record is how one model fared against another: its wins, the ties and
// its losses, counted votes only.
type Record struct {
	Wins, Ties, Losses int
}

// Battles is how many times the two met.
func (r Record) Battles() int { return r.Wins + r.Ties + r.Losses }

// WinFraction is wins plus half the ties over the battles (0 with none).
func (r Record) WinFraction() float64 {
	if n := r.Battles(); n > 0 {
		return (float64(r.Wins) + float64(r.Ties)/2) / float64(n)
	}
	return 0
}

// Records returns every pair's record from both sides: Records()[[2]string{x, y}]
// is x's record against y. Pairs that never met are absent.
func (b *RatedBoard) Records() map[[2]string]Record {
	out := make(map[[2]string]Record, 2*len(b.Pairs))
	for _, p := range b.Pairs {
		out[[2]string{p.A, p.B}] = Record{Wins: p.AWins, Ties: p.Ties, Losses: p.BWins}
		out[[2]string{p.B, p.A}] = Record{Wins: p.BWins, Ties: p.Ties, Losses: p.AWins}
	}
	return out
}

// HeadToHead is a model's record against one opponent, with the win
// fraction the arena scores predict beside the one observed.
type HeadToHead struct {
	Opponent RatedRow
	Record
	// Observed is the win fraction in the battles fought (ties half); it
	// means nothing when Battles is 0.
	Observed float64
	// Predicted is the Bradley–Terry expectation from the two scores:
	// 1 / (1 + 10^((opponent − model) / 400)).
	Predicted float64
}

// HeadToHead returns the record of the model with the given slug against
// every other model on the board, in board order (best first), including
// those it never met (Battles 0); nil when the slug is not on the board.
func (b *RatedBoard) HeadToHead(slug string) []HeadToHead {
	self := -1
	for i, m := range b.Models {
		if m.Slug == slug {
			self = i
		}
	}
	if self < 0 {
		return nil
	}
	// One pass over the pairs: only this model's are needed, so no map of
	// every pair is built.
	rec := make(map[string]Record)
	for _, p := range b.Pairs {
		switch slug {
		case p.A:
			rec[p.B] = Record{Wins: p.AWins, Ties: p.Ties, Losses: p.BWins}
		case p.B:
			rec[p.A] = Record{Wins: p.BWins, Ties: p.Ties, Losses: p.AWins}
		}
	}
	out := make([]HeadToHead, 0, len(b.Models)-1)
	for i, m := range b.Models {
		if i == self {
			continue
		}
		r := rec[m.Slug]
		out = append(out, HeadToHead{Opponent: m, Record: r, Observed: r.WinFraction(),
			Predicted: PredictedWin(b.Models[self].Score, m.Score)})
	}
	return out
}

// PredictedWin is the chance a model scored a beats one scored b, on the
// arena's scale (base 10, 400 points), ties counted half.
func PredictedWin(a, b float64) float64 {
	return 1 / (1 + math.Pow(10, (b-a)/400))
}
