package rating

import (
	"cmp"
	"math"
	"slices"
)

// greedy flips votes until the leader falls, and returns how many it
// flipped (−1 if it ran out of useful flips) and the net flips per pair.
//
// Each step linearises the fit at the current optimum: reversing one vote
// on pair (i, j) moves the gap θ_leader − θ_c by α·(u_i − u_j) per vote,
// with u = H⁻¹(e_leader − e_c) and H the Hessian of the negative
// log-likelihood (one Newton step from the optimum). For every challenger
// c it ranks the flips on pairs that involve the leader or c by how much
// each closes the gap, and counts how many of the best it would take to
// close it. It follows the challenger needing the fewest, applies the
// best flips that close half of its gap (at least one) and refits,
// warm-started. Halving keeps it from overshooting where the effect of
// flips wears off; the steps grow with the log of the answer plus a short
// tail of single flips.
//
// A pair is only ever flipped one way, so the search ends after at most
// as many flips as there are decisive votes. Per step: one n×n Cholesky
// factorisation and n solves, O(n³), plus O(pairs) for the Hessian and
// O(n·degree·log degree) to rank candidates: about 60M operations and
// a refit at 300 models.
func (b *flipBoard) greedy() (int, []int, error) {
	d := make([]int, len(b.cells)/3)
	theta := append([]float64(nil), b.theta0...)
	total := 0
	ws := newGreedyWork(b.n)
	for !b.dethroned(theta) {
		moves := b.bestMoves(theta, d, ws)
		if len(moves) == 0 {
			return -1, nil, nil
		}
		for _, m := range moves {
			d[m.pair] += m.sign * m.count
			total += m.count
		}
		if err := b.fit(d, theta); err != nil {
			return 0, nil, err
		}
	}
	return total, d, nil
}

// move is count flips on a pair: sign +1 turns pj's wins into pi's.
type move struct {
	pair, sign, count int
	gain              float64 // gap closed per flip, by the linearisation
}

// greedyWork holds the greedy search's buffers.
type greedyWork struct {
	h, u []float64
	cand []move
}

func newGreedyWork(n int) *greedyWork {
	return &greedyWork{h: make([]float64, n*n), u: make([]float64, n)}
}

// bestMoves returns the flips to apply next, none when no flip helps any
// challenger. b.prob holds the data at theta.
func (b *flipBoard) bestMoves(theta []float64, d []int, ws *greedyWork) []move {
	n, t := b.n, b.leader
	if err := b.hessian(theta, ws.h); err != nil {
		return nil
	}
	var best []move
	bestNeed := math.MaxInt
	for c := range n {
		if c == t {
			continue
		}
		clear(ws.u)
		ws.u[t], ws.u[c] = 1, -1
		cholSolve(ws.h, n, ws.u)
		gap := theta[t] - theta[c]
		need, ok := b.rankFlips(c, gap, d, ws)
		if !ok || need >= bestNeed {
			continue
		}
		bestNeed = need
		best = best[:0]
		closed := 0.0
		for _, m := range ws.cand {
			take := flipsFor(gap/2-closed, m)
			best = append(best, move{pair: m.pair, sign: m.sign, count: take})
			closed += float64(take) * m.gain
			if closed >= gap/2 {
				break
			}
		}
	}
	return best
}

// rankFlips lists in ws.cand, best first, the flips on pairs involving
// the leader or challenger c that close θ_leader − θ_c (u holds
// H⁻¹(e_leader − e_c)), and counts how many the linearisation says close
// the whole gap; ok is false when they cannot.
func (b *flipBoard) rankFlips(c int, gap float64, d []int, ws *greedyWork) (need int, ok bool) {
	prob, u, alpha := b.prob, ws.u, b.p.alpha()
	ws.cand = ws.cand[:0]
	for _, m := range []int{b.leader, c} {
		for _, k := range prob.incident[prob.incStart[m]:prob.incStart[m+1]] {
			if m == c && (prob.pi[k] == b.leader || prob.pj[k] == b.leader) {
				continue // the leader–c pair, already listed
			}
			// Turning a pj win into a pi win changes the gap by +eff.
			eff := alpha * (u[prob.pi[k]] - u[prob.pj[k]])
			if left := int(b.base[3*k]) - d[k]; d[k] >= 0 && left > 0 && eff < 0 {
				ws.cand = append(ws.cand, move{pair: k, sign: 1, count: left, gain: -eff})
			}
			if left := int(b.base[3*k+2]) + d[k]; d[k] <= 0 && left > 0 && eff > 0 {
				ws.cand = append(ws.cand, move{pair: k, sign: -1, count: left, gain: eff})
			}
		}
	}
	slices.SortFunc(ws.cand, func(x, y move) int { return cmp.Compare(y.gain, x.gain) })
	if len(ws.cand) == 0 {
		return 0, false
	}
	closed := 0.0
	for _, m := range ws.cand {
		take := flipsFor(gap-closed, m)
		need += take
		closed += float64(take) * m.gain
		if closed >= gap {
			return need, true
		}
	}
	// Not closable by the linearisation: still a way forward, ranked last.
	return math.MaxInt - 1, true
}

// flipsFor is how many of m's flips close want, by the linearisation: at
// least one, at most all m has.
func flipsFor(want float64, m move) int {
	return int(max(1, min(float64(m.count), math.Ceil(want/m.gain))))
}

// hessian factors the Hessian of the negative log-likelihood at theta
// into h (Cholesky), with the fallback ridge when the fit used it, or the
// gauge term c·11ᵀ, which leaves solves against e_t − e_c unchanged.
func (b *flipBoard) hessian(theta, h []float64) error {
	prob, n := b.prob, b.n
	clear(h)
	alpha := b.p.alpha()
	for k, w := range prob.count {
		if w == 0 {
			continue
		}
		pr := sigmoid(alpha * (theta[prob.pi[k]] - theta[prob.pj[k]]))
		addPair(h, n, prob.pi[k], prob.pj[k], alpha*alpha*w*pr*(1-pr))
	}
	if !prob.hasMLE() {
		for i := range n {
			h[i*n+i] += b.p.FallbackRidge
		}
	} else {
		c := 0.0
		for i := range n {
			c += h[i*n+i]
		}
		c = max(c/float64(n), 1e-12)
		for i := range h {
			h[i] += c
		}
	}
	return cholesky(h, n)
}
