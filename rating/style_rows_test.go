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
