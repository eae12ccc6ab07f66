package rating

import (
	"math/rand/v2"
	"testing"
)

// record is a small board as counts: wins[i][j] decisive votes i won
// against j, ties[i][j] (i < j) tied votes.
type record struct {
	wins, ties [][]int
}

func newRecord(n int) record {
	r := record{wins: make([][]int, n), ties: make([][]int, n)}
	for i := range n {
		r.wins[i], r.ties[i] = make([]int, n), make([]int, n)
	}
	return r
}

func (r record) outcomes() []Outcome {
	var o []Outcome
	for i := range r.wins {
		for j := range r.wins {
			// Alternate seats so the seat plays no part in the answer.
			for k := range r.wins[i][j] {
				if k%2 == 0 {
					o = append(o, Outcome{A: i, B: j, Result: 1})
				} else {
					o = append(o, Outcome{A: j, B: i, Result: 0})
				}
			}
			o = append(o, battles(i, j, 0.5, r.ties[i][j])...)
		}
	}
	return o
}

// leaderAndDethroned fits the record and reports the leader, or whether
// leader has been reached by another model.
func fitTop(t *testing.T, r record) []float64 {
	t.Helper()
	s, err := FitBT(len(r.wins), Cells(r.outcomes()), DefaultBT)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func reached(s []float64, leader int) bool {
	for i, v := range s {
		if i != leader && v >= s[leader]-dethroneTol {
			return true
		}
	}
	return false
}

// bruteForce tries every way of flipping every subset of decisive votes
// (votes between the same winner and loser are interchangeable, so a
// count per ordered pair covers all subsets, both directions of a pair
// included) and returns the fewest flips that dethrone the leader.
func bruteForce(t *testing.T, r record, leader int) int {
	t.Helper()
	n := len(r.wins)
	type dir struct{ from, to int }
	var dirs []dir
	for i := range n {
		for j := range n {
			if r.wins[i][j] > 0 {
				dirs = append(dirs, dir{i, j})
			}
		}
	}
	best := -1
	f := make([]int, len(dirs))
	var rec func(k, total int)
	rec = func(k, total int) {
		if best >= 0 && total >= best {
			return
		}
		if k == len(dirs) {
			m := newRecord(n)
			for i := range n {
				copy(m.wins[i], r.wins[i])
				copy(m.ties[i], r.ties[i])
			}
			for x, d := range dirs {
				m.wins[d.from][d.to] -= f[x]
				m.wins[d.to][d.from] += f[x]
			}
			if reached(fitTop(t, m), leader) {
				best = total
			}
			return
		}
		for c := 0; c <= r.wins[dirs[k].from][dirs[k].to]; c++ {
			f[k] = c
			rec(k+1, total+c)
		}
		f[k] = 0
	}
	rec(0, 0)
	return best
}

func fixedRecord(n int, wins [][3]int, ties [][3]int) record {
	r := newRecord(n)
	for _, w := range wins {
		r.wins[w[0]][w[1]] = w[2]
	}
	for _, x := range ties {
		r.ties[x[0]][x[1]] = x[2]
	}
	return r
}

// randomRecord draws a small board whose brute force stays cheap.
func randomRecord(seed uint64, n int) record {
	rng := rand.New(rand.NewPCG(seed, 1))
	r := newRecord(n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			r.wins[i][j] = rng.IntN(4) + 2*btoi(i == 0)
			r.wins[j][i] = rng.IntN(3)
			r.ties[i][j] = rng.IntN(2)
		}
	}
	return r
}

func TestTopRobustnessAgainstBruteForce(t *testing.T) {
	cases := []struct {
		name string
		r    record
	}{
		{"3 models", fixedRecord(3, [][3]int{{0, 1, 6}, {1, 0, 4}, {1, 2, 5}, {2, 1, 3}, {0, 2, 4}, {2, 0, 3}}, [][3]int{{0, 1, 2}, {0, 2, 1}})},
		{"4 models", fixedRecord(4, [][3]int{{0, 1, 2}, {1, 0, 1}, {0, 2, 2}, {2, 0, 1}, {0, 3, 2}, {1, 2, 2}, {2, 1, 1}, {1, 3, 1}, {3, 1, 1}, {2, 3, 2}, {3, 2, 1}}, [][3]int{{0, 3, 1}})},
		{"clear leader, 3 models", fixedRecord(3, [][3]int{{0, 1, 8}, {1, 0, 2}, {0, 2, 7}, {2, 0, 1}, {1, 2, 4}, {2, 1, 4}}, [][3]int{{0, 1, 2}, {1, 2, 3}})},
		{"clear leader, 4 models", fixedRecord(4, [][3]int{{0, 1, 4}, {1, 0, 1}, {0, 2, 3}, {0, 3, 3}, {3, 0, 1}, {1, 2, 2}, {2, 1, 1}, {1, 3, 1}, {3, 1, 2}, {2, 3, 2}, {3, 2, 1}}, [][3]int{{0, 2, 1}})},
		{"leader never lost", fixedRecord(3, [][3]int{{0, 1, 3}, {0, 2, 2}, {1, 2, 2}, {2, 1, 1}}, nil)},
		{"shared top", fixedRecord(3, [][3]int{{0, 1, 3}, {1, 0, 3}, {0, 2, 4}, {1, 2, 4}, {2, 0, 1}, {2, 1, 1}}, nil)},
	}
	for seed := range uint64(5) {
		cases = append(cases, struct {
			name string
			r    record
		}{"random 4 models", randomRecord(seed, 4)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cells := Cells(tc.r.outcomes())
			exact, err := TopRobustness(len(tc.r.wins), cells, DefaultBT, RobustnessOptions{})
			if err != nil {
				t.Fatal(err)
			}
			greedy, err := TopRobustness(len(tc.r.wins), cells, DefaultBT, RobustnessOptions{MaxExactFits: -1})
			if err != nil {
				t.Fatal(err)
			}
			start := fitTop(t, tc.r)
			want := 0
			if !reached(start, exact.Leader) {
				want = bruteForce(t, tc.r, exact.Leader)
			}
			for i, s := range start {
				if s > start[exact.Leader] {
					t.Fatalf("leader %d is not the top: model %d scores %v > %v", exact.Leader, i, s, start[exact.Leader])
				}
			}
			if exact.Method != MethodExact || exact.FlipsToChangeTop != want {
				t.Errorf("exact: %+v, brute force says %d", exact, want)
			}
			if want > 0 && greedy.Method != MethodGreedy || greedy.FlipsToChangeTop < want || (want > 0) != (greedy.FlipsToChangeTop > 0) {
				t.Errorf("greedy: %+v, brute force says %d", greedy, want)
			}
			checkFlips(t, tc.r, exact)
			checkFlips(t, tc.r, greedy)
			t.Logf("brute force %d, exact %d, greedy %d", want, exact.FlipsToChangeTop, greedy.FlipsToChangeTop)
		})
	}
}

// checkFlips applies the reported flips and checks they add up and
// dethrone the leader.
func checkFlips(t *testing.T, r record, got Robustness) {
	t.Helper()
	if got.FlipsToChangeTop <= 0 {
		return
	}
	m := newRecord(len(r.wins))
	for i := range r.wins {
		copy(m.wins[i], r.wins[i])
		copy(m.ties[i], r.ties[i])
	}
	total := 0
	for _, f := range got.Flips {
		if f.Count <= 0 || f.Count > m.wins[f.From][f.To] {
			t.Fatalf("flip %+v: only %d such votes", f, m.wins[f.From][f.To])
		}
		m.wins[f.From][f.To] -= f.Count
		m.wins[f.To][f.From] += f.Count
		total += f.Count
	}
	if total != got.FlipsToChangeTop || !reached(fitTop(t, m), got.Leader) {
		t.Errorf("%s flips %+v (total %d) do not dethrone model %d", got.Method, got.Flips, total, got.Leader)
	}
}

func TestTopRobustnessExactFallsBackToGreedy(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 12, Battles: 6000, Seed: 5, TieRate: 0.2})
	cells := Cells(set.Outcomes)
	got, err := TopRobustness(len(set.Models), cells, DefaultBT, RobustnessOptions{MaxExactFits: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got.FlipsToChangeTop > 1 && got.Method != MethodGreedy {
		t.Errorf("a 10-fit budget cannot prove %d flips minimal, yet method is %q", got.FlipsToChangeTop, got.Method)
	}
	if got.FlipsToChangeTop <= 0 {
		t.Fatalf("no flips found on a simulated board: %+v", got)
	}
	t.Logf("12 models, 6000 battles: %d flips (%s)", got.FlipsToChangeTop, got.Method)
}
