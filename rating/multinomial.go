package rating

import "math/rand/v2"

// multinomial draws "resample all battles with replacement" as counts over
// cells: Multinomial(total, weights/total).
type multinomial struct {
	weights []int
	total   int
	// owner maps each battle to its cell; set when cells are nearly as many
	// as battles (style rows), where drawing battles directly is cheaper
	// than one binomial per cell.
	owner []int32
}

// newMultinomial prepares draws over cells with the given battle counts.
func newMultinomial(weights []int) *multinomial {
	m := &multinomial{weights: weights}
	for _, w := range weights {
		m.total += w
	}
	if 4*len(weights) > m.total {
		m.owner = make([]int32, 0, m.total)
		for c, w := range weights {
			for range w {
				m.owner = append(m.owner, int32(c))
			}
		}
	}
	return m
}

// draw fills out (len(weights)) with one multinomial sample.
func (m *multinomial) draw(r *rand.Rand, out []int32) {
	clear(out)
	if m.owner != nil {
		total := uint32(m.total)
		for range m.total {
			out[m.owner[r.Uint32N(total)]]++
		}
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

// roundRand is the random source of bootstrap round i: its own PCG stream,
// so results depend on the seed only, never on how rounds meet workers.
func roundRand(seed uint64, round int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15^uint64(round)))
}
