package rating

import "sort"

// Cell is one distinct (A, B, Result) combination with the number of
// battles that ended that way. Fitting on cells instead of battles is what
// makes a fit and a bootstrap round cost O(cells) rather than O(battles).
type Cell struct {
	A, B   int
	Result float64
	Count  int
}

// Cells aggregates outcomes into distinct cells, ordered by (A, B, Result)
// so the same battles in any order give the same cells.
func Cells(outcomes []Outcome) []Cell {
	type key struct {
		a, b int
		r    float64
	}
	index := make(map[key]int)
	var cells []Cell
	for _, o := range outcomes {
		k := key{o.A, o.B, o.Result}
		i, ok := index[k]
		if !ok {
			i = len(cells)
			index[k] = i
			cells = append(cells, Cell{A: o.A, B: o.B, Result: o.Result})
		}
		cells[i].Count++
	}
	sort.Slice(cells, func(i, j int) bool {
		x, y := cells[i], cells[j]
		if x.A != y.A {
			return x.A < y.A
		}
		if x.B != y.B {
			return x.B < y.B
		}
		return x.Result < y.Result
	})
	return cells
}

// BattleCounts returns how many battles each of n contenders took part in.
func BattleCounts(n int, outcomes []Outcome) []int {
	c := make([]int, n)
	for _, o := range outcomes {
		c[o.A]++
		c[o.B]++
	}
	return c
}
