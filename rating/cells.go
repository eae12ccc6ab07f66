package rating

import "sort"

// Cell is one distinct (A, B, Result) combination with the number of
// battles that ended that way. Fitting on cells instead of battles is what
// makes a fit and a bootstrap round cost O(cells) rather than O(battles).
type Cell struct {
	A, B   int
	Result float64
	Count  int
	// Weight multiplies each of the cell's battles in the likelihood; zero
	// means 1. ReweightCells sets it; a bootstrap resamples Count and keeps
	// Weight, as arena-rank does.
	Weight float64
}

// weight is the cell's per-battle weight, 1 when unset.
func (c Cell) weight() float64 {
	if c.Weight == 0 {
		return 1
	}
	return c.Weight
}

// Cells aggregates outcomes into distinct cells, ordered by (A, B, Result)
// so the same battles in any order give the same cells.
func Cells(outcomes []Outcome) []Cell {
	n := 0
	for _, o := range outcomes {
		n = max(n, o.A+1, o.B+1)
	}
	var cells []Cell
	if n <= MaxCounterModels {
		cells = denseCells(n, outcomes)
	} else {
		cells = sparseCells(outcomes)
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

// denseCells counts into an n×n×3 array: for up to ~1000 models that is
// far cheaper than hashing a million battles, and comes out sorted.
func denseCells(n int, outcomes []Outcome) []Cell {
	c := NewCellCounter(n)
	for _, o := range outcomes {
		c.Add(o.A, o.B, o.Result)
	}
	return c.Cells()
}

// MaxCounterModels is the most models a CellCounter takes: its table has
// 3·n² counts.
const MaxCounterModels = 1 << 10

// CellCounter counts battles into cells one at a time, for callers that
// walk their battles themselves; Cells then gives what Cells gives for
// the same battles. It takes at most MaxCounterModels models.
type CellCounter struct {
	n      int
	counts []int
}

// NewCellCounter counts over n models (n ≤ MaxCounterModels).
func NewCellCounter(n int) *CellCounter {
	return &CellCounter{n: n, counts: make([]int, n*n*3)}
}

// Add counts one battle of a against b with a's result (0, 0.5 or 1).
func (c *CellCounter) Add(a, b int, result float64) {
	c.counts[(a*c.n+b)*3+outcomeSlot(result)]++
}

// Cells lists the cells counted, ordered by (A, B, Result).
func (c *CellCounter) Cells() []Cell {
	n := 0
	for _, cnt := range c.counts {
		if cnt > 0 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	// Sized once: grown by appends the list would be allocated several
	// times over on each computation.
	cells := make([]Cell, 0, n)
	for k, cnt := range c.counts {
		if cnt > 0 {
			ab, slot := k/3, k%3
			cells = append(cells, Cell{A: ab / c.n, B: ab % c.n, Result: float64(slot) / 2, Count: cnt})
		}
	}
	return cells
}

// sparseCells counts with a map, for boards with very many models.
func sparseCells(outcomes []Outcome) []Cell {
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
