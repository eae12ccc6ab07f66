package rating

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPairCellsKeepPairSums: pooling seat mirrors keeps every cell's
// battles and each pair's battles and points, and leaves no pair with a
// mirrored twin.
func TestPairCellsKeepPairSums(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []Cell
		want  int // pooled cells
	}{
		{"mirrors pool", []Cell{{A: 0, B: 1, Result: 1, Count: 3}, {A: 1, B: 0, Result: 0, Count: 2}, {A: 1, B: 0, Result: 0.5, Count: 4}, {A: 0, B: 1, Result: 0.5, Count: 1}}, 2},
		{"different weights stay apart", []Cell{{A: 2, B: 0, Result: 1, Count: 5, Weight: 0.5}, {A: 0, B: 2, Result: 0, Count: 5}}, 2},
		{"one seat only", []Cell{{A: 3, B: 1, Result: 1, Count: 7}, {A: 3, B: 1, Result: 0, Count: 2}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pairCells(tc.cells)
			if len(got) != tc.want {
				t.Fatalf("pairCells gave %d cells, want %d: %+v", len(got), tc.want, got)
			}
			sums := func(cells []Cell) map[[2]int][2]float64 {
				m := map[[2]int][2]float64{}
				for _, c := range cells {
					i, j, r := c.A, c.B, c.Result
					if i > j {
						i, j, r = j, i, 1-r
					}
					s := m[[2]int{i, j}]
					s[0] += float64(c.Count) * c.weight()
					s[1] += float64(c.Count) * c.weight() * r
					m[[2]int{i, j}] = s
				}
				return m
			}
			if d := cmp.Diff(sums(tc.cells), sums(got)); d != "" {
				t.Errorf("pair sums changed (-cells +pooled):\n%s", d)
			}
			for _, c := range got {
				if c.A > c.B {
					t.Errorf("pooled cell %+v is not seen from its lower model", c)
				}
			}
		})
	}
}
