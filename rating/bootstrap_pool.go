package rating

import "sort"

// pairCells pools each cell with its seat mirror: (a, b, r) and (b, a, 1−r)
// become one cell (min, max, r seen from min) with both counts, when their
// weights agree. The seat does not enter Bradley–Terry, so a bootstrap
// round fits the same per-pair sums either way, and merging categories of
// a multinomial gives the multinomial of the merged categories: resampling
// the pooled cells draws the rounds from exactly the same distribution,
// over about half the cells.
func pairCells(cells []Cell) []Cell {
	type key struct {
		a, b int
		r, w float64
	}
	index := make(map[key]int, len(cells))
	out := make([]Cell, 0, len(cells))
	for _, c := range cells {
		k := key{c.A, c.B, c.Result, c.weight()}
		if k.a > k.b {
			k.a, k.b, k.r = k.b, k.a, 1-k.r
		}
		if i, ok := index[k]; ok {
			out[i].Count += c.Count
			continue
		}
		index[k] = len(out)
		out = append(out, Cell{A: k.a, B: k.b, Result: k.r, Count: c.Count, Weight: c.Weight})
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.A != y.A {
			return x.A < y.A
		}
		if x.B != y.B {
			return x.B < y.B
		}
		if x.Result != y.Result {
			return x.Result < y.Result
		}
		return x.weight() < y.weight()
	})
	return out
}
