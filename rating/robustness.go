package rating

import (
	"fmt"
	"slices"
)

// Robustness says how many votes stand between the board and a different
// #1: the fewest vote flips after which the leader by Bradley–Terry score
// is no longer alone at the top. One or two means the top spot is a coin
// toss whatever the intervals say; hundreds mean it is settled.
//
// A flip reverses one decisive vote on the same pair: a vote "A beat B"
// becomes "B beat A", seats and all other votes unchanged. Ties are never
// flipped: a tie is half a win to each side, so "tie → win" would be half
// a flip, and counting whole decisive reversals keeps the unit plain. The
// leader is dethroned when another model's score reaches it (within 1e-9
// points): a shared top counts as a change.
type Robustness struct {
	// Leader is the index of the model that is #1 now.
	Leader int
	// FlipsToChangeTop is the number of flips; 0 when the top is already
	// shared, −1 when no set of flips the method tried dethrones it.
	FlipsToChangeTop int
	// Method is "exact" when FlipsToChangeTop is proven minimal, or
	// "greedy" when it is an upper bound found by the greedy search.
	Method string
	// Flips is one set of flips of that size that changes the top.
	Flips []Flip
}

// Flip reverses Count decisive votes that From won against To.
type Flip struct {
	From, To, Count int
}

// The robustness methods.
const (
	MethodExact  = "exact"
	MethodGreedy = "greedy"
)

// RobustnessOptions bound the work of TopRobustness.
type RobustnessOptions struct {
	// MaxExactFits caps the Bradley–Terry refits the exact search may
	// run; above it the greedy bound is returned. 0 means
	// DefaultMaxExactFits; negative means greedy only.
	MaxExactFits int
}

// DefaultMaxExactFits keeps the exact search under about a second on a
// small board.
const DefaultMaxExactFits = 20000

// dethroneTol is how close, in rating points, a challenger must come to
// the leader to count as level with it.
const dethroneTol = 1e-9

// TopRobustness finds the fewest flips that change the #1 of the
// Bradley–Terry fit on cells (weights ignored: this is about the plain
// arena score).
//
// It first runs the greedy search (see flipBoard.greedy), which gives an
// upper bound U. When the flip sets of sizes 1..U−1 number at most
// MaxExactFits, it enumerates them all, smallest size first, refitting
// for each, and so proves the minimum ("exact"). Flip sets are counted per
// pair as a signed net number of reversals: reversing votes both ways on
// one pair only wastes flips, and the seat does not enter the fit.
func TopRobustness(n int, cells []Cell, p BTParams, opt RobustnessOptions) (Robustness, error) {
	b, err := newFlipBoard(n, cells, p)
	if err != nil {
		return Robustness{}, err
	}
	out := Robustness{Leader: b.leader, Method: MethodGreedy}
	if b.dethroned(b.theta0) {
		out.Method = MethodExact
		return out, nil
	}
	best, d, err := b.greedy()
	if err != nil {
		return Robustness{}, err
	}
	limit := opt.MaxExactFits
	if limit == 0 {
		limit = DefaultMaxExactFits
	}
	levels := best - 1
	if best < 0 {
		levels = b.decisive()
	}
	if limit > 0 && b.leaves(levels, limit) <= limit {
		out.Method = MethodExact
		if k, dk, err := b.exact(levels); err != nil {
			return Robustness{}, err
		} else if k > 0 {
			best, d = k, dk
		}
	}
	out.FlipsToChangeTop = best
	if best > 0 {
		out.Flips = b.flips(d)
	}
	return out, nil
}

// flipBoard is the data laid out for flipping: pair k has cells 3k (pj
// won), 3k+1 (ties) and 3k+2 (pi won), as outcomeSlot numbers them, and a
// signed net flip d[k]: d > 0 turns d of pj's wins into pi's, d < 0 turns
// −d of pi's wins into pj's.
type flipBoard struct {
	n            int
	p            BTParams
	cells        []Cell
	base, counts []int32
	prob         *btProblem
	solver       *btSolver
	theta0       []float64
	leader       int
	room         []int // the exact search's pruning bound
}

// newFlipBoard pools cells per unordered pair and fits the start.
func newFlipBoard(n int, cells []Cell, p BTParams) (*flipBoard, error) {
	index := make(map[[2]int]int)
	var flat []Cell
	for _, c := range cells {
		key := pairKey(c.A, c.B)
		k, ok := index[key]
		if !ok {
			k = len(flat) / 3
			index[key] = k
			for slot := range 3 {
				flat = append(flat, Cell{A: key[0], B: key[1], Result: float64(slot) / 2})
			}
		}
		r := c.Result
		if c.A != key[0] {
			r = 1 - r
		}
		flat[3*k+outcomeSlot(r)].Count += c.Count
	}
	b := &flipBoard{n: n, p: p, cells: flat, prob: newBTProblem(n, flat), solver: newBTSolver(n)}
	b.base = make([]int32, len(flat))
	for i, c := range flat {
		b.base[i] = int32(c.Count)
	}
	b.counts = slices.Clone(b.base)
	b.theta0 = make([]float64, n)
	if err := b.fit(nil, b.theta0); err != nil {
		return nil, err
	}
	for i, t := range b.theta0 {
		if t > b.theta0[b.leader] {
			b.leader = i
		}
	}
	return b, nil
}

// fit refits with net flips d (nil: none), warm-started from theta.
func (b *flipBoard) fit(d []int, theta []float64) error {
	copy(b.counts, b.base)
	for k, dk := range d {
		b.counts[3*k+2] += int32(dk)
		b.counts[3*k] -= int32(dk)
	}
	b.prob.fill(b.cells, b.counts)
	if err := b.solver.solve(b.prob, theta, b.p); err != nil {
		return fmt.Errorf("rating: refit after flips: %w", err)
	}
	return nil
}

// dethroned reports whether some other model has reached the leader.
func (b *flipBoard) dethroned(theta []float64) bool {
	tol := dethroneTol / b.p.Scale
	for i, t := range theta {
		if i != b.leader && t >= theta[b.leader]-tol {
			return true
		}
	}
	return false
}

// decisive is the number of decisive votes, the most flips there can be.
func (b *flipBoard) decisive() int {
	t := 0
	for k := 0; k < len(b.base); k += 3 {
		t += int(b.base[k] + b.base[k+2])
	}
	return t
}

// flips lists net flips d as Flips.
func (b *flipBoard) flips(d []int) []Flip {
	var out []Flip
	for k, dk := range d {
		i, j := b.cells[3*k].A, b.cells[3*k].B
		switch {
		case dk > 0:
			out = append(out, Flip{From: j, To: i, Count: dk})
		case dk < 0:
			out = append(out, Flip{From: i, To: j, Count: -dk})
		}
	}
	return out
}
