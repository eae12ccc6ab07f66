package rating

import (
	"math"
	"slices"
	"sync"
)

// DrawCache keeps one board's bootstrap draws from one computation to the
// next (see resampler): a cell whose battle count did not change draws
// exactly what it drew before, so only the cells new votes touched draw
// again. A board computed with a cache equals the board computed without
// one, bit for bit; the cache only saves the work.
//
// It holds four bytes a cell and round (about 54 MB for 300 models'
// pooled cells over 100 rounds). One computation uses it at a time;
// another that comes meanwhile computes without it. The zero value is
// ready to use.
type DrawCache struct {
	mu sync.Mutex
	// names, seed and rounds are what the draws were made for: the cells'
	// model numbers mean these names.
	names  []string
	seed   uint64
	rounds int
	// keys are the last computation's cells in their order (pairCells
	// sorts them), and keySlot where each one's draws are.
	keys    []drawKey
	keySlot []int32
	// count is the battle count each slot's draws are for, −1 while
	// they are being made (or were left unfinished); free lists the
	// slots no cell has.
	count []int
	free  []int32
	// draws holds the draws round by round, a row of stride slots each
	// (draws[round*stride+slot]), so that a round reads its row in order.
	draws  []int32
	stride int
}

// drawKey is a pooled cell, without its count; result and weight are
// never negative, so their bits sort as they do.
type drawKey struct {
	a, b int32
	r, w uint64
}

func keyOf(c Cell) drawKey {
	return drawKey{int32(c.A), int32(c.B), math.Float64bits(c.Result), math.Float64bits(c.weight())}
}

func (k drawKey) less(o drawKey) bool {
	if k.a != o.a {
		return k.a < o.a
	}
	if k.b != o.b {
		return k.b < o.b
	}
	if k.r != o.r {
		return k.r < o.r
	}
	return k.w < o.w
}

// cacheView is the cache opened for one computation's cells.
type cacheView struct {
	c     *DrawCache
	slots []int32 // per cell
	isNew []bool  // per cell: draws anew
}

// open locks the cache for a computation over cells (pooled, over the
// named models) and finds each cell's slot, or returns nil when another
// computation holds it. Close must follow.
func (d *DrawCache) open(names []string, cells []Cell, seed uint64, rounds int) *cacheView {
	if d == nil || !d.mu.TryLock() {
		return nil
	}
	if !slices.Equal(d.names, names) || d.seed != seed || d.rounds != rounds {
		// Other models (the numbers would mean others) or other
		// settings: start over.
		d.reset(names, seed, rounds)
	}
	v := &cacheView{c: d, slots: make([]int32, len(cells)), isNew: make([]bool, len(cells))}
	keys := make([]drawKey, len(cells))
	j := 0
	for i, cell := range cells {
		k := keyOf(cell)
		keys[i] = k
		// Both lists are sorted: the cells passed over are gone.
		for j < len(d.keys) && d.keys[j].less(k) {
			d.free = append(d.free, d.keySlot[j])
			j++
		}
		if j < len(d.keys) && d.keys[j] == k {
			v.slots[i] = d.keySlot[j]
			j++
		} else {
			v.slots[i] = -1
		}
	}
	missing := 0
	for ; j < len(d.keys); j++ {
		d.free = append(d.free, d.keySlot[j])
	}
	for _, s := range v.slots {
		if s < 0 {
			missing++
		}
	}
	d.reserve(missing - len(d.free))
	for i, cell := range cells {
		if v.slots[i] < 0 {
			v.slots[i] = d.alloc()
		}
		if s := v.slots[i]; d.count[s] != cell.Count {
			v.isNew[i], d.count[s] = true, -1
		}
	}
	d.keys, d.keySlot = keys, slices.Clone(v.slots)
	return v
}

// reset empties the cache for draws over the named models.
func (d *DrawCache) reset(names []string, seed uint64, rounds int) {
	d.names, d.seed, d.rounds = slices.Clone(names), seed, rounds
	d.keys, d.keySlot, d.count, d.free, d.draws, d.stride = nil, nil, nil, nil, nil, 0
}

// reserve makes room for more new slots, with some to spare, so that the
// few cells new votes open do not copy every draw each time.
func (d *DrawCache) reserve(more int) {
	n := len(d.count) + more
	if n <= d.stride {
		return
	}
	stride := n + n/8 + 256
	draws := make([]int32, d.rounds*stride)
	for r := range d.rounds {
		copy(draws[r*stride:r*stride+d.stride], d.draws[r*d.stride:(r+1)*d.stride])
	}
	d.draws, d.stride = draws, stride
}

// alloc gives a slot for a new cell: a free one, else a new one (reserve
// made room for it).
func (d *DrawCache) alloc() int32 {
	if n := len(d.free); n > 0 {
		s := d.free[n-1]
		d.free = d.free[:n-1]
		d.count[s] = -1
		return s
	}
	d.count = append(d.count, -1)
	return int32(len(d.count) - 1)
}

// stale says whether cell draws anew this computation.
func (v *cacheView) stale(cell int) bool { return v.isNew[cell] }

// set keeps cell's draw for round.
func (v *cacheView) set(cell, round int, x int32) {
	v.c.draws[round*v.c.stride+int(v.slots[cell])] = x
}

// gather copies every cell's draw for round into out.
func (v *cacheView) gather(round int, out []int32) {
	row := v.c.draws[round*v.c.stride : (round+1)*v.c.stride]
	for i, s := range v.slots {
		out[i] = row[s]
	}
}

// close records the new cells' counts when every round was drawn (done),
// and unlocks the cache. Unfinished draws stay marked as missing.
func (v *cacheView) close(cells []Cell, done bool) {
	if v == nil {
		return
	}
	if done {
		for i, cell := range cells {
			if v.isNew[i] {
				v.c.count[v.slots[i]] = cell.Count
			}
		}
	}
	v.c.mu.Unlock()
}
