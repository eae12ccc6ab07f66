package boards

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLentViewKeepsRows checks that a view lent to a slow job keeps the
// rows it was lent with while the votes held change in every way a
// catch-up changes them (a row replaced, rows removed, rows appended),
// and that the columns are copied only while a view is out.
func TestLentViewKeepsRows(t *testing.T) {
	rv := syntheticVotes(1000)
	rows := func(v *ratedVotes) []voteRow {
		out := make([]voteRow, v.len())
		for i := range out {
			out[i] = v.row(i)
		}
		return out
	}
	view, release := rv.lend()
	want := rows(view)

	changed := rv.row(10)
	changed.result = (changed.result + 1) % 3
	added := rv.row(0)
	added.id = 5000
	if !rv.patch([]voteRow{changed, added}, []uint64{rv.id[5], rv.id[20]}) {
		t.Fatal("the patch changed nothing")
	}
	if d := cmp.Diff(want, rows(view), cmp.AllowUnexported(voteRow{})); d != "" {
		t.Fatalf("the lent view changed with the votes held (-lent +now):\n%s", d)
	}
	if rv.len() != 999 || rv.row(9) != changed || rv.row(rv.len()-1) != added {
		t.Fatalf("the votes held did not take the patch: %d rows", rv.len())
	}

	release()
	release() // giving a view back twice counts once
	first := &rv.id[0]
	again := rv.row(3)
	again.result = (again.result + 1) % 3
	rv.patch([]voteRow{again}, nil)
	if &rv.id[0] != first {
		t.Error("the columns were copied with no view out")
	}
	if rv.row(3) != again {
		t.Error("the votes held did not take the second patch")
	}
}

// TestLateVotesInsertedInPlace checks that votes committed after newer
// ones (concurrent voters) are merged into place in id order, that the
// columns are not copied for it when the merge stays past every lent
// view's rows, and are copied when it reaches into them.
func TestLateVotesInsertedInPlace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		at       int // the late vote goes just before row at
		wantCopy bool
	}{
		{"past the view", 1005, false},
		{"into the view", 500, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rv := syntheticVotes(1000)
			for i := range rv.id {
				rv.id[i] *= 10 // room for late votes between any two
			}
			rv.reserve(2000)
			view, release := rv.lend()
			defer release()
			want := make([]voteRow, view.len())
			for i := range want {
				want[i] = view.row(i)
			}
			// Ten newer votes, with gaps between their ids.
			next := rv.id[rv.len()-1]
			for k := range 10 {
				r := rv.row(k)
				r.id = next + 10*uint64(k+1)
				rv.push(r)
			}
			first, edits := &rv.id[0], rv.edits
			late := rv.row(7)
			late.id = rv.id[tc.at] - 1
			late2 := late
			late2.id = rv.id[rv.len()-1] - 1
			rv.patch([]voteRow{late2, late}, nil)

			if copied := &rv.id[0] != first; copied != tc.wantCopy {
				t.Errorf("columns copied: %v, want %v", copied, tc.wantCopy)
			}
			if rv.edits != edits+1 {
				t.Errorf("edits went from %d to %d, want one more", edits, rv.edits)
			}
			if !slices.IsSorted(rv.id) || rv.len() != 1012 {
				t.Fatalf("after the late votes: %d rows, sorted %v", rv.len(), slices.IsSorted(rv.id))
			}
			for _, r := range []voteRow{late, late2} {
				i, found := slices.BinarySearch(rv.id, r.id)
				if !found || rv.row(i) != r {
					t.Errorf("late vote %d not held as sent", r.id)
				}
			}
			for i := range want {
				if view.row(i) != want[i] {
					t.Fatalf("the lent view's row %d changed", i)
				}
			}
		})
	}
}
