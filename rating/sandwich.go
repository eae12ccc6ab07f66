package rating

import (
	"fmt"
	"math"
)

// sandwichHessianReg matches lmarena/arena-rank: a ridge of 1e-5 per battle
// on the Hessian diagonal. It only makes the Hessian invertible along the
// all-ones direction, which the gradient covariance annihilates anyway.
const sandwichHessianReg = 1e-5

// SandwichBT gives Bradley–Terry intervals from the robust (sandwich)
// covariance H⁻¹·G·H⁻¹, where H is the Hessian of the negative
// log-likelihood and G the summed outer products of per-battle gradients,
// as lmarena/arena-rank computes by default. Median holds the fitted rating.
// level is the coverage, e.g. 0.95.
func SandwichBT(n int, cells []Cell, p BTParams, level float64) ([]Interval, error) {
	prob := newBTProblem(n, cells)
	prob.fill(cells, nil)
	theta := make([]float64, n)
	if err := newBTSolver(n).solve(prob, theta, p); err != nil {
		return nil, err
	}
	h, g := sandwichMatrices(n, cells, theta, p.alpha())
	se, err := sandwichSE(h, g, n)
	if err != nil {
		return nil, err
	}
	z := normalQuantile((1 + level) / 2)
	// se is in logit units; a logit is Scale/ln(Base) rating points.
	perLogit := p.Scale / p.alpha()
	mid := p.ratings(theta)
	out := make([]Interval, n)
	for i := range out {
		w := z * se[i] * perLogit
		out[i] = Interval{Lower: mid[i] - w, Median: mid[i], Upper: mid[i] + w}
	}
	return out, nil
}

// sandwichMatrices builds H and G in logit units over the cells: each
// battle in a cell has the same gradient (y−p)(e_A−e_B).
func sandwichMatrices(n int, cells []Cell, theta []float64, alpha float64) (h, g []float64) {
	h = make([]float64, n*n)
	g = make([]float64, n*n)
	total := 0.0
	for _, c := range cells {
		// A battle of weight v adds v·p(1−p) to H and (v·(y−p))² to G;
		// scaling every weight alike leaves H⁻¹GH⁻¹ unchanged.
		v := c.weight()
		w := float64(c.Count) * v
		total += w
		pr := sigmoid(alpha * (theta[c.A] - theta[c.B]))
		addPair(h, n, c.A, c.B, w*pr*(1-pr))
		r := c.Result - pr
		addPair(g, n, c.A, c.B, w*v*r*r)
	}
	for i := 0; i < n; i++ {
		h[i*n+i] += sandwichHessianReg * total
	}
	return h, g
}

// addPair adds v·(e_i−e_j)(e_i−e_j)ᵀ to the n×n matrix m.
func addPair(m []float64, n, i, j int, v float64) {
	m[i*n+i] += v
	m[j*n+j] += v
	m[i*n+j] -= v
	m[j*n+i] -= v
}

// sandwichSE returns sqrt(diag(H⁻¹·G·H⁻¹)).
func sandwichSE(h, g []float64, n int) ([]float64, error) {
	inv, err := invertSPD(h, n)
	if err != nil {
		return nil, fmt.Errorf("rating: sandwich Hessian: %w", err)
	}
	se := make([]float64, n)
	// diag(A·G·A) for symmetric A is Σ_kl A_ik G_kl A_li.
	tmp := make([]float64, n)
	for i := 0; i < n; i++ {
		row := inv[i*n : (i+1)*n]
		for l := 0; l < n; l++ {
			s := 0.0
			for k := 0; k < n; k++ {
				s += row[k] * g[k*n+l]
			}
			tmp[l] = s
		}
		v := 0.0
		for l := 0; l < n; l++ {
			v += tmp[l] * row[l]
		}
		se[i] = math.Sqrt(max(v, 0))
	}
	return se, nil
}

// normalQuantile is the standard normal quantile function.
func normalQuantile(p float64) float64 {
	return math.Sqrt2 * math.Erfinv(2*p-1)
}
