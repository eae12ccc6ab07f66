package rating

import (
	"math/rand/v2"
	"sync"
)

// multinomial draws "resample all battles with replacement" as counts over
// cells: Multinomial(total, weights/total).
type multinomial struct {
	weights []int
	total   int
	// perBattle is set when cells are nearly as many as battles (style
	// rows): drawing battles directly then beats one binomial per cell.
	perBattle bool
	unit      bool // every weight is 1 (and so total = cells)
	// scratch holds *[]int32 of length total, one per concurrent draw; a
	// pointer, so that Put does not allocate a copy of the slice header.
	scratch sync.Pool
	// cond[c] draws cell c's share of the trials left; cell last takes
	// them all. Built on the first draw.
	cond []fixedBinomial
	last int
	once sync.Once
}

// newMultinomial prepares draws over cells with the given battle counts.
func newMultinomial(weights []int) *multinomial {
	m := &multinomial{weights: weights, unit: true}
	for _, w := range weights {
		m.total += w
		m.unit = m.unit && w == 1
	}
	m.perBattle = 4*len(weights) > m.total
	return m
}

// draw fills out (len(weights)) with one multinomial sample.
func (m *multinomial) draw(r *rand.Rand, out []int32) {
	clear(out)
	if m.perBattle {
		m.drawBattles(r, out)
		return
	}
	// Conditional binomials: cell c takes Binomial(left, w_c / rest) of the
	// trials not yet placed. Integer weights keep the ratios exact, and
	// they are the same in every round.
	m.once.Do(m.prepare)
	left := m.total
	for c := range m.cond {
		if left == 0 {
			break
		}
		if c == m.last {
			out[c] = int32(left)
			break
		}
		k := m.cond[c].draw(r, left)
		out[c] = int32(k)
		left -= k
	}
}

// prepare works out each cell's conditional binomial.
func (m *multinomial) prepare() {
	m.cond = make([]fixedBinomial, len(m.weights))
	m.last = len(m.weights)
	rest := m.total
	for c, w := range m.weights {
		if w == rest {
			m.last = c
			break
		}
		m.cond[c] = newFixedBinomial(float64(w) / float64(rest))
		rest -= w
	}
}

// drawBattles picks total battles uniformly with replacement, counting
// picks per battle, then sums each cell's consecutive battles. One random
// access per pick, and the fold is sequential.
func (m *multinomial) drawBattles(r *rand.Rand, out []int32) {
	total := uint32(m.total)
	if m.unit {
		// One battle per cell: the picks are the counts.
		for range m.total {
			out[r.Uint32N(total)]++
		}
		return
	}
	buf, _ := m.scratch.Get().(*[]int32)
	if buf == nil {
		picks := make([]int32, m.total)
		buf = &picks
	} else {
		clear(*buf)
	}
	picks := *buf
	for range m.total {
		picks[r.Uint32N(total)]++
	}
	i := 0
	for c, w := range m.weights {
		var k int32
		for _, p := range picks[i : i+w] {
			k += p
		}
		out[c] = k
		i += w
	}
	m.scratch.Put(buf)
}

// roundRand is the random source of bootstrap round i: its own PCG stream,
// so results depend on the seed only, never on how rounds meet workers.
func roundRand(seed uint64, round int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15^uint64(round)))
}
