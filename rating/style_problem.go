package rating

import (
	"fmt"
	"math"
)

// styleProblem holds the style-controlled fit's data as distinct rows.
// Battles with the same pair and features pool into one row; (b, a, −f)
// is the same row as (a, b, f) with the outcome flipped, so rows are
// stored with a < b. A row keeps its battle counts per outcome so a
// bootstrap can still resample battles; the fit needs only the row's
// battle total W and points S, its sufficient statistics. At scale
// nearly every battle is a row of its own, so a row's bytes are what the
// fit costs a battle (see style_rows.go): W and twice S are kept as
// integers (exact), narrowed (see rowWeights).
type styleProblem struct {
	n    int // models, at most maxStyleModels
	a, b []uint16
	cols [NumStyleFeatures]featColumn
	// counts are the battles of each row won by b, tied, and won by a.
	counts rowCounts
	w      rowWeights
	total  float64
	// active has bit r%64 of word r/64 set for each row r with w > 0: a
	// bootstrap round leaves about a third of the rows empty, and a bit a
	// row is a 32nd of what a list of their indices would take.
	active []uint64
}

// maxStyleModels is the most models a style fit takes: a row names its
// two in two bytes each, and the fit's Hessian, (models+4)² floats, would
// take 34 GB at that many anyway.
const maxStyleModels = 1 << 16

func checkStyleModels(n int) error {
	if n > maxStyleModels {
		return fmt.Errorf("rating: style control takes at most %d models, got %d", maxStyleModels, n)
	}
	return nil
}

// newStyleProblem pools battles into rows, z-scoring their style counts
// with norm.
func newStyleProblem(n int, battles Battles, norm *StyleNormalisation) *styleProblem {
	m := battles.Len()
	p := &styleProblem{
		n: n, a: make([]uint16, 0, m), b: make([]uint16, 0, m),
		counts: rowCounts{small: make([][3]uint8, 0, m)},
	}
	for k := range p.cols {
		p.cols[k] = newFeatColumn(m, k > 0)
	}
	table := newRowTable(m)
	for i := range m {
		o, counts := battles.Battle(i)
		a, b, f, res := uint16(o.A), uint16(o.B), norm.features(&counts), o.Result
		if a > b {
			a, b, res = b, a, 1-res
			for k := range f {
				f[k] = -f[k]
			}
		}
		for k := range f {
			f[k] += 0 // folds −0 into 0 so equal rows compare equal
		}
		r := table.find(p, a, b, &f)
		p.counts.add(r, outcomeSlot(res))
	}
	p.clip()
	p.w = newRowWeights(len(p.a))
	p.fillFromCounts(nil)
	return p
}

// clip drops what only pooling needs, and the room reserved for a row
// per battle when pooling left far fewer rows.
func (p *styleProblem) clip() {
	p.a, p.b, p.counts.small = clipped(p.a), clipped(p.b), clipped(p.counts.small)
	for k := range p.cols {
		p.cols[k].done()
	}
}

// rowFeat is row r's features.
func (p *styleProblem) rowFeat(r int32) [NumStyleFeatures]float64 {
	return [NumStyleFeatures]float64{p.cols[0].at(r), p.cols[1].at(r), p.cols[2].at(r), p.cols[3].at(r)}
}

// rowTable is an open-addressing hash index from (a, b, features) to a
// row. A Go map with a 40-byte key costs several times more per battle,
// and pooling runs once per fit over every battle.
type rowTable struct {
	slots []int32 // row+1, 0 for empty
	mask  uint64
}

func newRowTable(n int) *rowTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &rowTable{slots: make([]int32, size), mask: uint64(size - 1)}
}

// find returns the row for (a, b, f), appending a new one to p if absent.
func (t *rowTable) find(p *styleProblem, a, b uint16, f *[NumStyleFeatures]float64) int32 {
	h := uint64(a)<<32 | uint64(b)
	for _, v := range f {
		h = (h ^ math.Float64bits(v)) * 0x9e3779b97f4a7c15
		h ^= h >> 29
	}
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		r := t.slots[i] - 1
		if r < 0 {
			r = int32(len(p.a))
			t.slots[i] = r + 1
			p.a = append(p.a, a)
			p.b = append(p.b, b)
			for k := range p.cols {
				p.cols[k].add(f[k])
			}
			p.counts.grow()
			return r
		}
		if p.a[r] == a && p.b[r] == b && p.rowFeat(r) == *f {
			return r
		}
	}
}

// outcomeSlot maps a result to its index in a row's counts.
func outcomeSlot(res float64) int {
	switch res {
	case 0:
		return 0
	case 1:
		return 2
	}
	return 1
}

// fillFromCounts sets W and S per row from the row counts, or from cell
// counts drawn by a bootstrap round (cells as listed by cellWeights).
func (p *styleProblem) fillFromCounts(cellCounts []int32) {
	p.total = 0
	if cellCounts != nil {
		p.fillFromCells(cellCounts)
		return
	}
	for r := range p.counts.len() {
		k := p.counts.at(r)
		w := uint32(k[0] + k[1] + k[2])
		p.w.set(r, w, uint32(k[1]+2*k[2]))
		p.total += float64(w)
	}
	p.listActive()
}

// listActive marks the rows with battles in active. A pass over them
// visits the set bits in order (see pass), rather than testing each row:
// a round leaves a third of the rows empty, at random, and a test per row
// would mispredict a third of the time.
func (p *styleProblem) listActive() {
	packed := p.w.packed
	words := (len(packed) + 63) / 64
	if cap(p.active) < words {
		p.active = make([]uint64, words)
	}
	active := p.active[:words]
	for i := range active {
		var word uint64
		// A row's packed weights are 0 exactly when W is: S ≤ 2W.
		for k, v := range packed[i*64 : min(i*64+64, len(packed))] {
			word |= uint64(b2u(v != 0)) << k
		}
		active[i] = word
	}
	p.active = active
}

// fillFromCells is fillFromCounts for a bootstrap round, given the
// round's count of every cell cellWeights lists. Each row takes its cells
// from its own counts, without branching on which are listed, so the
// problem needs no list of the cells' rows (5 bytes a row). The sums are
// of small integers, so they are exact in any order.
func (p *styleProblem) fillFromCells(cellCounts []int32) {
	last := len(cellCounts) - 1
	c, total := 0, uint64(0)
	for r := range p.counts.len() {
		k := p.counts.at(r)
		var w, s2 uint32
		for slot := range uint32(3) {
			listed := b2u(k[slot] != 0)
			d := uint32(cellCounts[min(c, last)]) * listed
			w += d
			s2 += d * slot
			c += int(listed)
		}
		p.w.set(r, w, s2)
		total += uint64(w)
	}
	p.total = float64(total)
	p.listActive()
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// cellWeights lists the battle count of every non-empty (row, outcome)
// cell, in the order fillFromCounts reads them back.
func (p *styleProblem) cellWeights() []int {
	w := make([]int, 0, p.cells())
	for r := range p.counts.len() {
		for _, n := range p.counts.at(r) {
			if n > 0 {
				w = append(w, int(n))
			}
		}
	}
	return w
}

// cells is the number of non-empty (row, outcome) cells.
func (p *styleProblem) cells() int {
	cells := 0
	for r := range p.counts.len() {
		for _, n := range p.counts.at(r) {
			if n > 0 {
				cells++
			}
		}
	}
	return cells
}
