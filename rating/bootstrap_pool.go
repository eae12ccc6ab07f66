package rating

import (
	"cmp"
	"slices"
)

// pairCells pools each cell with its seat mirror: (a, b, r) and (b, a, 1−r)
// become one cell (min, max, r seen from min) with both counts, when their
// weights agree. The seat does not enter Bradley–Terry, so a bootstrap
// round fits the same per-pair sums either way, and merging categories of
// a multinomial gives the multinomial of the merged categories: resampling
// the pooled cells draws the rounds from exactly the same distribution,
// over about half the cells.
func pairCells(cells []Cell) []Cell {
	// Each cell seen from its lower model, sorted, then runs of the same
	// cell summed: no map, and one sort of plain values.
	out := make([]Cell, len(cells))
	for i, c := range cells {
		if c.A > c.B {
			c.A, c.B, c.Result = c.B, c.A, 1-c.Result
		}
		out[i] = c
	}
	slices.SortFunc(out, func(x, y Cell) int {
		// Cells that pool keep the smallest Weight as written (0 and 1
		// both mean 1), whatever order the sort leaves them in.
		if c := comparePooled(x, y); c != 0 {
			return c
		}
		return cmp.Compare(x.Weight, y.Weight)
	})
	n := 0
	for _, c := range out {
		if n > 0 && comparePooled(out[n-1], c) == 0 {
			out[n-1].Count += c.Count
			continue
		}
		out[n] = c
		n++
	}
	return slices.Clip(out[:n])
}

// comparePooled orders cells by models, result and weight; cells equal
// under it pool.
func comparePooled(x, y Cell) int {
	if c := cmp.Compare(x.A, y.A); c != 0 {
		return c
	}
	if c := cmp.Compare(x.B, y.B); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Result, y.Result); c != 0 {
		return c
	}
	return cmp.Compare(x.weight(), y.weight())
}
