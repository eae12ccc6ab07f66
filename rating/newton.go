package rating

import (
	"fmt"
	"math"
)

// objective is a smooth convex function to minimise: a sum of logistic
// losses of linear logits plus a quadratic penalty.
type objective interface {
	// evalStep fills the gradient g and the dense row-major Hessian h at
	// x, and returns the largest change of any logit in the data between
	// x+step and x (0 when step is nil).
	evalStep(x, g, h, step []float64) float64
	// value is the objective's value at x, to the last bit.
	value(x []float64) float64
}

// safeLogitMove is how far a Newton step may move every logit and still be
// sure to lower the objective, so that the line search can take it without
// the objective's value, whose logarithms cost more than the rest of a
// pass over the data.
//
// Each battle's loss ℓ(η) = w·log(1+eᶯ) − s·η has |ℓ‴| ≤ ℓ″, so moving
// its logit by Δ costs at most ℓ′·Δ + ℓ″·Δ²·ψ(|Δ|) with
// ψ(R) = (eᴿ−R−1)/R², increasing and at least 1/2 (F. Bach,
// "Self-concordant analysis for logistic regression", 2010). Summed over
// battles, with the penalty's exact quadratic change, a Newton step v with
// decrement λ² = gᵀH⁻¹g that moves no logit by more than R changes the
// objective by at most −λ²·(1−ψ(R)): a decrease while ψ(R) < 1, and
// ψ(1) = e−2 ≈ 0.72. Such a step is the one the value-based search would
// take too, so the iterates are unchanged.
const safeLogitMove = 1.0

// newton minimises convex objectives by damped Newton's method and keeps
// its work buffers, so bootstrap rounds reuse them.
type newton struct {
	dim               int
	g, h, step, trial []float64
	// l is the Cholesky factor of the last Hessian solved with, kept
	// apart from h (which each pass refills) for the closing step.
	l []float64
	// start, when set, is a Cholesky factor of a Hessian near the one at
	// the starting point (a bootstrap round's full-data fit's): the first
	// step solves with it instead of factoring anew.
	start               []float64
	iterations, maxIter int
}

// newNewton prepares a solver for dim parameters.
func newNewton(dim int) *newton {
	return &newton{
		dim: dim, g: make([]float64, dim), h: make([]float64, dim*dim), l: make([]float64, dim*dim),
		step: make([]float64, dim), trial: make([]float64, dim), maxIter: maxNewtonIter,
	}
}

// minimize moves x to the minimum. It stops when the largest gradient
// component is at most tol, after one last step from there: Newton
// converges quadratically, so that step lands at machine precision. The
// last step solves with the previous iteration's Hessian factor when there
// is one: the iterate has moved so little since that the step is as exact
// (its error is the Hessian's change times the step, both tiny), and one
// factorisation of the three a warm-started bootstrap round takes is
// saved. The first gauge parameters are ratings the objective only sees up
// to a common shift; for those c·11ᵀ is added to the Hessian, which makes
// it invertible without changing the step (the gradient sums to zero
// there).
func (s *newton) minimize(obj objective, x []float64, tol float64, gauge int) error {
	obj.evalStep(x, s.g, s.h, nil)
	f, known := 0.0, false // the value at x, once the line search needed it
	// last is the factor this call last solved with (l, or start after a
	// first step with it); nil before any step.
	var last []float64
	for s.iterations = 0; s.iterations < s.maxIter; s.iterations++ {
		converged := maxAbs(s.g) <= tol
		if converged && last != nil {
			s.solveWith(last)
			axpy(x, -1, s.step)
			return nil
		}
		if last == nil && s.start != nil && !converged {
			s.solveWith(s.start)
			last = s.start
			f, known = s.lineSearch(obj, x, f, known)
			continue
		}
		if err := s.solveStep(gauge); err != nil {
			return err
		}
		last = s.l
		if converged {
			axpy(x, -1, s.step)
			return nil
		}
		f, known = s.lineSearch(obj, x, f, known)
	}
	return ErrNoConvergence
}

// solveWith sets step to the solution of L·Lᵀ·step = g for a kept factor.
func (s *newton) solveWith(l []float64) {
	copy(s.step, s.g)
	cholSolve(l, s.dim, s.step)
}

// solveStep solves H·step = g by Cholesky, keeping the factor in l.
func (s *newton) solveStep(gauge int) error {
	n := s.dim
	if gauge > 0 {
		c := 0.0
		for i := 0; i < gauge; i++ {
			c += s.h[i*n+i]
		}
		c = max(c/float64(gauge), 1e-12)
		for i := 0; i < gauge; i++ {
			for j := 0; j < gauge; j++ {
				s.h[i*n+j] += c
			}
		}
	}
	copy(s.l, s.h)
	if err := cholesky(s.l, n); err != nil {
		return fmt.Errorf("rating: the comparison graph is not connected: %w", err)
	}
	s.solveWith(s.l)
	return nil
}

// lineSearch halves the Newton step until the objective does not rise,
// moves x there and returns the new value, if it was needed; g and h then
// belong to the new point. A full step is almost always taken, and when it
// moves no logit by more than safeLogitMove it is taken without values.
func (s *newton) lineSearch(obj objective, x []float64, f float64, known bool) (float64, bool) {
	copy(s.trial, x)
	axpy(s.trial, -1, s.step)
	if obj.evalStep(s.trial, s.g, s.h, s.step) <= safeLogitMove {
		copy(x, s.trial)
		return 0, false
	}
	if !known {
		f = obj.value(x)
	}
	t := 1.0
	for {
		fn := obj.value(s.trial)
		if fn <= f+1e-12*math.Abs(f) || t < 1e-12 {
			if t != 1 {
				obj.evalStep(s.trial, s.g, s.h, nil)
			}
			copy(x, s.trial)
			return fn, true
		}
		t /= 2
		copy(s.trial, x)
		axpy(s.trial, -t, s.step)
	}
}
