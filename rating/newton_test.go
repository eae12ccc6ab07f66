package rating

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// valueSearch hides the logit-move bound from Newton, so every line search
// compares objective values, as before the bound was used.
type valueSearch struct{ objective }

func (v valueSearch) evalStep(x, g, h, step []float64) float64 {
	v.objective.evalStep(x, g, h, step)
	return math.Inf(1)
}

// moveLog records the logit moves Newton is told about.
type moveLog struct {
	objective
	moves *[]float64
}

func (m moveLog) evalStep(x, g, h, step []float64) float64 {
	move := m.objective.evalStep(x, g, h, step)
	if step != nil {
		*m.moves = append(*m.moves, move)
	}
	return move
}

// TestLineSearchBoundKeepsIterates checks that taking bounded steps without
// the objective's value leaves every fit bit for bit as the value-based
// line search leaves it, from a cold start (large first steps) and from a
// warm one (a bootstrap round).
func TestLineSearchBoundKeepsIterates(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 12, Battles: 20000, Seed: 31, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	n := len(set.Models)

	battles := battleList{set.Outcomes, set.Style}
	norm := styleNorm(battles)
	prob := newStyleProblem(n, battles, &norm)
	var largest float64
	fits := func(prob *styleProblem, start []float64) (bound, values []float64) {
		bound, values = slices.Clone(start), slices.Clone(start)
		s := newStyleSolver(prob, DefaultStyle)
		tol := gradTol * max(1, prob.total)
		var moves []float64
		if err := s.nt.minimize(moveLog{s.obj, &moves}, bound, tol, 0); err != nil {
			t.Fatal(err)
		}
		t.Logf("logit moves of the Newton steps: %.3g", moves)
		largest = slices.Max(moves)
		if err := s.nt.minimize(valueSearch{s.obj}, values, tol, 0); err != nil {
			t.Fatal(err)
		}
		return bound, values
	}
	// From zero the first steps move logits by more than the bound, so
	// both kinds of line search are exercised.
	cold, coldValues := fits(prob, make([]float64, n+NumStyleFeatures))
	if !slices.Equal(cold, coldValues) {
		t.Errorf("style fit from zero: %v with the bound, %v without", cold, coldValues)
	}
	if largest <= safeLogitMove {
		t.Errorf("no step from zero moved a logit by more than %v; the value-based search went untested", safeLogitMove)
	}
	mn := newMultinomial(prob.cellWeights())
	counts := make([]int32, len(mn.weights))
	mn.draw(roundRand(1, 0), counts)
	round := *prob
	round.w, round.active = newRowWeights(len(prob.a)), nil
	round.fillFromCounts(counts)
	warm, warmValues := fits(&round, cold)
	if !slices.Equal(warm, warmValues) {
		t.Errorf("style bootstrap round: %v with the bound, %v without", warm, warmValues)
	}

	cells := Cells(set.Outcomes)
	bt := newBTProblem(n, cells)
	bt.fill(cells, nil)
	obj := &btObjective{prob: bt, alpha: DefaultBT.alpha()}
	x, xValues := make([]float64, n), make([]float64, n)
	tol := gradTol * bt.total()
	if err := newNewton(n).minimize(obj, x, tol, n); err != nil {
		t.Fatal(err)
	}
	if err := newNewton(n).minimize(valueSearch{obj}, xValues, tol, n); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(x, xValues) {
		t.Errorf("BT fit: %v with the bound, %v without", x, xValues)
	}
}

// TestFixedBinomialDrawsAsBinomial checks that the per-cell binomial with
// its constants worked out once draws exactly what binomial draws.
func TestFixedBinomialDrawsAsBinomial(t *testing.T) {
	for _, p := range []float64{1e-9, 0.001, 0.01, 0.2, 0.5, 0.5000001, 0.7, 0.99, 1 - 1e-12, 1} {
		fb := newFixedBinomial(p)
		for _, n := range []int{0, 1, 5, 30, 200, 5000, 1000000} {
			r1, r2 := rand.New(rand.NewPCG(7, uint64(n))), rand.New(rand.NewPCG(7, uint64(n)))
			for range 200 {
				if want, got := binomial(r1, n, p), fb.draw(r2, n); got != want {
					t.Fatalf("p=%v n=%d: drew %d, binomial draws %d", p, n, got, want)
				}
			}
		}
	}
}

// TestNewtonStartFactorClosingStep: a fit started near its optimum with
// the optimum's Hessian factor converges after that first step; the closing
// step must then solve with that factor, not with a factor the solver
// never computed (all zeros in a new solver, which gave NaN).
func TestNewtonStartFactorClosingStep(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 8, Battles: 20000, Seed: 7})
	cells := Cells(set.Outcomes)
	n := len(set.Models)
	prob := newBTProblem(n, cells)
	prob.fill(cells, nil)
	full := newBTSolver(n)
	best := make([]float64, n)
	if err := full.solve(prob, best, DefaultBT); err != nil {
		t.Fatal(err)
	}
	x := slices.Clone(best)
	for i := range x {
		x[i] += 1e-6 * float64(i%3-1)
	}
	s := newBTSolver(n)
	s.nt.start = full.nt.l
	if err := s.solve(prob, x, DefaultBT); err != nil {
		t.Fatal(err)
	}
	if s.nt.iterations != 1 {
		t.Errorf("%d iterations, want the start factor's step and the closing step (1)", s.nt.iterations)
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.Abs(x[i]-best[i]) > 1e-9 {
			t.Fatalf("θ[%d] = %v, want %v", i, x[i], best[i])
		}
	}
}
