package rating

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// approx compares ratings to well below anything displayed.
var approx = cmpopts.EquateApprox(0, 1e-9)

func fitOutcomes(t *testing.T, n int, outcomes []Outcome, p BTParams) []float64 {
	t.Helper()
	r, err := FitBT(n, Cells(outcomes), p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBTInvariantToBattleOrder(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 15, Battles: 8000, Seed: 11, TieRate: 0.2})
	want := fitOutcomes(t, len(set.Models), set.Outcomes, DefaultBT)
	shuffled := append([]Outcome(nil), set.Outcomes...)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	if diff := cmp.Diff(want, fitOutcomes(t, len(set.Models), shuffled, DefaultBT), approx); diff != "" {
		t.Errorf("shuffling battles changed the ratings (-ordered +shuffled):\n%s", diff)
	}
}

func TestBTInvariantToSideSwap(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 15, Battles: 8000, Seed: 12, TieRate: 0.2})
	want := fitOutcomes(t, len(set.Models), set.Outcomes, DefaultBT)
	swapped := make([]Outcome, len(set.Outcomes))
	for i, o := range set.Outcomes {
		if i%2 == 0 {
			o = Outcome{A: o.B, B: o.A, Result: 1 - o.Result}
		}
		swapped[i] = o
	}
	if diff := cmp.Diff(want, fitOutcomes(t, len(set.Models), swapped, DefaultBT), approx); diff != "" {
		t.Errorf("swapping sides with flipped outcomes changed the ratings (-original +swapped):\n%s", diff)
	}
}

func TestBTRecoversKnownStrengths(t *testing.T) {
	set, truth := Simulate(SimConfig{Models: 10, Battles: 200000, Seed: 5})
	got := fitOutcomes(t, len(set.Models), set.Outcomes, DefaultBT)
	// 200k battles over 10 models: about 40k per model, a standard error
	// of a few rating points.
	if diff := cmp.Diff(truth.Ratings, got, cmpopts.EquateApprox(0, 12)); diff != "" {
		t.Errorf("fit is far from the true strengths (-truth +fit):\n%s", diff)
	}
}

func TestBTAnchorIsAShift(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 8, Battles: 3000, Seed: 2, TieRate: 0.1})
	plain := fitOutcomes(t, len(set.Models), set.Outcomes, DefaultBT)
	p := DefaultBT
	p.Anchor = &Anchor{Model: 3, Score: 1114}
	anchored := fitOutcomes(t, len(set.Models), set.Outcomes, p)
	if anchored[3] != 1114 {
		t.Errorf("anchor rating = %v, want 1114", anchored[3])
	}
	shift := 1114 - plain[3]
	for i := range plain {
		if math.Abs(anchored[i]-plain[i]-shift) > 1e-9 {
			t.Errorf("model %d moved by %v, want %v", i, anchored[i]-plain[i], shift)
		}
	}
}

func TestBTMeanIsInitial(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 30, Battles: 10000, Seed: 8, TieRate: 0.2})
	r := fitOutcomes(t, len(set.Models), set.Outcomes, DefaultBT)
	m := 0.0
	for _, x := range r {
		m += x
	}
	if m /= float64(len(r)); math.Abs(m-1000) > 1e-9 {
		t.Errorf("mean rating %v, want 1000", m)
	}
}

// TestBTWithoutMLE covers an early board: model 2 has never lost, so no
// finite MLE exists and the fallback ridge must give finite ratings with
// the undefeated model on top.
func TestBTWithoutMLE(t *testing.T) {
	outcomes := []Outcome{{0, 1, 1}, {1, 0, 1}, {2, 0, 1}, {2, 1, 1}, {0, 1, 0.5}}
	r := fitOutcomes(t, 3, outcomes, DefaultBT)
	for i, x := range r {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("rating %d = %v", i, x)
		}
	}
	if !(r[2] > r[0] && r[2] > r[1]) {
		t.Errorf("undefeated model not on top: %v", r)
	}
	p := DefaultBT
	p.FallbackRidge = 0
	if _, err := FitBT(3, Cells(outcomes), p); err == nil {
		t.Error("no MLE and no fallback ridge: want an error")
	}
}

// TestSandwichNearBootstrap checks the two interval methods agree on width
// within reason on well-specified data.
func TestSandwichNearBootstrap(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 10, Battles: 20000, Seed: 4, TieRate: 0.2})
	cells := Cells(set.Outcomes)
	n := len(set.Models)
	sw, err := SandwichBT(n, cells, DefaultBT, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := BootstrapBT(context.Background(), n, cells, DefaultBT, BootstrapOptions{Rounds: 400, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	bs := Intervals(samples, 0.95)
	for i := range sw {
		ws, wb := sw[i].Upper-sw[i].Lower, bs[i].Upper-bs[i].Lower
		if math.Abs(ws/wb-1) > 0.2 {
			t.Errorf("model %d: sandwich width %.2f, bootstrap %.2f", i, ws, wb)
		}
	}
}
