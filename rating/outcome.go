// Package rating turns pairwise outcomes into ratings, intervals and ranks.
// It is pure: standard library only, no clock, deterministic for a given seed.
package rating

// Outcome is one battle between contender indices A and B.
// Result is 1 when A won, 0 when B won and 0.5 for a tie of either kind.
type Outcome struct {
	A, B   int
	Result float64
}
