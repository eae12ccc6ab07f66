package rating

import "math"

// StyleParams are the constants of the style-controlled fit.
type StyleParams struct {
	// BT gives the scale, base, centre and anchor of the ratings.
	BT BTParams
	// Reg is the penalty Reg/2·‖[θ, β]‖² of the arena's published fit
	// (0.5 there), which covers the ratings as well as the coefficients.
	Reg float64
}

// DefaultStyle is the arena's style control: penalty 0.25·‖[θ, β]‖².
var DefaultStyle = StyleParams{BT: DefaultBT, Reg: 0.5}

// StyleFit is a style-controlled Bradley–Terry fit.
type StyleFit struct {
	// Ratings are on the arena scale with style held equal.
	Ratings []float64
	// Coefficients are the style effects β in logit units per standard
	// deviation of each feature, in StyleCounts order.
	Coefficients [NumStyleFeatures]float64
	Norm         StyleNormalisation
}

// FitStyle fits P(a beats b) = σ(ln(Base)·(θa−θb) + f·β) with the style
// features f of each battle (see StyleFeatures), minimising the log loss
// plus p.Reg/2·‖[θ, β]‖², to machine precision.
func FitStyle(n int, outcomes []Outcome, style []StyleCounts, p StyleParams) (*StyleFit, error) {
	feats, norm := StyleFeatures(style)
	prob := newStyleProblem(n, outcomes, feats)
	x := make([]float64, n+NumStyleFeatures)
	if err := newStyleSolver(prob, p).solve(x); err != nil {
		return nil, err
	}
	fit := p.result(x, n)
	fit.Norm = norm
	return fit, nil
}

// result splits the parameter vector into ratings and coefficients.
func (p StyleParams) result(x []float64, n int) *StyleFit {
	fit := &StyleFit{Ratings: p.BT.ratings(x[:n])}
	copy(fit.Coefficients[:], x[n:])
	return fit
}

// styleSolver minimises the penalised style objective.
type styleSolver struct {
	obj *styleObjective
	nt  *newton
}

func newStyleSolver(prob *styleProblem, p StyleParams) *styleSolver {
	dim := prob.n + NumStyleFeatures
	return &styleSolver{
		obj: &styleObjective{prob: prob, alpha: p.BT.alpha(), reg: p.Reg, pair: make([]float64, prob.n*prob.n), cross: make([]float64, prob.n*NumStyleFeatures)},
		nt:  newNewton(dim),
	}
}

// solve runs Newton from x. The penalty makes the problem strictly
// convex, so no gauge fix is needed and any start reaches the optimum.
func (s *styleSolver) solve(x []float64) error {
	return s.nt.minimize(s.obj, x, gradTol*max(1, s.obj.prob.total), 0)
}

// styleObjective evaluates the penalised log loss. One pass over the rows
// gathers everything; the (models+4)² Hessian is then assembled from
// per-pair and per-model sums rather than touched per row.
type styleObjective struct {
	prob       *styleProblem
	alpha, reg float64
	pair       []float64 // Σ h per ordered (a, b), models×models
	cross      []float64 // Σ h·f per model, signed by side, models×4
	// outer makes eval fill h with Σ per battle of the gradient's outer
	// product instead of the Hessian (the sandwich's middle matrix).
	outer bool
}

func (o *styleObjective) eval(x, g, h []float64) float64 {
	p := o.prob
	n := p.n
	theta, beta := x[:n], x[n:]
	clear(g)
	clear(o.pair)
	clear(o.cross)
	var bb [NumStyleFeatures][NumStyleFeatures]float64
	var gb [NumStyleFeatures]float64
	f := 0.0
	alpha := o.alpha
	b0, b1, b2, b3 := beta[0], beta[1], beta[2], beta[3]
	for r, w := range p.w {
		if w == 0 {
			continue
		}
		a, b := p.a[r], p.b[r]
		fr := &p.feat[r]
		eta := alpha*(theta[a]-theta[b]) + fr[0]*b0 + fr[1]*b1 + fr[2]*b2 + fr[3]*b3
		// One exp serves the probability and the log loss; log(1+e) in
		// place of Log1p costs only absolute rounding of ~1e-16 per row in
		// a value used solely to compare line-search points.
		e := math.Exp(-math.Abs(eta))
		pr := 1 / (1 + e)
		sp := math.Log(1 + e)
		if eta < 0 {
			pr = 1 - pr
		} else {
			sp += eta
		}
		f += w*sp - p.s[r]*eta
		gr := w*pr - p.s[r]
		hr := w * pr * (1 - pr)
		if o.outer {
			hr = outerWeight(p.counts[r], pr)
		}
		g[a] += alpha * gr
		g[b] -= alpha * gr
		o.pair[int(a)*n+int(b)] += hr
		ca, cb := o.cross[int(a)*NumStyleFeatures:], o.cross[int(b)*NumStyleFeatures:]
		for k := range NumStyleFeatures {
			hf := hr * fr[k]
			gb[k] += gr * fr[k]
			ca[k] += hf
			cb[k] -= hf
			for l := k; l < NumStyleFeatures; l++ {
				bb[k][l] += hf * fr[l]
			}
		}
	}
	copy(g[n:], gb[:])
	o.assemble(h, &bb)
	for i, v := range x {
		f += o.reg / 2 * v * v
		g[i] += o.reg * v
	}
	return f
}

// assemble writes the Hessian from the pass's sums plus the penalty.
func (o *styleObjective) assemble(h []float64, bb *[NumStyleFeatures][NumStyleFeatures]float64) {
	n := o.prob.n
	dim := n + NumStyleFeatures
	a2 := o.alpha * o.alpha
	clear(h)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if v := o.pair[i*n+j]; v != 0 {
				addPairStride(h, dim, i, j, a2*v)
			}
		}
		for k := range NumStyleFeatures {
			v := o.alpha * o.cross[i*NumStyleFeatures+k]
			h[i*dim+n+k] = v
			h[(n+k)*dim+i] = v
		}
	}
	for k := range NumStyleFeatures {
		for l := k; l < NumStyleFeatures; l++ {
			h[(n+k)*dim+n+l] = bb[k][l]
			h[(n+l)*dim+n+k] = bb[k][l]
		}
	}
	if o.outer {
		return
	}
	for i := 0; i < dim; i++ {
		h[i*dim+i] += o.reg
	}
}

// addPairStride adds v·(e_i−e_j)(e_i−e_j)ᵀ to a matrix with row stride dim.
func addPairStride(m []float64, dim, i, j int, v float64) {
	m[i*dim+i] += v
	m[j*dim+j] += v
	m[i*dim+j] -= v
	m[j*dim+i] -= v
}
