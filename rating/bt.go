package rating

import (
	"errors"
	"fmt"
	"math"
)

// Anchor pins one contender's rating to a score; every other rating moves
// by the same amount, so differences (and probabilities) are unchanged.
type Anchor struct {
	Model int
	Score float64
}

// BTParams are the constants of the Bradley–Terry arena score:
// P(a beats b) = 1/(1+Base^(θb−θa)) and rating = Scale·θ + Initial.
type BTParams struct {
	Scale, Base, Initial float64
	// Anchor, when set, shifts the ratings so that model has its score;
	// otherwise the ratings average exactly Initial.
	Anchor *Anchor
	// FallbackRidge is the strength λ of a λ/2·‖θ‖² penalty added only when
	// the data admit no finite maximum-likelihood estimate (some contender
	// never lost or never won, or the comparison graph is split), so an
	// early board still gets finite, shrunk ratings instead of none.
	FallbackRidge float64
}

// DefaultBT is scale 400, base 10, centred at 1000, with a weak fallback
// ridge for data that have no finite MLE.
var DefaultBT = BTParams{Scale: 400, Base: 10, Initial: 1000, FallbackRidge: 0.01}

// ErrNoConvergence means a Newton fit hit its iteration cap before its
// gradient test passed.
var ErrNoConvergence = errors.New("rating: fit did not converge")

// maxNewtonIter caps Newton's method, which normally needs 5–15 iterations.
const maxNewtonIter = 200

// gradTol is the convergence test: the largest gradient component, in
// battles, relative to the number of battles. One more Newton step is
// taken after it passes; from there Newton's quadratic convergence lands
// within ~1e-12 of the optimum, so the test can be this loose and save a
// pass over the data in most bootstrap rounds.
const gradTol = 1e-8

// FitBT is the Bradley–Terry maximum-likelihood fit on cells over n
// contenders, ties counting half a win each. It returns ratings on the
// arena scale.
func FitBT(n int, cells []Cell, p BTParams) ([]float64, error) {
	prob := newBTProblem(n, cells)
	prob.fill(cells, nil)
	theta := make([]float64, n)
	s := newBTSolver(n)
	if err := s.solve(prob, theta, p); err != nil {
		return nil, err
	}
	return p.ratings(theta), nil
}

// ratings maps θ to the arena scale, applying the anchor if any.
func (p BTParams) ratings(theta []float64) []float64 {
	r := make([]float64, len(theta))
	for i, t := range theta {
		r[i] = p.Scale*t + p.Initial
	}
	if a := p.Anchor; a != nil && a.Model >= 0 && a.Model < len(r) {
		shift := a.Score - r[a.Model]
		for i := range r {
			r[i] += shift
		}
	}
	return r
}

// alpha converts θ differences to logits.
func (p BTParams) alpha() float64 { return math.Log(p.Base) }

// btProblem is the BT likelihood reduced to unordered pairs: the seat does
// not enter the model, so (a, b) and (b, a) cells pool into one binomial.
type btProblem struct {
	n      int
	pi, pj []int
	count  []float64 // battles per pair, times their weights
	score  []float64 // points of pi against pj, ties half, weighted alike
	// per cell: which pair it feeds, its battles' weight, and its result
	// seen from the pair's pi (a round's fill reads these alone)
	cellPair   []int32
	cellWeight []float64
	cellResult []float64
	// hasMLE's pair lists per model and search buffers, built on first use
	incStart, incident, stack []int
	seen                      []bool
	parent                    []int32
}

// newBTProblem lays out the pairs once, so a bootstrap round only refills
// the per-pair sums.
func newBTProblem(n int, cells []Cell) *btProblem {
	p := &btProblem{n: n, cellPair: make([]int32, len(cells)), cellWeight: make([]float64, len(cells)), cellResult: make([]float64, len(cells))}
	index := make(map[[2]int]int)
	for c, cell := range cells {
		i, j, flip := cell.A, cell.B, false
		if i > j {
			i, j, flip = j, i, true
		}
		k, ok := index[[2]int{i, j}]
		if !ok {
			k = len(p.pi)
			index[[2]int{i, j}] = k
			p.pi = append(p.pi, i)
			p.pj = append(p.pj, j)
		}
		r := cell.Result
		if flip {
			r = 1 - r
		}
		p.cellPair[c], p.cellWeight[c], p.cellResult[c] = int32(k), cell.weight(), r
	}
	p.count = make([]float64, len(p.pi))
	p.score = make([]float64, len(p.pi))
	return p
}

// twin is a problem over the same cells with sums of its own: the layout
// and the pair lists, when built, are shared, read only (twins are made
// on several goroutines, so twin never builds them).
func (p *btProblem) twin() *btProblem {
	t := &btProblem{
		n: p.n, pi: p.pi, pj: p.pj, cellPair: p.cellPair, cellWeight: p.cellWeight, cellResult: p.cellResult,
		count: make([]float64, len(p.pi)), score: make([]float64, len(p.pi)),
	}
	if p.incident != nil {
		t.incStart, t.incident = p.incStart, p.incident
		t.stack, t.seen, t.parent = make([]int, 0, p.n), make([]bool, p.n), make([]int32, p.n)
	}
	return t
}

// fill sets the pair sums from cell counts, or from counts when given
// (one bootstrap round).
func (p *btProblem) fill(cells []Cell, counts []int32) {
	clear(p.count)
	clear(p.score)
	for c, k := range p.cellPair {
		var w float64
		if counts != nil {
			w = float64(counts[c])
		} else {
			w = float64(cells[c].Count)
		}
		if w == 0 {
			continue
		}
		w *= p.cellWeight[c]
		p.count[k] += w
		p.score[k] += w * p.cellResult[c]
	}
}

// total is the number of battles in the problem.
func (p *btProblem) total() float64 {
	t := 0.0
	for _, c := range p.count {
		t += c
	}
	return t
}

// hasMLE reports whether a finite maximum-likelihood estimate exists: the
// graph with an edge i→j whenever i took points from j must be strongly
// connected (Zermelo's condition). It runs once per bootstrap round, so
// the pair lists and search buffers are built once and kept.
func (p *btProblem) hasMLE() bool {
	if p.n <= 1 {
		return true
	}
	if p.incident == nil {
		p.buildIncidence()
	}
	if p.twoWayConnected() {
		return true
	}
	return p.reachesAll(true) && p.reachesAll(false)
}

// twoWayConnected reports whether the pairs in which each side took
// points (an edge both ways) join every model: then the graph is strongly
// connected. With many battles a pair it nearly always is, and a union
// of pairs costs far less than the two searches.
func (p *btProblem) twoWayConnected() bool {
	parent := p.parent
	for i := range parent {
		parent[i] = int32(i)
	}
	root := func(v int32) int32 {
		for parent[v] != v {
			parent[v] = parent[parent[v]]
			v = parent[v]
		}
		return v
	}
	groups := p.n
	for k, c := range p.count {
		if s := p.score[k]; s > 0 && s < c {
			a, b := root(int32(p.pi[k])), root(int32(p.pj[k]))
			if a != b {
				parent[a] = b
				groups--
			}
		}
	}
	return groups == 1
}

// buildIncidence lists each model's pairs, CSR style.
func (p *btProblem) buildIncidence() {
	p.incStart = make([]int, p.n+1)
	for k := range p.pi {
		p.incStart[p.pi[k]+1]++
		p.incStart[p.pj[k]+1]++
	}
	for i := range p.n {
		p.incStart[i+1] += p.incStart[i]
	}
	p.incident = make([]int, p.incStart[p.n])
	fill := append([]int(nil), p.incStart[:p.n]...)
	for k := range p.pi {
		p.incident[fill[p.pi[k]]] = k
		fill[p.pi[k]]++
		p.incident[fill[p.pj[k]]] = k
		fill[p.pj[k]]++
	}
	p.seen = make([]bool, p.n)
	p.stack = make([]int, 0, p.n)
	p.parent = make([]int32, p.n)
}

// reachesAll reports whether every model is reachable from model 0 along
// edges i→j (i took points from j), or against them when forward is false.
func (p *btProblem) reachesAll(forward bool) bool {
	clear(p.seen)
	stack := append(p.stack[:0], 0)
	p.seen[0] = true
	count := 1
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, k := range p.incident[p.incStart[v]:p.incStart[v+1]] {
			// Along pi→pj when pi scored; along pj→pi when pj scored.
			iScored, jScored := p.score[k] > 0, p.score[k] < p.count[k]
			var w int
			switch {
			case v == p.pi[k] && (forward && iScored || !forward && jScored):
				w = p.pj[k]
			case v == p.pj[k] && (forward && jScored || !forward && iScored):
				w = p.pi[k]
			default:
				continue
			}
			if !p.seen[w] {
				p.seen[w] = true
				count++
				stack = append(stack, w)
			}
		}
	}
	p.stack = stack
	return count == p.n
}

// btSolver fits the BT likelihood with Newton's method.
type btSolver struct {
	n  int
	nt *newton
}

func newBTSolver(n int) *btSolver { return &btSolver{n: n, nt: newNewton(n)} }

// solve moves theta (a warm start is fine: the optimum is unique) to the
// optimum, centred at zero.
func (s *btSolver) solve(prob *btProblem, theta []float64, p BTParams) error {
	return s.solveFrom(prob, theta, p, nil)
}

// solveFrom is solve given, when not nil, each pair's win chance at theta
// as sigmoids gives it: every bootstrap round starts from the same point,
// so its first pass over the pairs need not work them out again.
func (s *btSolver) solveFrom(prob *btProblem, theta []float64, p BTParams, startPr []float64) error {
	obj := &btObjective{prob: prob, alpha: p.alpha(), startPr: startPr}
	gauge := s.n
	if !prob.hasMLE() {
		obj.ridge = p.FallbackRidge
		if obj.ridge <= 0 {
			return fmt.Errorf("rating: no finite Bradley–Terry estimate (a model never lost or never won) and no fallback ridge")
		}
		gauge = 0
	}
	if err := s.nt.minimize(obj, theta, gradTol*max(1, prob.total()), gauge); err != nil {
		return err
	}
	center(theta)
	return nil
}

// btObjective is the BT negative log-likelihood over pairs, plus an
// optional ridge.
type btObjective struct {
	prob         *btProblem
	alpha, ridge float64
	// startPr, when set, are the pairs' win chances at the point of the
	// first evalStep (the minimisation's start), used there and dropped.
	startPr []float64
}

func (o *btObjective) evalStep(theta, g, h, step []float64) float64 {
	_, move := o.pass(theta, g, h, step, false)
	o.startPr = nil
	return move
}

// sigmoids are each pair's chance that pi beats pj at theta, exactly as
// a pass works them out.
func (p *btProblem) sigmoids(theta []float64, alpha float64) []float64 {
	pr := make([]float64, len(p.pi))
	for k := range pr {
		pr[k] = sigmoid(alpha * (theta[p.pi[k]] - theta[p.pj[k]]))
	}
	return pr
}

func (o *btObjective) value(theta []float64) float64 {
	f, _ := o.pass(theta, nil, nil, nil, true)
	return f
}

// pass goes over the pairs once, gathering the value when wantF, the
// gradient and Hessian when g is not nil, and the largest logit change
// along step when it is not nil.
func (o *btObjective) pass(theta, g, h, step []float64, wantF bool) (f, move float64) {
	prob, alpha, ridge := o.prob, o.alpha, o.ridge
	n := prob.n
	if g != nil {
		clear(h)
	}
	for i, t := range theta {
		if g != nil {
			g[i] = ridge * t
			h[i*n+i] = ridge
		}
		f += ridge / 2 * t * t
	}
	a2 := alpha * alpha
	for k, w := range prob.count {
		if w == 0 {
			continue
		}
		i, j := prob.pi[k], prob.pj[k]
		d := alpha * (theta[i] - theta[j])
		if wantF {
			f += w*softplus(d) - prob.score[k]*d
		}
		if step != nil {
			move = max(move, math.Abs(alpha*(step[i]-step[j])))
		}
		if g == nil {
			continue
		}
		var pr float64
		if o.startPr != nil {
			pr = o.startPr[k]
		} else {
			pr = sigmoid(d)
		}
		r := alpha * (w*pr - prob.score[k])
		g[i] += r
		g[j] -= r
		addPair(h, n, i, j, a2*w*pr*(1-pr))
	}
	return f, move
}

// axpy sets y += a·x.
func axpy(y []float64, a float64, x []float64) {
	for i := range y {
		y[i] += a * x[i]
	}
}

// center subtracts the mean, removing the rounding drift along the one
// direction the likelihood cannot see.
func center(x []float64) {
	if len(x) == 0 {
		return
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for i := range x {
		x[i] -= m
	}
}
