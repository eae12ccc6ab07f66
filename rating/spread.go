package rating

import (
	"cmp"
	"slices"
)

// Spread is the range of places a model could hold given the intervals.
type Spread struct {
	// Best is 1 + the number of other models whose lower bound is strictly
	// above this model's upper bound: the models certainly ahead. It is
	// Rank (UB), the arena's published rank.
	Best int
	// Worst is the number of models minus those certainly behind, a model
	// j being certainly behind when its upper bound is strictly below this
	// model's lower bound: Worst = 1 + #{j ≠ i : Upper_j ≥ Lower_i}.
	// Touching intervals (Upper_j = Lower_i) count as "could be ahead",
	// mirroring Best, where they do not count as "certainly ahead".
	Worst int
}

// RankSpread gives each model its best and worst rank consistent with the
// intervals, so a reader sees "somewhere between 2nd and 5th" rather than
// one number that hides the uncertainty. Best ≤ Worst always holds, and two
// models with identical zero-width intervals get places 1 and 2 both.
// O(n²) over n models.
func RankSpread(intervals []Interval) []Spread {
	out := make([]Spread, len(intervals))
	for i, me := range intervals {
		out[i] = Spread{Best: 1, Worst: 1}
		for j, other := range intervals {
			if j == i {
				continue
			}
			if other.Lower > me.Upper {
				out[i].Best++
			}
			if other.Upper >= me.Lower {
				out[i].Worst++
			}
		}
	}
	return out
}

// overlap reports whether two closed intervals meet, i.e. neither model is
// certainly ahead of the other in the sense of RankUB.
func overlap(x, y Interval) bool { return x.Lower <= y.Upper && y.Lower <= x.Upper }

// TieGroups splits the models into groups of statistical ties, returned as
// indices into scores (and intervals), best first, each group in score
// order (higher score first, lower index first on equal scores).
//
// Rule: walk the models from the highest score down; a model joins the
// current group when its interval overlaps the interval of every model
// already in the group, and otherwise starts a new group. So within a
// group no model is certainly ahead of another (in RankUB's sense), and
// the first model of each new group is certainly behind at least one model
// of the group before it.
//
// Why not chain overlap (join when overlapping the previous model only)?
// Chains make A≈B and B≈C into one group even when A is clearly above C,
// and on a crowded board everything ends up in one group. Requiring every
// pair in a group to overlap is the property a reader expects from "tied";
// the top-down sweep makes the partition unique and matches how a reader
// scans a board. O(n·g) for n models and groups of size up to g.
func TieGroups(scores []float64, intervals []Interval) [][]int {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	var groups [][]int
	var cur []int
	for _, m := range order {
		joins := len(cur) > 0
		for _, g := range cur {
			if !overlap(intervals[m], intervals[g]) {
				joins = false
				break
			}
		}
		if !joins && len(cur) > 0 {
			groups = append(groups, cur)
			cur = nil
		}
		cur = append(cur, m)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}
