package rating

import (
	"math/rand/v2"
	"testing"
)

// TestHasMLE checks Zermelo's condition on small graphs, each answer
// against the two searches alone, so the union of two-way pairs never
// says yes where the searches say no.
func TestHasMLE(t *testing.T) {
	w := func(a, b int) Cell { return Cell{A: a, B: b, Result: 1, Count: 1} }
	tie := func(a, b int) Cell { return Cell{A: a, B: b, Result: 0.5, Count: 1} }
	for _, tc := range []struct {
		name  string
		n     int
		cells []Cell
		want  bool
	}{
		{"two-way pairs join all", 3, []Cell{w(0, 1), w(1, 0), w(1, 2), w(2, 1)}, true},
		{"ties join all", 3, []Cell{tie(0, 1), tie(2, 1)}, true},
		{"a cycle of one-way wins", 3, []Cell{w(0, 1), w(1, 2), w(2, 0)}, true},
		{"one model never lost", 3, []Cell{w(0, 1), w(0, 2), w(1, 2), w(2, 1)}, false},
		{"one model never won", 3, []Cell{w(0, 1), w(1, 0), w(0, 2), w(1, 2)}, false},
		{"two groups", 4, []Cell{tie(0, 1), tie(2, 3)}, false},
		{"two-way groups joined one way", 4, []Cell{tie(0, 1), tie(2, 3), w(1, 2)}, false},
		{"two-way groups joined both ways", 4, []Cell{tie(0, 1), tie(2, 3), w(1, 2), w(3, 0)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newBTProblem(tc.n, tc.cells)
			p.fill(tc.cells, nil)
			if got := p.hasMLE(); got != tc.want {
				t.Errorf("hasMLE = %v, want %v", got, tc.want)
			}
			if got := p.reachesAll(true) && p.reachesAll(false); got != tc.want {
				t.Errorf("the searches say %v, want %v", got, tc.want)
			}
		})
	}
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 2000 {
		n := 2 + r.IntN(6)
		var cells []Cell
		for range r.IntN(3 * n) {
			a, b := r.IntN(n), r.IntN(n)
			if a != b {
				cells = append(cells, Cell{A: a, B: b, Result: float64(r.IntN(3)) / 2, Count: 1})
			}
		}
		p := newBTProblem(n, cells)
		p.fill(cells, nil)
		if got, want := p.hasMLE(), p.reachesAll(true) && p.reachesAll(false); got != want {
			t.Fatalf("trial %d, %d models, cells %+v: hasMLE %v, the searches %v", trial, n, cells, got, want)
		}
	}
}
