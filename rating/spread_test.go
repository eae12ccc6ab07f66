package rating

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func iv(lo, hi float64) Interval { return Interval{Lower: lo, Median: (lo + hi) / 2, Upper: hi} }

func TestRankSpread(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Interval
		want []Spread
	}{
		{"separated", []Interval{iv(30, 40), iv(20, 29), iv(0, 10)}, []Spread{{1, 1}, {2, 2}, {3, 3}}},
		{"all overlap", []Interval{iv(0, 10), iv(5, 15), iv(8, 20)}, []Spread{{1, 3}, {1, 3}, {1, 3}}},
		// Middle overlaps both ends; the ends are apart.
		{"chain", []Interval{iv(20, 30), iv(15, 25), iv(10, 18)}, []Spread{{1, 2}, {1, 3}, {2, 3}}},
		// Touching: the other is not certainly ahead, and could be ahead.
		{"touching", []Interval{iv(10, 20), iv(0, 10)}, []Spread{{1, 2}, {1, 2}}},
		{"identical points", []Interval{iv(5, 5), iv(5, 5), iv(1, 1)}, []Spread{{1, 2}, {1, 2}, {3, 3}}},
		{"one model", []Interval{iv(0, 1)}, []Spread{{1, 1}}},
		{"empty", nil, []Spread{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := RankSpread(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("RankSpread (-want +got):\n%s", diff)
			}
			ub := RankUB(tc.in)
			for i, s := range got {
				if s.Best != ub[i] || s.Best > s.Worst {
					t.Errorf("model %d: spread %+v, RankUB %d", i, s, ub[i])
				}
			}
		})
	}
}

func TestTieGroups(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64
		in     []Interval
		want   [][]int
	}{
		{"separated", []float64{35, 25, 5}, []Interval{iv(30, 40), iv(20, 29), iv(0, 10)}, [][]int{{0}, {1}, {2}}},
		// Chain overlap would put all three together; 0 and 2 are apart.
		{"chain splits", []float64{25, 20, 14}, []Interval{iv(20, 30), iv(15, 25), iv(10, 18)}, [][]int{{0, 1}, {2}}},
		{"input not in score order", []float64{14, 25, 20}, []Interval{iv(10, 18), iv(20, 30), iv(15, 25)}, [][]int{{1, 2}, {0}}},
		{"all tied, equal scores by index", []float64{5, 7, 5}, []Interval{iv(0, 10), iv(2, 12), iv(1, 9)}, [][]int{{1, 0, 2}}},
		// 3 overlaps 2 but not 0, so it starts a group even though 2 and 3
		// are tied: groups are a partition, not every tie.
		{"new group at first break", []float64{30, 28, 26, 20}, []Interval{iv(27, 33), iv(22, 32), iv(21, 31), iv(15, 25)}, [][]int{{0, 1, 2}, {3}}},
		{"empty", nil, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := TieGroups(tc.scores, tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("TieGroups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGoldenSpreadAndTies checks the spread and the tie groups on the
// reference board's intervals: Best must be the reference's Rank (UB),
// Worst is counted here straight from the reference's bounds, and every
// tie group must be pairwise overlapping with each break justified.
func TestGoldenSpreadAndTies(t *testing.T) {
	_, set, g := loadGolden(t)
	n := len(set.Models)
	ci := make([]Interval, n)
	scores := make([]float64, n)
	for i, m := range set.Models {
		ci[i] = Interval{Lower: g.Bootstrap.Lower[m], Median: g.Bootstrap.Median[m], Upper: g.Bootstrap.Upper[m]}
		scores[i] = g.BT[m]
	}
	spread := RankSpread(ci)
	for i, m := range set.Models {
		behind := 0
		for _, o := range set.Models {
			if o != m && g.Bootstrap.Upper[o] < g.Bootstrap.Lower[m] {
				behind++
			}
		}
		if spread[i].Best != g.RankUB[m] || spread[i].Worst != n-behind {
			t.Errorf("%s: spread %+v, want best %d worst %d", m, spread[i], g.RankUB[m], n-behind)
		}
	}
	groups := TieGroups(scores, ci)
	seen := 0
	for gi, grp := range groups {
		for a, x := range grp {
			for _, y := range grp[a+1:] {
				if !overlap(ci[x], ci[y]) {
					t.Errorf("group %d: %s and %s do not overlap", gi, set.Models[x], set.Models[y])
				}
			}
		}
		if gi > 0 {
			first, prev := grp[0], groups[gi-1]
			broke := false
			for _, y := range prev {
				broke = broke || !overlap(ci[first], ci[y])
			}
			if !broke {
				t.Errorf("group %d starts at %s, which overlaps all of the group before", gi, set.Models[first])
			}
		}
		seen += len(grp)
		names := make([]string, len(grp))
		for k, x := range grp {
			names[k] = set.Models[x]
		}
		t.Logf("tie group %d: %v", gi+1, names)
	}
	if seen != n {
		t.Errorf("tie groups hold %d models, want %d", seen, n)
	}
}
