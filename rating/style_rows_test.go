package rating

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStyleRowsKeepValues checks that the compact rows give back exactly
// the features and counts of every pooled row, against a plain pooling:
// across a feature column outgrowing its codes (list counts of many
// distinct values) and a row outgrowing its count bytes (one pair met
// with the same features hundreds of times).
func TestStyleRowsKeepValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var outcomes []Outcome
	var style []StyleCounts
	for i := range 120_000 {
		a, b := rng.IntN(6), rng.IntN(6)
		if a == b {
			continue
		}
		var s StyleCounts
		if i%3 != 0 {
			// Every third battle is of empty answers: one row per pair
			// and result, hundreds of battles deep.
			s.A = [NumStyleFeatures]float64{float64(rng.IntN(3000)), float64(rng.IntN(4)), float64(rng.IntN(3000)), 0}
			s.B = [NumStyleFeatures]float64{float64(rng.IntN(3000)), 0, float64(rng.IntN(3000)), float64(rng.IntN(5))}
		}
		outcomes = append(outcomes, Outcome{A: a, B: b, Result: float64(rng.IntN(3)) / 2})
		style = append(style, s)
	}
	norm := styleNorm(battleList{outcomes, style})
	p := newStyleProblem(6, battleList{outcomes, style}, &norm)

	type row struct {
		a, b   uint16
		f      [NumStyleFeatures]float64
		counts [3]int32
	}
	var want []row
	index := map[[2 + NumStyleFeatures]float64]int{}
	for i, o := range outcomes {
		a, b, f, res := uint16(o.A), uint16(o.B), norm.features(&style[i]), o.Result
		if a > b {
			a, b, res = b, a, 1-res
			for k := range f {
				f[k] = -f[k]
			}
		}
		for k := range f {
			f[k] += 0
		}
		key := [2 + NumStyleFeatures]float64{float64(a), float64(b), f[0], f[1], f[2], f[3]}
		r, ok := index[key]
		if !ok {
			r = len(want)
			index[key] = r
			want = append(want, row{a: a, b: b, f: f})
		}
		want[r].counts[outcomeSlot(res)]++
	}
	got := make([]row, len(p.a))
	for r := range got {
		got[r] = row{a: p.a[r], b: p.b[r], f: p.rowFeat(int32(r)), counts: p.counts.at(r)}
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(row{})); d != "" {
		t.Fatalf("pooled rows differ (-plain +compact):\n%s", d)
	}
	if p.cols[2].codes != nil || p.cols[1].codes == nil || len(p.counts.big) == 0 {
		t.Errorf("the battles did not reach both kinds of storage: lists coded %v, headers coded %v, %d deep rows",
			p.cols[2].codes != nil, p.cols[1].codes != nil, len(p.counts.big))
	}
}

// TestRowWeightsKeepValues checks that a row's weights are given back
// exactly at and past the limits of their 16-bit halves, and that only
// rows past them take room in the map.
func TestRowWeightsKeepValues(t *testing.T) {
	for _, tc := range []struct {
		name      string
		total, s2 uint32
		wide      bool
	}{
		{"empty", 0, 0, false},
		{"one win", 1, 2, false},
		{"both at the limit", 65534, 65534, false},
		{"total one past", 65535, 3, true},
		{"points one past", 40000, 65535, true},
		{"both far past", 1 << 24, 1 << 25, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newRowWeights(3)
			w.set(0, 5, 7)
			w.set(1, tc.total, tc.s2)
			w.set(2, 9, 1)
			for r, want := range [][2]uint32{{5, 7}, {tc.total, tc.s2}, {9, 1}} {
				total, points := w.at(int32(r))
				if total != float64(want[0]) || points != float64(want[1])/2 {
					t.Errorf("row %d: W %v, S %v; want %v, %v", r, total, points, want[0], float64(want[1])/2)
				}
			}
			if got := len(w.big); got != b2i(tc.wide) {
				t.Errorf("%d rows in the map, want %d", got, b2i(tc.wide))
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDeepRowsWeighedExactly checks the weights of a problem whose rows
// are deeper than 65,535 battles (three models, no style counts: one row
// per pair), from the full data and from a bootstrap round's draw, against
// the sums of the rows' own counts.
func TestDeepRowsWeighedExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	battles := make([]Outcome, 240_000)
	for i := range battles {
		a := rng.IntN(3)
		battles[i] = Outcome{A: a, B: (a + 1 + rng.IntN(2)) % 3, Result: float64(rng.IntN(3)) / 2}
	}
	style := make([]StyleCounts, len(battles))
	norm := styleNorm(battleList{battles, style})
	p := newStyleProblem(3, battleList{battles, style}, &norm)
	check := func(what string, drawn func(r int) [3]int32) {
		t.Helper()
		for r := range p.counts.len() {
			k := drawn(r)
			total, points := p.w.at(int32(r))
			if want := float64(k[0] + k[1] + k[2]); total != want || points != float64(k[1]+2*k[2])/2 {
				t.Errorf("%s, row %d of %v: W %v, S %v", what, r, k, total, points)
			}
		}
		if len(p.w.big) == 0 {
			t.Errorf("%s: no row past 65,535 battles", what)
		}
	}
	check("full data", p.counts.at)

	mn := newMultinomial(p.cellWeights())
	counts := make([]int32, len(mn.weights))
	mn.draw(roundRand(3, 0), counts)
	p.fillFromCounts(counts)
	c := 0
	check("a round", func(r int) [3]int32 {
		var k [3]int32
		for slot, n := range p.counts.at(r) {
			if n > 0 {
				k[slot] = counts[c]
				c++
			}
		}
		return k
	})
}
