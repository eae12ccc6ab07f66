package rating

import "fmt"

// checkCells rejects cells and Elo ratings that do not fit the named
// models, as checkInput does for battles.
func checkCells(models []string, cells []Cell, elo []float64, opt Options) error {
	if len(elo) != len(models) {
		return fmt.Errorf("rating: %d online Elo ratings for %d models", len(elo), len(models))
	}
	for i, c := range cells {
		if c.A < 0 || c.A >= len(models) || c.B < 0 || c.B >= len(models) || c.A == c.B {
			return fmt.Errorf("rating: cell %d: bad models %d and %d for %d names", i, c.A, c.B, len(models))
		}
		if c.Result != 0 && c.Result != 0.5 && c.Result != 1 {
			return fmt.Errorf("rating: cell %d: result %v, want 0, 0.5 or 1", i, c.Result)
		}
		if c.Count <= 0 {
			return fmt.Errorf("rating: cell %d: count %d, want at least 1", i, c.Count)
		}
	}
	if opt.StyleControl {
		return fmt.Errorf("rating: style control needs the battles, not cells")
	}
	return nil
}

// cellCounts is BattleCounts over cells, with the number of battles.
func cellCounts(n int, cells []Cell) (counts []int, battles int) {
	counts = make([]int, n)
	for _, c := range cells {
		counts[c.A] += c.Count
		counts[c.B] += c.Count
		battles += c.Count
	}
	return counts, battles
}

// activeCells is activeModels over cells: the models that fought and the
// cells renumbered over them. The renumbering keeps the model order, so
// cells sorted as Cells sorts them stay so.
func activeCells(counts []int, cells []Cell) (active []int, local []Cell) {
	active, pos := activePositions(counts)
	if len(active) == len(counts) {
		return active, cells
	}
	local = make([]Cell, len(cells))
	for i, c := range cells {
		c.A, c.B = pos[c.A], pos[c.B]
		local[i] = c
	}
	return active, local
}
