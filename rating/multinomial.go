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
	scratch   sync.Pool // []int32 of length total, per concurrent draw
}

// newMultinomial prepares draws over cells with the given battle counts.
func newMultinomial(weights []int) *multinomial {
	m := &multinomial{weights: weights}
	for _, w := range weights {
		m.total += w
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
	// trials not yet placed. Integer weights keep the ratios exact.
	left, rest := m.total, m.total
	for c, w := range m.weights {
		if left == 0 {
			break
		}
		if w == rest {
			out[c] = int32(left)
			break
		}
		k := binomial(r, left, float64(w)/float64(rest))
		out[c] = int32(k)
		left -= k
		rest -= w
	}
}

// drawBattles picks total battles uniformly with replacement, counting
// picks per battle, then sums each cell's consecutive battles. One random
// access per pick, and the fold is sequential.
func (m *multinomial) drawBattles(r *rand.Rand, out []int32) {
	picks, _ := m.scratch.Get().([]int32)
	if picks == nil {
		picks = make([]int32, m.total)
	} else {
		clear(picks)
	}
	total := uint32(m.total)
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
	m.scratch.Put(picks)
}

// roundRand is the random source of bootstrap round i: its own PCG stream,
// so results depend on the seed only, never on how rounds meet workers.
func roundRand(seed uint64, round int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15^uint64(round)))
}
