package rating

import (
	"math"
	"math/bits"
	"slices"
)

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
	fit, _, _, err := fitStyle(n, battleList{outcomes, style}, p)
	return fit, err
}

// fitStyle is FitStyle that also returns the pooled problem and the
// optimum's parameter vector, from which a bootstrap starts.
func fitStyle(n int, battles Battles, p StyleParams) (*StyleFit, *styleProblem, []float64, error) {
	if err := checkStyleModels(n); err != nil {
		return nil, nil, nil, err
	}
	norm := styleNorm(battles)
	prob := newStyleProblem(n, battles, &norm)
	x := make([]float64, n+NumStyleFeatures)
	if err := newStyleSolver(prob, p).solve(x); err != nil {
		return nil, nil, nil, err
	}
	fit := p.result(x, n)
	fit.Norm = norm
	return fit, prob, x, nil
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
		obj: &styleObjective{prob: prob, alpha: p.BT.alpha(), reg: p.Reg, pair: make([]float64, prob.n*prob.n), cross: make([][NumStyleFeatures]float64, prob.n)},
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
	pair       []float64                   // Σ h per ordered (a, b), models×models
	cross      [][NumStyleFeatures]float64 // Σ h·f per model, signed by side
	// outer makes eval fill h with Σ per battle of the gradient's outer
	// product instead of the Hessian (the sandwich's middle matrix).
	outer bool
	// start, when set, is a point whose per-row win probabilities are in
	// startPr: every bootstrap round starts from the full-data fit, and
	// the rows' probabilities there do not depend on the round's weights.
	start, startPr []float64
}

// rowProbs returns each row's probability that a wins at x, as pass
// computes it.
func (o *styleObjective) rowProbs(x []float64) []float64 {
	p := o.prob
	theta, beta := x[:p.n], x[p.n:]
	out := make([]float64, len(p.a))
	for r := range out {
		fr := p.rowFeat(int32(r))
		out[r] = rowProb(o.alpha, theta, beta, p.a[r], p.b[r], &fr)
	}
	return out
}

// rowProb is a row's logit and probability that a wins, at θ and β.
func rowProb(alpha float64, theta, beta []float64, a, b uint16, fr *[NumStyleFeatures]float64) float64 {
	eta := alpha*(theta[a]-theta[b]) + fr[0]*beta[0] + fr[1]*beta[1] + fr[2]*beta[2] + fr[3]*beta[3]
	return sigmoidFromExp(eta, math.Exp(-math.Abs(eta)))
}

// sigmoidFromExp is σ(η) given e = exp(−|η|): 1/(1+e), or 1 minus that
// for η < 0. The choice is made on bits, not by a branch: the sign of η is
// a coin toss row to row, and a mispredicted branch costs as much as the
// arithmetic. (η = −0 picks 1−½ = ½, the same value.)
func sigmoidFromExp(eta, e float64) float64 {
	p := 1 / (1 + e)
	q := 1 - p
	neg := -(math.Float64bits(eta) >> 63) // all ones when η < 0
	return math.Float64frombits(math.Float64bits(p)&^neg | math.Float64bits(q)&neg)
}

func (o *styleObjective) eval(x, g, h []float64) float64 {
	f, _ := o.pass(x, g, h, nil, true)
	return f
}

func (o *styleObjective) evalStep(x, g, h, step []float64) float64 {
	_, move := o.pass(x, g, h, step, false)
	return move
}

func (o *styleObjective) value(x []float64) float64 {
	f, _ := o.pass(x, nil, nil, nil, true)
	return f
}

// pass goes over the rows once, gathering the value when wantF, the
// gradient and Hessian when g is not nil, and the largest logit change
// along step when it is not nil. One exp a row serves the probability and
// the log loss; log(1+e) in place of Log1p costs only absolute rounding of
// ~1e-16 a row in a value used solely to compare line-search points.
func (o *styleObjective) pass(x, g, h, step []float64, wantF bool) (f, move float64) {
	p := o.prob
	n := p.n
	theta, beta := x[:n], x[n:]
	if g != nil {
		clear(g)
		clear(o.pair)
		clear(o.cross)
	}
	prs := o.knownProbs(x, g, step, wantF)
	alpha := o.alpha
	b0, b1, b2, b3 := beta[0], beta[1], beta[2], beta[3]
	var s0, s1, s2, s3 float64
	if step != nil {
		s0, s1, s2, s3 = step[n], step[n+1], step[n+2], step[n+3]
	}
	// The coefficients' gradient and Hessian block.
	var bb [NumStyleFeatures][NumStyleFeatures]float64
	var gb [NumStyleFeatures]float64
	// The columns in locals: read through p they would be loaded again
	// after every store to g and the sums.
	c0, c1, c2, c3 := p.cols[0], p.cols[1], p.cols[2], p.cols[3]
	for i, word := range p.active {
		for ; word != 0; word &= word - 1 {
			r := int32(i<<6 | bits.TrailingZeros64(word))
			w, sr := p.w.at(r)
			a, b := p.a[r], p.b[r]
			fr := [NumStyleFeatures]float64{c0.at(r), c1.at(r), c2.at(r), c3.at(r)}
			var pr float64
			if prs != nil {
				pr = prs[r]
			} else {
				eta := alpha*(theta[a]-theta[b]) + fr[0]*b0 + fr[1]*b1 + fr[2]*b2 + fr[3]*b3
				if step != nil {
					d := math.Abs(alpha*(step[a]-step[b]) + fr[0]*s0 + fr[1]*s1 + fr[2]*s2 + fr[3]*s3)
					if d > move {
						move = d
					}
				}
				e := math.Exp(-math.Abs(eta))
				if wantF {
					sp := math.Log(1 + e)
					if eta >= 0 {
						sp += eta
					}
					f += w*sp - sr*eta
				}
				if g == nil {
					continue
				}
				pr = sigmoidFromExp(eta, e)
			}
			gr := w*pr - sr
			hr := w * pr * (1 - pr)
			if o.outer {
				hr = outerWeight(p.counts.at(int(r)), pr)
			}
			g[a] += alpha * gr
			g[b] -= alpha * gr
			o.pair[int(a)*n+int(b)] += hr
			ca, cb := &o.cross[a], &o.cross[b]
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
	}
	f = o.addPenalty(f, x)
	if g != nil {
		o.finishGradient(x, g, h, &gb, &bb)
	}
	return f, move
}

// knownProbs is the rows' win probabilities when pass may take them as
// known instead of computing them: at the bootstrap's start, for a
// gradient and Hessian alone. Otherwise it is nil.
func (o *styleObjective) knownProbs(x, g, step []float64, wantF bool) []float64 {
	if g != nil && step == nil && !wantF && o.start != nil && slices.Equal(x, o.start) {
		return o.startPr
	}
	return nil
}

// addPenalty adds the ridge penalty's value at x to f, term by term in the
// order pass always has, so that the value stays the same to the last bit.
func (o *styleObjective) addPenalty(f float64, x []float64) float64 {
	for _, v := range x {
		f += o.reg / 2 * v * v
	}
	return f
}

// finishGradient puts the coefficients' gradient gb after the ratings' in
// g, assembles the Hessian from the pass's sums, and adds the penalty's
// gradient.
func (o *styleObjective) finishGradient(x, g, h []float64, gb *[NumStyleFeatures]float64, bb *[NumStyleFeatures][NumStyleFeatures]float64) {
	copy(g[o.prob.n:], gb[:])
	o.assemble(h, bb)
	for i, v := range x {
		g[i] += o.reg * v
	}
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
			v := o.alpha * o.cross[i][k]
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
