package rating

import (
	"errors"
	"math"
)

// errNotPositiveDefinite reports a singular system, which for a rating fit
// means the comparison graph falls apart into unconnected groups.
var errNotPositiveDefinite = errors.New("rating: system is not positive definite")

// cholesky factors the symmetric positive definite n×n row-major matrix a in
// place into its lower triangle L with a = L·Lᵀ. Dense is right here: the
// systems are models×models (a few hundred at most), while the data are
// millions of battles.
func cholesky(a []float64, n int) error {
	for j := 0; j < n; j++ {
		rowJ := a[j*n : j*n+j]
		d := a[j*n+j] - dot(rowJ, rowJ)
		if !(d > 0) || math.IsInf(d, 0) {
			return errNotPositiveDefinite
		}
		d = math.Sqrt(d)
		a[j*n+j] = d
		for i := j + 1; i < n; i++ {
			a[i*n+j] = (a[i*n+j] - dot(a[i*n:i*n+j], rowJ)) / d
		}
	}
	return nil
}

// dot is the dot product of x and y (len(y) ≥ len(x)) with four running
// sums: one sum waits for each addition to finish before the next, which
// leaves the factorisation, most of a bootstrap round with hundreds of
// models, several times slower than the arithmetic allows.
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		s0 += x[k] * y[k]
		s1 += x[k+1] * y[k+1]
		s2 += x[k+2] * y[k+2]
		s3 += x[k+3] * y[k+3]
	}
	for ; k < len(x); k++ {
		s0 += x[k] * y[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// cholSolve solves L·Lᵀ·x = b for x in place, with L from cholesky.
func cholSolve(l []float64, n int, b []float64) {
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*n+k] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
}

// invertSPD returns the inverse of the symmetric positive definite matrix a
// (left untouched), column by column from one factorisation.
func invertSPD(a []float64, n int) ([]float64, error) {
	l := append([]float64(nil), a...)
	if err := cholesky(l, n); err != nil {
		return nil, err
	}
	inv := make([]float64, n*n)
	col := make([]float64, n)
	for j := 0; j < n; j++ {
		clear(col)
		col[j] = 1
		cholSolve(l, n, col)
		for i := 0; i < n; i++ {
			inv[i*n+j] = col[i]
		}
	}
	return inv, nil
}

// sigmoid is the logistic function, written to stay finite for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// softplus is log(1+eˣ) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// maxAbs is the infinity norm, the gradient convergence test of every fit.
func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}
