package rating

import "math"

// EloParams are the constants of the online Elo the arena has always shown.
type EloParams struct {
	K, Base, Scale, Initial float64
}

// DefaultElo is K=4, base 10, scale 400, start 1000.
var DefaultElo = EloParams{K: 4, Base: 10, Scale: 400, Initial: 1000}

// OnlineElo replays outcomes in order over n contenders and returns each rating.
func OnlineElo(n int, outcomes []Outcome, p EloParams) []float64 {
	e := NewEloReplay(n, p)
	for _, o := range outcomes {
		e.Add(o.A, o.B, o.Result)
	}
	return e.Ratings
}

// EloReplay is online Elo fed one battle at a time, for callers that walk
// their battles themselves: the same battles in the same order give
// OnlineElo's ratings to the last bit.
type EloReplay struct {
	// Ratings are the contenders' ratings after the battles added so far.
	Ratings []float64
	k, c    float64
}

// NewEloReplay starts n contenders at p.Initial.
func NewEloReplay(n int, p EloParams) *EloReplay {
	r := make([]float64, n)
	for i := range r {
		r[i] = p.Initial
	}
	// Base^(d/Scale) as exp(d·ln(Base)/Scale): several times cheaper than
	// math.Pow, and within a few ulps of it.
	return &EloReplay{Ratings: r, k: p.K, c: math.Log(p.Base) / p.Scale}
}

// Add replays one battle: a against b, result 1 when a won, 0.5 a tie, 0
// when b won.
func (e *EloReplay) Add(a, b int, result float64) {
	r := e.Ratings
	ea := 1 / (1 + math.Exp(e.c*(r[b]-r[a])))
	d := e.k * (result - ea)
	r[a] += d
	r[b] -= d
}
