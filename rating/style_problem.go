package rating

import "math"

// styleProblem holds the style-controlled fit's data as distinct rows.
// Battles with the same pair and features pool into one row; (b, a, −f)
// is the same row as (a, b, f) with the outcome flipped, so rows are
// stored with a < b. A row keeps its battle counts per outcome so a
// bootstrap can still resample battles; the fit needs only the row's
// battle total W and points S, its sufficient statistics.
type styleProblem struct {
	n    int // models
	a, b []int32
	feat [][NumStyleFeatures]float64
	// counts[r] are the battles of row r won by b, tied, and won by a.
	counts [][3]int32
	w, s   []float64
	total  float64
	active []int32 // rows with w > 0, in order
	// cellRow and cellScore map a bootstrap's cells to rows (listCells);
	// built once and shared by copies of the problem.
	cellRow   []int32
	cellScore []float64
}

// newStyleProblem pools battles into rows. It takes over feats' storage
// for the rows' features: row r is written only once battle r ≥ it has
// been read, and a million battles' features are 32 MB of fresh memory
// otherwise.
func newStyleProblem(n int, outcomes []Outcome, feats [][NumStyleFeatures]float64) *styleProblem {
	p := &styleProblem{
		n: n, a: make([]int32, 0, len(outcomes)), b: make([]int32, 0, len(outcomes)),
		feat: feats[:0], counts: make([][3]int32, 0, len(outcomes)),
	}
	table := newRowTable(len(outcomes))
	for i, o := range outcomes {
		a, b, f, res := int32(o.A), int32(o.B), feats[i], o.Result
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
		p.counts[r][outcomeSlot(res)]++
	}
	p.w = make([]float64, len(p.a))
	p.s = make([]float64, len(p.a))
	p.fillFromCounts(nil)
	return p
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
func (t *rowTable) find(p *styleProblem, a, b int32, f *[NumStyleFeatures]float64) int32 {
	h := uint64(a)<<32 | uint64(uint32(b))
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
			p.feat = append(p.feat, *f)
			p.counts = append(p.counts, [3]int32{})
			return r
		}
		if p.a[r] == a && p.b[r] == b && p.feat[r] == *f {
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
	for r, k := range p.counts {
		p.w[r] = float64(k[0] + k[1] + k[2])
		p.s[r] = float64(k[1])/2 + float64(k[2])
		p.total += p.w[r]
	}
	p.listActive()
}

// listActive lists the rows with battles, in order. A bootstrap round
// leaves about a third of the rows empty, at random; a pass that skipped
// them by testing each row would mispredict that test a third of the time.
func (p *styleProblem) listActive() {
	if cap(p.active) < len(p.w) {
		p.active = make([]int32, len(p.w))
	}
	active := p.active[:len(p.w)]
	n := 0
	for r, w := range p.w {
		active[n] = int32(r)
		inc := 0
		if w != 0 {
			inc = 1
		}
		n += inc
	}
	p.active = active[:n]
}

// fillFromCells is fillFromCounts for a bootstrap round: one branch-free
// step per cell. The sums are of small integers and halves, so they are
// exact in any order.
func (p *styleProblem) fillFromCells(cellCounts []int32) {
	if p.cellRow == nil {
		p.listCells()
	}
	clear(p.w)
	clear(p.s)
	total := 0
	for c, k := range cellCounts {
		r := p.cellRow[c]
		p.w[r] += float64(k)
		p.s[r] += float64(k) * p.cellScore[c]
		total += int(k)
	}
	p.total = float64(total)
	p.listActive()
}

// listCells records each cell's row and points per battle (b won 0, tie
// ½, a won 1), in cellWeights order.
func (p *styleProblem) listCells() {
	cells := 0
	for _, rc := range p.counts {
		for _, n := range rc {
			if n > 0 {
				cells++
			}
		}
	}
	p.cellRow = make([]int32, 0, cells)
	p.cellScore = make([]float64, 0, cells)
	for r, rc := range p.counts {
		for slot, n := range rc {
			if n > 0 {
				p.cellRow = append(p.cellRow, int32(r))
				p.cellScore = append(p.cellScore, float64(slot)/2)
			}
		}
	}
}

// cellWeights lists the battle count of every non-empty (row, outcome)
// cell, in the order fillFromCounts reads them back.
func (p *styleProblem) cellWeights() []int {
	var w []int
	for _, rc := range p.counts {
		for _, n := range rc {
			if n > 0 {
				w = append(w, int(n))
			}
		}
	}
	return w
}
