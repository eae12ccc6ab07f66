package rating

import (
	"context"
	"math"
)

// StyleSource gives the style counts of each battle, battle i going with
// outcome i. A caller that keeps the counts in a compact form of its own
// implements it, so that a fit over millions of battles never holds them
// as a []StyleCounts (64 bytes a battle): the fit reads each battle's
// counts a few times, in order, and keeps only its pooled rows.
type StyleSource interface {
	Len() int
	Counts(i int) StyleCounts
}

// StyleList is a StyleSource over counts held in a slice.
type StyleList []StyleCounts

// Len is the number of battles.
func (l StyleList) Len() int { return len(l) }

// Counts are battle i's counts.
func (l StyleList) Counts(i int) StyleCounts { return l[i] }

// ComputeBoardFrom is ComputeBoard with the style counts read from a
// StyleSource (nil when there are none).
func ComputeBoardFrom(ctx context.Context, models []string, outcomes []Outcome, style StyleSource, opt Options) (*Board, error) {
	return computeBoard(ctx, models, outcomes, style, opt)
}

// styleLen is the number of battles a source gives, 0 for none.
func styleLen(style StyleSource) int {
	if style == nil {
		return 0
	}
	return style.Len()
}

// styleNorm is the normalisation StyleFeatures z-scores with, computed in
// two passes over the battles without keeping their ratios: each ratio is
// computed again, to the same bits, where it is needed.
func styleNorm(style StyleSource) StyleNormalisation {
	var norm StyleNormalisation
	m := styleLen(style)
	if m == 0 {
		return norm
	}
	var sum, ss [NumStyleFeatures]float64
	for i := range m {
		s := style.Counts(i)
		for k := range NumStyleFeatures {
			sum[k] += styleRatio(s.A[k], s.B[k])
		}
	}
	n := float64(m)
	for k := range NumStyleFeatures {
		norm.Mean[k] = sum[k] / n
	}
	for i := range m {
		s := style.Counts(i)
		for k := range NumStyleFeatures {
			d := styleRatio(s.A[k], s.B[k]) - norm.Mean[k]
			ss[k] += d * d
		}
	}
	for k := range NumStyleFeatures {
		norm.Std[k] = math.Sqrt(ss[k] / n)
	}
	return norm
}

// features are one battle's z-scored style features.
func (norm *StyleNormalisation) features(s *StyleCounts) [NumStyleFeatures]float64 {
	var f [NumStyleFeatures]float64
	for k := range NumStyleFeatures {
		// A constant feature carries no information; zero keeps it out.
		if norm.Std[k] == 0 {
			continue
		}
		f[k] = (styleRatio(s.A[k], s.B[k]) - norm.Mean[k]) / norm.Std[k]
	}
	return f
}
