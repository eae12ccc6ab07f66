package rating

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// battles builds n copies of outcome (a, b, r).
func battles(a, b int, r float64, n int) []Outcome {
	out := make([]Outcome, n)
	for i := range out {
		out[i] = Outcome{A: a, B: b, Result: r}
	}
	return out
}

// symmetricBoard: A beats B 60–40, B beats C 60–40 (100 battles each),
// A beats C 9–1 (10 battles). Swapping A and C and reversing every
// result gives the same data, so θ_A−θ_B = θ_B−θ_C = x and B sits at 0.
func symmetricBoard() []Outcome {
	var o []Outcome
	o = append(o, battles(0, 1, 1, 60)...)
	o = append(o, battles(1, 0, 1, 40)...) // B won in seat A: still B's win
	o = append(o, battles(1, 2, 1, 60)...)
	o = append(o, battles(1, 2, 0, 40)...)
	o = append(o, battles(0, 2, 1, 9)...)
	o = append(o, battles(2, 0, 1, 1)...)
	return o
}

// solveX solves A's likelihood equation on symmetricBoard by bisection:
// wAB·(100·σ(αx) − 60) + wAC·(10·σ(2αx) − 9) = 0, increasing in x.
func solveX(wAB, wAC float64) float64 {
	alpha := math.Log(10)
	f := func(x float64) float64 {
		return wAB*(100*sigmoid(alpha*x)-60) + wAC*(10*sigmoid(2*alpha*x)-9)
	}
	lo, hi := -5.0, 5.0
	for range 200 {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}

func TestReweightCellsWeights(t *testing.T) {
	cells := ReweightCells(Cells(symmetricBoard()), 50)
	// 210 battles; raw weights 1/100 on A–B and B–C, 1/max(10, 50) on
	// A–C, summing to 100/100 + 100/100 + 10/50 = 2.2 over the battles.
	scale := 210 / 2.2
	for _, c := range cells {
		want := scale / 100
		if pairKey(c.A, c.B) == [2]int{0, 2} {
			want = scale / 50
		}
		if math.Abs(c.Weight-want) > 1e-12 {
			t.Errorf("cell %+v: weight %v, want %v", c, c.Weight, want)
		}
	}
	// A floor above every pair count weights all battles alike.
	for _, c := range ReweightCells(Cells(symmetricBoard()), 1000) {
		if math.Abs(c.Weight-1) > 1e-12 {
			t.Errorf("floor 1000: cell %+v weight %v, want 1", c, c.Weight)
		}
	}
}

func TestReweightedFitByHand(t *testing.T) {
	for _, tc := range []struct {
		name     string
		reweight bool
		floor    int
		wAB, wAC float64
	}{
		{"plain", false, 0, 1, 1},
		{"reweighted, default floor 50", true, 0, 1.0 / 100, 1.0 / 50},
		{"reweighted, floor 5", true, 5, 1.0 / 100, 1.0 / 10},
		{"reweighted, floor 200", true, 200, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := DefaultOptions()
			opt.Reweight, opt.MinPairCount = tc.reweight, tc.floor
			opt.Bootstrap.Rounds = 0
			board, err := ComputeBoard(context.Background(), []string{"A", "B", "C"}, symmetricBoard(), nil, opt)
			if err != nil {
				t.Fatal(err)
			}
			x := solveX(tc.wAB, tc.wAC)
			want := map[string]float64{"A": 1000 + 400*x, "B": 1000, "C": 1000 - 400*x}
			for _, m := range board.Models {
				if math.Abs(m.Score-want[m.Model]) > 1e-9 {
					t.Errorf("%s = %.12f, want %.12f", m.Model, m.Score, want[m.Model])
				}
			}
		})
	}
	// The hand cases differ, so the option does something.
	if math.Abs(solveX(1, 1)-solveX(0.01, 0.02)) < 1e-3 {
		t.Fatal("the reweighted and plain cases are too close to tell apart")
	}
}

func TestReweightedBootstrapDeterministic(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 6, Battles: 3000, Seed: 3, TieRate: 0.2})
	run := func(reweight bool, workers int) *Board {
		opt := DefaultOptions()
		opt.Reweight = reweight
		opt.Bootstrap = BootstrapOptions{Rounds: 30, Seed: 7, Workers: workers}
		b, err := ComputeBoard(context.Background(), set.Models, set.Outcomes, nil, opt)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := run(true, 1)
	if diff := cmp.Diff(first, run(true, 2)); diff != "" {
		t.Errorf("reweighted bootstrap differs between runs (-first +second):\n%s", diff)
	}
	if cmp.Equal(first, run(false, 1)) {
		t.Error("reweighting changed nothing on an unevenly sampled board")
	}
}

// TestReweightedSandwichEvenPairs: when every pair has the same count the
// weights are all 1 and reweighting must leave the sandwich intervals as
// they are. The weights come out 1 only to a few ulps, and the sandwich's
// regularised inverse amplifies that to ~1e-7 points, hence the tolerance.
func TestReweightedSandwichEvenPairs(t *testing.T) {
	var o []Outcome
	for a := range 4 {
		for b := a + 1; b < 4; b++ {
			o = append(o, battles(a, b, 1, 30+5*a)...)
			o = append(o, battles(b, a, 1, 30-5*a+b)...)
			o = append(o, battles(a, b, 0.5, 10-b)...)
		}
	}
	// Pad pairs to the same count with ties so every pair has 80 battles.
	counts := map[[2]int]int{}
	for _, x := range o {
		counts[pairKey(x.A, x.B)]++
	}
	for k, c := range counts {
		o = append(o, battles(k[0], k[1], 0.5, 80-c)...)
	}
	cells := Cells(o)
	plain, err := SandwichBT(4, cells, DefaultBT, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	weighted, err := SandwichBT(4, ReweightCells(cells, 50), DefaultBT, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plain, weighted, cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) < 1e-6 })); diff != "" {
		t.Errorf("even pairs: reweighting moved the sandwich intervals:\n%s", diff)
	}
}

// TestComputeBoardSpreadAndReweightedSandwich runs the board with
// reweighting and sandwich intervals and checks the rank spread columns.
func TestComputeBoardSpreadAndReweightedSandwich(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 8, Battles: 4000, Seed: 9, TieRate: 0.2})
	opt := DefaultOptions()
	opt.CI, opt.Reweight, opt.MinPairCount = CISandwich, true, 20
	board, err := ComputeBoard(context.Background(), set.Models, set.Outcomes, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	ci := make([]Interval, len(board.Models))
	for i, m := range board.Models {
		ci[i] = m.CI
	}
	want, err := SandwichBT(len(set.Models), ReweightCells(Cells(set.Outcomes), 20), DefaultBT, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	spread := RankSpread(ci)
	for i, m := range board.Models {
		if m.RankBest != spread[i].Best || m.RankWorst != spread[i].Worst || m.RankBest != m.RankUB {
			t.Errorf("%s: best %d worst %d rank %d, want %+v", m.Model, m.RankBest, m.RankWorst, m.RankUB, spread[i])
		}
		if math.Abs(m.CI.Lower-want[m.Index].Lower) > 1e-9 || math.Abs(m.Score-want[m.Index].Median) > 1e-9 {
			t.Errorf("%s: %+v, want %+v", m.Model, m.CI, want[m.Index])
		}
	}
}
