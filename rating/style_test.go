package rating

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestStyleRecoversKnownEffects draws battles whose votes are swayed by
// style and checks the fit finds both the strengths and the effects. The
// true β is per raw ratio; the fit's is per standard deviation.
func TestStyleRecoversKnownEffects(t *testing.T) {
	set, truth := Simulate(SimConfig{Models: 10, Battles: 200000, Seed: 21, StyleEffect: DefaultStyleEffect})
	fit, err := FitStyle(len(set.Models), set.Outcomes, set.Style, DefaultStyle)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(truth.Ratings, fit.Ratings, cmpopts.EquateApprox(0, 12)); diff != "" {
		t.Errorf("style-controlled ratings far from truth (-truth +fit):\n%s", diff)
	}
	for k, beta := range DefaultStyleEffect {
		got := fit.Coefficients[k] / fit.Norm.Std[k]
		if math.Abs(got-beta) > 0.08 {
			t.Errorf("%s effect = %.3f per raw ratio, want %.3f", StyleFeatureNames[k], got, beta)
		}
	}
}

func TestStyleInvariantToSideSwapAndOrder(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 12, Battles: 6000, Seed: 22, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	n := len(set.Models)
	want, err := FitStyle(n, set.Outcomes, set.Style, DefaultStyle)
	if err != nil {
		t.Fatal(err)
	}
	// Swap every third battle's seats and reverse the order: the features
	// and their normalisation change, but not how much each battle says.
	var outs []Outcome
	var style []StyleCounts
	for i := len(set.Outcomes) - 1; i >= 0; i-- {
		o, s := set.Outcomes[i], set.Style[i]
		if i%3 == 0 {
			o = Outcome{A: o.B, B: o.A, Result: 1 - o.Result}
			s = StyleCounts{A: s.B, B: s.A}
		}
		outs = append(outs, o)
		style = append(style, s)
	}
	got, err := FitStyle(n, outs, style, DefaultStyle)
	if err != nil {
		t.Fatal(err)
	}
	// Swapping moves the features' mean, so this is not an exact identity;
	// with a mean near zero it must stay within a fraction of a point.
	if diff := cmp.Diff(want.Ratings, got.Ratings, cmpopts.EquateApprox(0, 0.5)); diff != "" {
		t.Errorf("ratings changed (-original +swapped):\n%s", diff)
	}
	// Reordering alone is exact.
	rev := make([]Outcome, len(set.Outcomes))
	revStyle := make([]StyleCounts, len(set.Style))
	for i := range rev {
		rev[i] = set.Outcomes[len(rev)-1-i]
		revStyle[i] = set.Style[len(rev)-1-i]
	}
	got, err = FitStyle(n, rev, revStyle, DefaultStyle)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Ratings, got.Ratings, approx); diff != "" {
		t.Errorf("reordering battles changed the ratings:\n%s", diff)
	}
}

func TestStyleBootstrapDeterministic(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 8, Battles: 3000, Seed: 23, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	var first *StyleSamples
	for _, workers := range []int{1, 3} {
		got, err := BootstrapStyle(context.Background(), len(set.Models), set.Outcomes, set.Style, DefaultStyle,
			BootstrapOptions{Rounds: 10, Seed: 5, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("workers=%d changed the style bootstrap:\n%s", workers, diff)
		}
	}
}

func TestStyleFeaturesConstantColumn(t *testing.T) {
	style := []StyleCounts{{A: [4]float64{10, 0, 1, 2}, B: [4]float64{5, 0, 1, 0}}, {A: [4]float64{1, 0, 3, 2}, B: [4]float64{5, 0, 1, 9}}}
	feats, norm := StyleFeatures(style)
	if norm.Std[1] != 0 || feats[0][1] != 0 || feats[1][1] != 0 {
		t.Errorf("constant header column: std %v, features %v", norm.Std[1], feats)
	}
}
