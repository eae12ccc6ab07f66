package rating

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rated is a contender of weight 1 with score s and a 95% interval of ±half.
func rated(s, half float64) ModelStanding {
	return ModelStanding{Weight: 1, Rated: true, Score: s, CI: Interval{Lower: s - half, Median: s, Upper: s + half}}
}

func unrated(weight float64) ModelStanding { return ModelStanding{Weight: weight} }

// checkPairWeights holds for every policy: symmetric, zero diagonal, no
// negative entries, nothing for a contender of weight 0, and a sum of 1
// over i < j whenever two contenders may meet.
func checkPairWeights(t *testing.T, s Standing, w [][]float64) {
	t.Helper()
	n := len(s.Models)
	if len(w) != n {
		t.Fatalf("%d rows for %d models", len(w), n)
	}
	sum, drawable := 0.0, 0
	for _, m := range s.Models {
		if m.Weight > 0 && !math.IsInf(m.Weight, 1) {
			drawable++
		}
	}
	for i := range n {
		if len(w[i]) != n {
			t.Fatalf("row %d has %d entries", i, len(w[i]))
		}
		if w[i][i] != 0 {
			t.Errorf("w[%d][%d] = %v: a model must never meet itself", i, i, w[i][i])
		}
		for j := range n {
			if w[i][j] != w[j][i] {
				t.Errorf("w[%d][%d] = %v but w[%d][%d] = %v", i, j, w[i][j], j, i, w[j][i])
			}
			if !(w[i][j] >= 0) {
				t.Errorf("w[%d][%d] = %v", i, j, w[i][j])
			}
			if !(s.Models[i].Weight > 0) && w[i][j] != 0 {
				t.Errorf("model %d has weight %v but w[%d][%d] = %v", i, s.Models[i].Weight, i, j, w[i][j])
			}
			if j > i {
				sum += w[i][j]
			}
		}
	}
	switch {
	case drawable < 2 && sum != 0:
		t.Errorf("no pair can be drawn, yet the weights sum to %v", sum)
	case drawable >= 2 && math.Abs(sum-1) > 1e-12:
		t.Errorf("weights sum to %v, want 1", sum)
	}
}

func TestUniformPolicy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		weights []float64
		want    map[[2]int]float64 // pairs i<j; absent pairs want 0
	}{
		{"equal", []float64{1, 1, 1}, map[[2]int]float64{{0, 1}: 1. / 3, {0, 2}: 1. / 3, {1, 2}: 1. / 3}},
		{"boosted", []float64{2, 1, 1}, map[[2]int]float64{{0, 1}: 0.4, {0, 2}: 0.4, {1, 2}: 0.2}},
		{"weight 0 never", []float64{1, 0, 3}, map[[2]int]float64{{0, 2}: 1}},
		{"negative and NaN never", []float64{1, -1, math.NaN(), 1}, map[[2]int]float64{{0, 3}: 1}},
		{"one model", []float64{1}, nil},
		{"one drawable", []float64{1, 0}, nil},
		{"none", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Standing{}
			for _, w := range tc.weights {
				s.Models = append(s.Models, unrated(w))
			}
			w := UniformPolicy{}.PairWeights(s)
			checkPairWeights(t, s, w)
			for i := range w {
				for j := i + 1; j < len(w); j++ {
					if got, want := w[i][j], tc.want[[2]int{i, j}]; math.Abs(got-want) > 1e-12 {
						t.Errorf("w[%d][%d] = %v, want %v", i, j, got, want)
					}
				}
			}
		})
	}
}

func TestInformativePolicy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		models []ModelStanding
		// more[k] = {i, j, k, l}: pair (i, j) must weigh more than (k, l).
		more [][4]int
		// equal pairs must weigh the same.
		equal [][4]int
	}{
		{
			name:   "nothing known is uniform",
			models: []ModelStanding{unrated(1), unrated(1), unrated(1)},
			equal:  [][4]int{{0, 1, 0, 2}, {0, 1, 1, 2}},
		},
		{
			name: "close and unmeasured beats far apart and well measured",
			// 0 and 1 are 300 points apart, ±5; 2 and 3 are 5 apart, ±80.
			models: []ModelStanding{rated(1300, 5), rated(1000, 5), rated(1005, 80), rated(1000, 80)},
			more:   [][4]int{{2, 3, 0, 1}},
		},
		{
			name:   "overlapping intervals beat separate ones at equal precision",
			models: []ModelStanding{rated(1000, 20), rated(1010, 20), rated(1100, 20)},
			more:   [][4]int{{0, 1, 1, 2}, {0, 1, 0, 2}, {1, 2, 0, 2}},
		},
		{
			name: "a pair measured to a fine point gives way to a coarse one",
			// Equal scores in both pairs: the order is a coin flip either
			// way, but one more battle teaches more about 2 and 3.
			models: []ModelStanding{rated(1000, 1), rated(1000, 1), rated(1200, 40), rated(1200, 40)},
			more:   [][4]int{{2, 3, 0, 1}},
		},
		{
			name:   "a new model is sought out",
			models: []ModelStanding{rated(1000, 10), rated(1020, 10), rated(1100, 10), unrated(1)},
			more:   [][4]int{{0, 3, 0, 1}, {2, 3, 0, 1}},
			equal:  [][4]int{{0, 3, 1, 3}, {0, 3, 2, 3}},
		},
		{
			name:   "weights multiply",
			models: []ModelStanding{rated(1000, 30), rated(1000, 30), {Weight: 3, Rated: true, Score: 1000, CI: Interval{Lower: 970, Upper: 1030}}},
			more:   [][4]int{{0, 2, 0, 1}},
			equal:  [][4]int{{0, 2, 1, 2}},
		},
		{
			name:   "weight 0 never",
			models: []ModelStanding{rated(1000, 30), {Weight: 0}, rated(1010, 30)},
		},
		{
			name:   "bad intervals count as unknown",
			models: []ModelStanding{rated(1000, 5), {Weight: 1, Rated: true, Score: math.NaN()}, {Weight: 1, Rated: true, Score: 1000, CI: Interval{Lower: 1010, Upper: 990}}, rated(1500, 5)},
			more:   [][4]int{{0, 1, 0, 3}, {0, 2, 0, 3}},
			equal:  [][4]int{{0, 1, 0, 2}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Standing{Models: tc.models}
			w := InformativePolicy{}.PairWeights(s)
			checkPairWeights(t, s, w)
			for _, q := range tc.more {
				if !(w[q[0]][q[1]] > w[q[2]][q[3]]) {
					t.Errorf("w[%d][%d] = %.4g, want more than w[%d][%d] = %.4g", q[0], q[1], w[q[0]][q[1]], q[2], q[3], w[q[2]][q[3]])
				}
			}
			for _, q := range tc.equal {
				if a, b := w[q[0]][q[1]], w[q[2]][q[3]]; math.Abs(a-b) > 1e-15 {
					t.Errorf("w[%d][%d] = %.17g, want it equal to w[%d][%d] = %.17g", q[0], q[1], a, q[2], q[3], b)
				}
			}
		})
	}
}

// TestInformativePolicyExplore checks the floor: a share Explore of the
// draws is uniform, so even a settled pair keeps that share of its uniform
// chance.
func TestInformativePolicyExplore(t *testing.T) {
	s := Standing{Models: []ModelStanding{rated(1000, 2), rated(1400, 2), rated(1003, 80), rated(1000, 80)}}
	uniform := UniformPolicy{}.PairWeights(s)
	for _, explore := range []float64{0, 0.05, 0.5, 1} {
		w := InformativePolicy{Explore: explore}.PairWeights(s)
		checkPairWeights(t, s, w)
		want := explore
		if want == 0 {
			want = DefaultExplore
		}
		for i := range w {
			for j := i + 1; j < len(w); j++ {
				if w[i][j] < want*uniform[i][j]*(1-1e-12) {
					t.Errorf("explore %v: w[%d][%d] = %v below the floor %v", explore, i, j, w[i][j], want*uniform[i][j])
				}
			}
		}
		if explore == 1 {
			for i := range w {
				for j := range w {
					if math.Abs(w[i][j]-uniform[i][j]) > 1e-15 {
						t.Errorf("explore 1: w[%d][%d] = %v, want the uniform %v", i, j, w[i][j], uniform[i][j])
					}
				}
			}
		}
	}
}

// randomStanding draws n contenders: some unrated, some boosted or off,
// scores over 400 points and intervals from ±1 to ±150.
func randomStanding(r *rand.Rand, n int) Standing {
	s := Standing{Models: make([]ModelStanding, n)}
	for i := range s.Models {
		m := rated(900+400*r.Float64(), 1+150*r.Float64())
		switch r.IntN(8) {
		case 0:
			m = unrated(1)
		case 1:
			m.Weight = 0
		case 2:
			m.Weight = 1 + 4*r.Float64()
		}
		s.Models[i] = m
	}
	return s
}

// TestPairPolicyProperties draws random standings and checks, for both
// policies, the invariants every weight matrix keeps, that contenders with
// identical information get identical weights, that relabelling the models
// only relabels the weights, and, for the informative policy, that moving a
// pair apart or measuring it better never raises its weight.
func TestPairPolicyProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	for round := range 300 {
		n := 2 + r.IntN(9)
		s := randomStanding(r, n)
		for _, p := range []PairPolicy{UniformPolicy{}, InformativePolicy{}, InformativePolicy{Explore: 0.5}} {
			w := p.PairWeights(s)
			checkPairWeights(t, s, w)

			// Copy model k's information onto model l: every third
			// party must then weigh the same with both.
			k, l := r.IntN(n), r.IntN(n)
			if k != l {
				twin := Standing{Models: append([]ModelStanding(nil), s.Models...)}
				twin.Models[l] = twin.Models[k]
				tw := p.PairWeights(twin)
				for m := range n {
					if m != k && m != l && tw[k][m] != tw[l][m] {
						t.Fatalf("round %d, %s: twins %d and %d weigh %v and %v against %d", round, p.Name(), k, l, tw[k][m], tw[l][m], m)
					}
				}
			}

			perm := r.Perm(n)
			shuffled := Standing{Models: make([]ModelStanding, n)}
			for i, pi := range perm {
				shuffled.Models[pi] = s.Models[i]
			}
			sw := p.PairWeights(shuffled)
			for i := range n {
				for j := range n {
					if math.Abs(sw[perm[i]][perm[j]]-w[i][j]) > 1e-12*(1+w[i][j]) {
						t.Fatalf("round %d, %s: relabelled w = %v, want %v", round, p.Name(), sw[perm[i]][perm[j]], w[i][j])
					}
				}
			}
		}

		// Monotonicity: a pair's informativeness falls as
		// the scores move apart or the intervals narrow. Compare through
		// a three-model standing whose third pair is fixed, so the
		// normalisation does not hide the effect.
		d, half := 200*r.Float64(), 1+100*r.Float64()
		base := InformativePolicy{}.PairWeights(Standing{Models: []ModelStanding{rated(1000, half), rated(1000+d, half), unrated(1)}})
		apart := InformativePolicy{}.PairWeights(Standing{Models: []ModelStanding{rated(1000, half), rated(1000+d+50, half), unrated(1)}})
		sharper := InformativePolicy{}.PairWeights(Standing{Models: []ModelStanding{rated(1000, half/3), rated(1000+d, half/3), unrated(1)}})
		ratio := func(w [][]float64) float64 { return w[0][1] / w[0][2] }
		// Never raised; strictly lowered unless the pair already sits at
		// the exploration floor, where nothing is left to lower.
		floor := func(w [][]float64) bool { return ratio(w) <= ratio(base)*(1+1e-12) }
		if !floor(apart) || (ratio(base) > 0.1 && !(ratio(apart) < ratio(base))) {
			t.Fatalf("round %d: moving a pair 50 points further apart (d=%.1f, ±%.1f) raised its weight: %v → %v", round, d, half, ratio(base), ratio(apart))
		}
		if !floor(sharper) || (ratio(base) > 0.1 && !(ratio(sharper) < ratio(base))) {
			t.Fatalf("round %d: narrowing a pair's intervals (d=%.1f, ±%.1f) raised its weight: %v → %v", round, d, half, ratio(base), ratio(sharper))
		}
	}
}

func TestSamplePair(t *testing.T) {
	s := Standing{Models: []ModelStanding{rated(1000, 10), rated(1010, 30), {Weight: 0}, rated(1200, 5), unrated(2)}}
	w := InformativePolicy{}.PairWeights(s)
	draw := func(seed uint64, k int) [][2]int {
		r := rand.New(rand.NewPCG(seed, 1))
		out := make([][2]int, k)
		for x := range out {
			i, j, ok := SamplePair(w, r)
			if !ok {
				t.Fatal("no pair drawn")
			}
			out[x] = [2]int{i, j}
		}
		return out
	}
	a, b := draw(7, 100), draw(7, 100)
	for x := range a {
		if a[x] != b[x] {
			t.Fatalf("draw %d: %v then %v with the same seed", x, a[x], b[x])
		}
	}
	const k = 40000
	counts := map[[2]int]int{}
	for _, p := range draw(8, k) {
		if p[0] >= p[1] {
			t.Fatalf("drew %v: want i < j", p)
		}
		if p[0] == 2 || p[1] == 2 {
			t.Fatalf("drew %v: model 2 has weight 0", p)
		}
		counts[p]++
	}
	for i := range w {
		for j := i + 1; j < len(w); j++ {
			want := w[i][j] * k
			// Five binomial standard deviations, plus one for rounding.
			if got := float64(counts[[2]int{i, j}]); math.Abs(got-want) > 5*math.Sqrt(want*(1-w[i][j]))+1 {
				t.Errorf("pair (%d, %d) drawn %v times, want about %.0f", i, j, got, want)
			}
		}
	}
	if _, _, ok := SamplePair(UniformPolicy{}.PairWeights(Standing{Models: []ModelStanding{unrated(1), unrated(0)}}), rand.New(rand.NewPCG(1, 1))); ok {
		t.Error("drew a pair where none can be drawn")
	}
}

func TestParsePairPolicy(t *testing.T) {
	for _, name := range []string{PolicyUniform, PolicyInformative} {
		p, err := ParsePairPolicy(name)
		if err != nil || p.Name() != name {
			t.Errorf("ParsePairPolicy(%q) = %v, %v", name, p, err)
		}
	}
	if _, err := ParsePairPolicy("Informative"); err == nil {
		t.Error("ParsePairPolicy accepted a misspelt name")
	}
}
