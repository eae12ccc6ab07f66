package rating

import (
	"math"
	"testing"
)

func TestIntervalSE(t *testing.T) {
	z := 1.959963984540054
	for _, tc := range []struct {
		in    Interval
		level float64
		want  float64
	}{
		{iv(1000-10*z, 1000+10*z), 0.95, 10},
		{iv(990, 1030), 0.95, 20 / z}, // asymmetric: average half-width
		{iv(5, 5), 0.95, 0},
	} {
		if got := IntervalSE(tc.in, tc.level); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("IntervalSE(%+v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestScoreChangesHolm(t *testing.T) {
	// SE 0 before and 1 after, so z is the change. Two-sided p-values:
	// z=3 → 0.0026998, 2.5 → 0.0124193, 2.2 → 0.0278069, 0.5 → 0.6170751.
	before := []Estimate{{1000, 0}, {1000, 0}, {1000, 0}, {1000, 0}}
	after := []Estimate{{1002.2, 1}, {997, 1}, {1000.5, 1}, {1002.5, 1}}
	want := []struct {
		p, adj float64
		sig    bool
	}{
		// Holm: sorted p times 4, 3, 2, 1, running maximum.
		{0.02780689502699722, 2 * 0.02780689502699722, false}, // significant alone, not after Holm
		{0.0026997960632601913, 4 * 0.0026997960632601913, true},
		{0.6170750774519738, 0.6170750774519738, false},
		{0.012419330651552278, 3 * 0.012419330651552278, true},
	}
	got := ScoreChanges(before, after, 0.05)
	for i, w := range want {
		g := got[i]
		if math.Abs(g.P-w.p) > 1e-12 || math.Abs(g.PAdjusted-w.adj) > 1e-12 || g.Significant != w.sig {
			t.Errorf("model %d: got %+v, want p %v adjusted %v significant %v", i, g, w.p, w.adj, w.sig)
		}
		if math.Abs(g.Delta-(after[i].Score-before[i].Score)) > 1e-12 || math.Abs(g.Z-g.Delta) > 1e-12 {
			t.Errorf("model %d: delta %v z %v", i, g.Delta, g.Z)
		}
	}
}

func TestScoreChangesEdges(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after Estimate
		wantP         float64
		wantSig       bool
	}{
		{"no change, no error", Estimate{1000, 0}, Estimate{1000, 0}, 1, false},
		{"change, no error", Estimate{1000, 0}, Estimate{1001, 0}, 0, true},
		{"both errors count", Estimate{1000, 3}, Estimate{1010, 4}, math.Erfc(2 / math.Sqrt2), true},
		{"within noise", Estimate{1000, 10}, Estimate{1010, 10}, math.Erfc(10 / math.Sqrt(200) / math.Sqrt2), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ScoreChanges([]Estimate{tc.before}, []Estimate{tc.after}, 0.05)[0]
			if math.Abs(got.P-tc.wantP) > 1e-12 || got.Significant != tc.wantSig || got.PAdjusted != got.P {
				t.Errorf("got %+v, want p %v significant %v", got, tc.wantP, tc.wantSig)
			}
		})
	}
	if got := ScoreChanges(nil, nil, 0.05); len(got) != 0 {
		t.Errorf("no models: got %v", got)
	}
}
