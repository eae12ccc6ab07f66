package rating

import "math"

// greedy flips votes until the leader falls, and returns how many it
// flipped (−1 if it ran out of useful flips) and the net flips per pair.
//
// Each step linearises the fit at the current optimum: reversing one vote
// on pair (i, j) moves the gap θ_leader − θ_c by α·(u_i − u_j) per vote,
// with u = H⁻¹(e_leader − e_c) and H the Hessian of the negative
// log-likelihood (one Newton step from the optimum). For every challenger
// c it looks at the pairs that involve the leader or c, takes the flip
// that closes the gap fastest, estimates the flips that challenger still
// needs (gap / best effect), and follows the cheapest challenger: it
// applies half that estimate (at least one, at most what the pair has) and
// refits, warm-started. Halving keeps it from overshooting where the
// effect of flips wears off, and the step count grows only with the log
// of the answer plus a short tail of single flips.
//
// A pair is only ever flipped one way, so the search ends after at most
// as many flips as there are decisive votes. Per step: one n×n Cholesky
// factorisation and n solves, O(n³), plus O(pairs) for the Hessian and
// O(n·degree) for the candidates: about 40M operations at 300 models.
func (b *flipBoard) greedy() (int, []int, error) {
	d := make([]int, len(b.cells)/3)
	theta := append([]float64(nil), b.theta0...)
	total := 0
	ws := newGreedyWork(b.n)
	for !b.dethroned(theta) {
		k, step := b.bestMove(theta, d, ws)
		if step == 0 {
			return -1, nil, nil
		}
		d[k] += step
		total += max(step, -step)
		if err := b.fit(d, theta); err != nil {
			return 0, nil, err
		}
	}
	return total, d, nil
}

// greedyWork holds the greedy search's n×n buffers.
type greedyWork struct {
	h, u []float64
}

func newGreedyWork(n int) *greedyWork {
	return &greedyWork{h: make([]float64, n*n), u: make([]float64, n)}
}

// bestMove returns the pair to flip next and the signed net flips to add
// (0 when no flip helps any challenger). b.prob holds the data at theta.
func (b *flipBoard) bestMove(theta []float64, d []int, ws *greedyWork) (pair, step int) {
	n, t := b.n, b.leader
	if err := b.hessian(theta, ws.h); err != nil {
		return 0, 0
	}
	alpha := b.p.alpha()
	bestEst := math.Inf(1)
	for c := range n {
		if c == t {
			continue
		}
		clear(ws.u)
		ws.u[t], ws.u[c] = 1, -1
		cholSolve(ws.h, n, ws.u)
		k, sign, gain, avail := b.bestPairFor(c, d, ws.u, alpha)
		if gain <= 0 {
			continue
		}
		est := (theta[t] - theta[c]) / gain
		if est < bestEst {
			bestEst = est
			pair, step = k, sign*min(avail, max(1, int(est/2)))
		}
	}
	return pair, step
}

// bestPairFor finds, among the pairs involving the leader or challenger
// c, the single-vote flip that most reduces θ_leader − θ_c: its pair, its
// sign (+1: pj's win becomes pi's), its gain per vote and how many votes
// that direction still has.
func (b *flipBoard) bestPairFor(c int, d []int, u []float64, alpha float64) (pair, sign int, gain float64, avail int) {
	prob := b.prob
	for _, m := range []int{b.leader, c} {
		for _, k := range prob.incident[prob.incStart[m]:prob.incStart[m+1]] {
			eff := alpha * (u[prob.pi[k]] - u[prob.pj[k]])
			// Turning a pj win into a pi win changes the gap by +eff.
			if left := int(b.base[3*k]) - d[k]; d[k] >= 0 && left > 0 && -eff > gain {
				pair, sign, gain, avail = k, 1, -eff, left
			}
			if left := int(b.base[3*k+2]) + d[k]; d[k] <= 0 && left > 0 && eff > gain {
				pair, sign, gain, avail = k, -1, eff, left
			}
		}
	}
	return pair, sign, gain, avail
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
