package boards

import (
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
