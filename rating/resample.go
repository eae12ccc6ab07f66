package rating

import (
	"math"
	"math/rand/v2"
	"slices"
)

// resampler draws "resample all battles with replacement" over pooled
// cells: the multinomial Multinomial(total, count_c / total) of each
// round, in two steps.
//
// First every cell draws Poisson(count_c), independently of every other
// cell and from a random stream of its own, fixed by the seed, the cell,
// its count and the round. Given their sum t, such counts are exactly a
// multinomial of t trials over the cells.
//
// Then the round is made to total exactly: when t > total, t − total of
// the t trials, chosen uniformly without replacement, are taken away; when
// t < total, total − t more trials are drawn from the cells in proportion
// to their counts. Either leaves a multinomial of total trials, so the
// round has exactly the distribution of the conditional-binomial draw,
// and the correction moves only about √total trials.
//
// What the first step draws for a cell depends on nothing but the cell and
// its count, so a DrawCache can keep it from one computation of a board to
// the next: under voting only the cells the new votes touched draw again.
type resampler struct {
	cells []Cell
	total int
	seed  uint64
	// cache is nil for a board computed once; else it holds the draws of
	// the cells not stale, and the stale cells write theirs into it.
	cache *cacheView
	// stale lists the cells that draw this time (every cell without a
	// cache), with their samplers and random streams' keys.
	stale []staleCell
}

// staleCell is a cell whose Poisson draws are made this computation.
type staleCell struct {
	cell int
	key  uint64
	p    poissonDraw
}

// newResampler prepares resampling over pooled cells; cache may be nil.
func newResampler(cells []Cell, seed uint64, cache *cacheView) *resampler {
	rs := &resampler{cells: cells, seed: seed, cache: cache}
	for c, cell := range cells {
		rs.total += cell.Count
		if cache == nil || cache.stale(c) {
			rs.stale = append(rs.stale, staleCell{cell: c, key: cellKey(seed, cell), p: newPoisson(float64(cell.Count))})
		}
	}
	return rs
}

// cellKey fixes a cell's random streams: the seed, the cell and its count
// (a cell whose count changed draws anew, independently of before).
func cellKey(seed uint64, c Cell) uint64 {
	h := mix64(seed ^ 0x6a09e667f3bcc909)
	h = mix64(h ^ uint64(c.A)<<32 ^ uint64(c.B))
	h = mix64(h ^ math.Float64bits(c.Result))
	h = mix64(h ^ math.Float64bits(c.weight()))
	return mix64(h ^ uint64(c.Count))
}

// mix64 is SplitMix64's finaliser: every input bit moves about half the
// output bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// draw fills out (one count per cell) with round's resample. Rounds may
// be drawn at once on different goroutines; each writes only its own
// round's draws into the cache.
func (rs *resampler) draw(round int, out []int32, buf *[]int) {
	var src rand.PCG
	for i := range rs.stale {
		s := &rs.stale[i]
		src.Seed(s.key, uint64(round))
		v := s.p.draw(&src)
		if rs.cache != nil {
			rs.cache.set(s.cell, round, v)
		} else {
			out[s.cell] = v
		}
	}
	if rs.cache != nil {
		rs.cache.gather(round, out)
	}
	rs.correct(roundRand(rs.seed, round), out, buf)
}

// correct takes trials away from, or adds trials to, out until it holds
// exactly rs.total, as the type's comment says.
func (rs *resampler) correct(r *rand.Rand, out []int32, buf *[]int) {
	t := 0
	for _, v := range out {
		t += int(v)
	}
	switch {
	case t > rs.total:
		pos := distinctSorted(r, t-rs.total, t, buf)
		walk(pos, func(c int) int { return int(out[c]) }, len(out), func(c, k int) { out[c] -= int32(k) })
	case t < rs.total:
		pos := sortedUniform(r, rs.total-t, rs.total, buf)
		walk(pos, func(c int) int { return rs.cells[c].Count }, len(out), func(c, k int) { out[c] += int32(k) })
	}
}

// walk lays n cells of the given sizes end to end and tells hit how many
// of the sorted positions fall in each cell that has any.
func walk(pos []int, size func(c int) int, n int, hit func(c, k int)) {
	j, end := 0, 0
	for c := 0; c < n && j < len(pos); c++ {
		end += size(c)
		k := 0
		for j < len(pos) && pos[j] < end {
			j++
			k++
		}
		if k > 0 {
			hit(c, k)
		}
	}
}

// sortedUniform is k positions drawn uniformly from [0, n) with
// replacement, sorted, in *buf's storage.
func sortedUniform(r *rand.Rand, k, n int, buf *[]int) []int {
	pos := (*buf)[:0]
	for range k {
		pos = append(pos, r.IntN(n))
	}
	slices.Sort(pos)
	*buf = pos
	return pos
}

// distinctSorted is k distinct positions of [0, n) (k <= n), every set of
// k equally likely, sorted, in *buf's storage: uniform draws, with
// repeats thrown out and drawn again.
func distinctSorted(r *rand.Rand, k, n int, buf *[]int) []int {
	pos := (*buf)[:0]
	for len(pos) < k {
		for len(pos) < k {
			pos = append(pos, r.IntN(n))
		}
		slices.Sort(pos)
		pos = slices.Compact(pos)
	}
	*buf = pos
	return pos
}
