package rating

import (
	"fmt"
	"math"
)

// objective is a smooth convex function to minimise.
type objective interface {
	// eval returns the value at x and fills the gradient g and the dense
	// row-major Hessian h.
	eval(x, g, h []float64) float64
}

// newton minimises convex objectives by damped Newton's method and keeps
// its work buffers, so bootstrap rounds reuse them.
type newton struct {
	dim                 int
	g, h, step, trial   []float64
	iterations, maxIter int
}

// newNewton prepares a solver for dim parameters.
func newNewton(dim int) *newton {
	return &newton{
		dim: dim, g: make([]float64, dim), h: make([]float64, dim*dim),
		step: make([]float64, dim), trial: make([]float64, dim), maxIter: maxNewtonIter,
	}
}

// minimize moves x to the minimum. It stops when the largest gradient
// component is at most tol, after one last Newton step from there: Newton
// converges quadratically, so that step lands at machine precision.
// The first gauge parameters are ratings the objective only sees up to a
// common shift; for those c·11ᵀ is added to the Hessian, which makes it
// invertible without changing the step (the gradient sums to zero there).
func (s *newton) minimize(obj objective, x []float64, tol float64, gauge int) error {
	f := obj.eval(x, s.g, s.h)
	for s.iterations = 0; s.iterations < s.maxIter; s.iterations++ {
		converged := maxAbs(s.g) <= tol
		if err := s.solveStep(gauge); err != nil {
			return err
		}
		if converged {
			axpy(x, -1, s.step)
			return nil
		}
		f = s.lineSearch(obj, x, f)
	}
	return ErrNoConvergence
}

// solveStep solves H·step = g by Cholesky.
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
	if err := cholesky(s.h, n); err != nil {
		return fmt.Errorf("rating: the comparison graph is not connected: %w", err)
	}
	copy(s.step, s.g)
	cholSolve(s.h, n, s.step)
	return nil
}

// lineSearch halves the Newton step until the objective does not rise,
// moves x there and returns the new value; g and h then belong to the new
// point. A full step is almost always taken.
func (s *newton) lineSearch(obj objective, x []float64, f float64) float64 {
	t := 1.0
	for {
		copy(s.trial, x)
		axpy(s.trial, -t, s.step)
		fn := obj.eval(s.trial, s.g, s.h)
		if fn <= f+1e-12*math.Abs(f) || t < 1e-12 {
			copy(x, s.trial)
			return fn
		}
		t /= 2
	}
}
