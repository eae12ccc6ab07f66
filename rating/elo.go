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
	r := make([]float64, n)
	for i := range r {
		r[i] = p.Initial
	}
	// Base^(d/Scale) as exp(d·ln(Base)/Scale): several times cheaper than
	// math.Pow, and within a few ulps of it.
	c := math.Log(p.Base) / p.Scale
	for _, o := range outcomes {
		ea := 1 / (1 + math.Exp(c*(r[o.B]-r[o.A])))
		d := p.K * (o.Result - ea)
		r[o.A] += d
		r[o.B] -= d
	}
	return r
}
