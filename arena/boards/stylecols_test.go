package boards

import (
	"math"
	"testing"
	"unsafe"

	"openarena.dev/arena/rating"
)

// TestStyleCountsKeptExactly checks that the held votes give back every
// style count exactly as stored, at and past the limits of the narrow
// columns (tokens -1 to 65,533, other counts 0 to 255), through a row, the
// battles the style fit reads and a patch that moves a row between the
// narrow columns and the wide map; and that only the rows that do not
// fit take room in the map.
func TestStyleCountsKeptExactly(t *testing.T) {
	if got := unsafe.Sizeof(styleRow{}); got != 10 {
		t.Fatalf("a narrowed row takes %d bytes, want 10", got)
	}
	for _, tc := range []struct {
		name  string
		style [styleWidth]int32
		wide  bool
	}{
		{"all zero", [styleWidth]int32{}, false},
		{"tokens never measured", [styleWidth]int32{-1, 0, 0, 0, -1, 0, 0, 0}, false},
		{"tokens at the limit", [styleWidth]int32{maxNarrowTokens, 1, 2, 3, maxNarrowTokens, 4, 5, 6}, false},
		{"A's tokens one past", [styleWidth]int32{maxNarrowTokens + 1, 1, 2, 3, 10, 4, 5, 6}, true},
		{"B's tokens one past", [styleWidth]int32{10, 1, 2, 3, maxNarrowTokens + 1, 4, 5, 6}, true},
		{"tokens far past", [styleWidth]int32{math.MaxInt32, 0, 0, 0, 1 << 20, 0, 0, 0}, true},
		{"tokens below never measured", [styleWidth]int32{-2, 0, 0, 0, 5, 0, 0, 0}, true},
		{"counts at the limit", [styleWidth]int32{7, 255, 255, 255, 8, 255, 255, 255}, false},
		{"headers one past", [styleWidth]int32{7, 256, 0, 0, 8, 0, 0, 0}, true},
		{"B's bold one past", [styleWidth]int32{7, 0, 0, 0, 8, 0, 0, 256}, true},
		{"lists negative", [styleWidth]int32{7, 0, -1, 0, 8, 0, 0, 0}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rv := &ratedVotes{}
			narrow := voteRow{id: 1, a: 1, b: 2, style: [styleWidth]int32{12, 1, 2, 3, 40, 0, 0, 1}}
			rv.add(narrow)
			r := voteRow{id: 2, a: 2, b: 1, result: resultA, style: tc.style}
			rv.add(r)
			checkStyles(t, rv, narrow.style, tc.style)
			if got := len(rv.wide); got != b2i(tc.wide) {
				t.Fatalf("%d rows in the wide map, want %d", got, b2i(tc.wide))
			}

			// The same vote with the other row's counts, then its own
			// again, then dropped: the map follows.
			moved := r
			moved.style = narrow.style
			rv.patch([]voteRow{moved}, nil)
			checkStyles(t, rv, narrow.style, narrow.style)
			if len(rv.wide) != 0 {
				t.Fatalf("%d rows in the wide map after the row narrowed, want 0", len(rv.wide))
			}
			rv.patch([]voteRow{r}, nil)
			checkStyles(t, rv, narrow.style, tc.style)
			rv.patch(nil, []uint64{2})
			if rv.len() != 1 || rv.row(0).style != narrow.style || len(rv.wide) != 0 {
				t.Fatalf("after dropping the vote: %d rows, %v, %d wide; want 1 row, %v, 0 wide",
					rv.len(), rv.row(0).style, len(rv.wide), narrow.style)
			}
		})
	}
}

// checkStyles checks the counts of the votes held, through row and
// through the battles a style fit reads.
func checkStyles(t *testing.T, rv *ratedVotes, want ...[styleWidth]int32) {
	t.Helper()
	if rv.len() != len(want) {
		t.Fatalf("%d votes held, want %d", rv.len(), len(want))
	}
	held := heldBattles{rv: rv, index: newModelIndex(nil), n: rv.len()}
	for i, w := range want {
		if got := rv.row(i).style; got != w {
			t.Errorf("row %d: counts %v, want %v", i, got, w)
		}
		_, got := held.Battle(i)
		if want := (rating.StyleCounts{A: styleVector(w[:4]), B: styleVector(w[4:])}); got != want {
			t.Errorf("battle %d: counts %v, want %v", i, got, want)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLentViewKeepsWideCounts checks that a view lent to a slow job reads
// the wide counts it was lent with while the votes held change them in
// place, gain a wide row and lose one, and that the votes held read the
// new ones. Run with -race, it also checks that the view's map is never
// written while the job could read it.
func TestLentViewKeepsWideCounts(t *testing.T) {
	rv := syntheticVotes(100)
	big := func(k int32) [styleWidth]int32 { return [styleWidth]int32{70000 + k, 1, 300, 0, 5, 0, 0, 0} }
	for _, i := range []int{10, 20} {
		r := rv.row(i)
		r.style = big(int32(i))
		rv.patch([]voteRow{r}, nil)
	}
	view, release := rv.lend()
	defer release()
	want := make([]voteRow, view.len())
	for i := range want {
		want[i] = view.row(i)
	}
	read := make(chan []voteRow)
	go func() {
		got := make([]voteRow, view.len())
		for i := range got {
			got[i] = view.row(i)
		}
		read <- got
	}()

	changed := rv.row(10)
	changed.style = big(1)
	added := rv.row(0)
	added.id, added.style = 1000, big(2)
	rv.patch([]voteRow{changed, added}, []uint64{rv.id[20]})

	got := <-read
	for i := range want {
		if got[i] != want[i] || view.row(i) != want[i] {
			t.Fatalf("lent row %d changed: %v, want %v", i, view.row(i), want[i])
		}
	}
	if rv.row(10).style != big(1) || rv.row(rv.len()-1).style != big(2) || len(rv.wide) != 2 {
		t.Errorf("the votes held read %v and %v with %d wide rows, want %v, %v and 2",
			rv.row(10).style, rv.row(rv.len()-1).style, len(rv.wide), big(1), big(2))
	}
	if len(view.wide) != 2 || view.wide[rv.id[10]] != big(10) {
		t.Errorf("the view's wide map changed: %v", view.wide)
	}
}
