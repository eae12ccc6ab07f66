package rating

import (
	"math"
	"slices"
)

// Estimate is one model's score in one snapshot of the board, with its
// standard error on the same scale.
type Estimate struct {
	Score, SE float64
}

// IntervalSE turns a level-coverage interval into a standard error: the
// half-width divided by the normal quantile (1.96 at 95%). A bootstrap
// interval need not be symmetric; its average half-width is used.
func IntervalSE(iv Interval, level float64) float64 {
	return (iv.Upper - iv.Lower) / 2 / normalQuantile((1+level)/2)
}

// ScoreChange says whether a model's score moved between two snapshots by
// more than chance.
type ScoreChange struct {
	// Delta is after − before, in score points.
	Delta float64
	// Z is Delta over sqrt(SE_before² + SE_after²); P its two-sided
	// p-value.
	Z, P float64
	// PAdjusted is the Holm–Bonferroni adjusted p-value across all the
	// models compared, and Significant says PAdjusted ≤ alpha.
	PAdjusted   float64
	Significant bool
}

// ScoreChanges tests, for each model, whether its score changed between
// two snapshots: before[i] and after[i] must be the same model. A
// two-sided z-test on the difference, with Holm–Bonferroni correction
// across models, so that with a hundred models the board does not flag
// five of them by chance alone at alpha = 0.05.
//
// The test treats the two snapshots as independent. Later snapshots
// mostly reuse the same votes, so the true standard error of a difference
// is smaller: the test is conservative, and a change it flags is real. A
// zero standard error on both sides makes any nonzero change significant.
func ScoreChanges(before, after []Estimate, alpha float64) []ScoreChange {
	n := min(len(before), len(after))
	out := make([]ScoreChange, n)
	for i := range n {
		d := after[i].Score - before[i].Score
		se := math.Hypot(before[i].SE, after[i].SE)
		c := ScoreChange{Delta: d, P: 1}
		switch {
		case se > 0:
			c.Z = d / se
			c.P = math.Erfc(math.Abs(c.Z) / math.Sqrt2)
		case d != 0:
			c.Z, c.P = math.Copysign(math.Inf(1), d), 0
		}
		out[i] = c
	}
	holm(out, alpha)
	return out
}

// holm fills PAdjusted and Significant by Holm's step-down procedure: the
// k-th smallest of m p-values is multiplied by m−k+1, made monotone and
// capped at 1; rejections stop at the first adjusted value above alpha.
func holm(cs []ScoreChange, alpha float64) {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case cs[a].P < cs[b].P:
			return -1
		case cs[a].P > cs[b].P:
			return 1
		}
		return 0
	})
	m := float64(len(cs))
	running := 0.0
	for k, i := range order {
		running = max(running, min(1, (m-float64(k))*cs[i].P))
		cs[i].PAdjusted = running
		cs[i].Significant = running <= alpha
	}
}
