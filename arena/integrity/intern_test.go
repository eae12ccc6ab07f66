package integrity

import (
	"slices"
	"strings"
	"testing"
)

// Interned ids get their numbers in the order first seen, and the names
// built from them find each id (whatever its length or bytes: the sort
// goes by an eight-byte prefix first) and no other.
func TestInternerAndNames(t *testing.T) {
	ids := []string{"abcdefghi", "a", "", "a\x00", "abcdefgh", "ab", "abcdefgg\xff", "\xff", "zz", "abcdefgh\x00"}
	in := newInterner()
	for round := range 2 {
		for k, id := range ids {
			if got := in.index(id); got != int32(k) {
				t.Fatalf("round %d: %q numbered %d, want %d", round, id, got, k)
			}
		}
	}
	// Enough more to grow the table a few times.
	for k := range 5000 {
		in.index(string(rune('a'+k%26)) + string(rune(k)))
	}
	for k, id := range ids {
		if got := in.at(k); got != id {
			t.Fatalf("string %d = %q, want %q", k, got, id)
		}
	}
	perm := make([]int32, in.Len())
	for u := range perm {
		perm[u] = int32(len(perm) - 1 - u)
	}
	for _, p := range [][]int32{nil, perm} {
		n := newVoterNames(in, p)
		sorted := make([]int32, n.sorted.Len())
		for k := range sorted {
			sorted[k] = int32(n.sorted.at(k))
		}
		if !slices.IsSortedFunc(sorted, func(i, j int32) int { return strings.Compare(n.at(int(i)), n.at(int(j))) }) {
			t.Fatal("names not sorted")
		}
		for u := range in.Len() {
			if got, ok := n.find(n.at(u)); !ok || got != u {
				t.Fatalf("find(%q) = %d, %v; want %d", n.at(u), got, ok, u)
			}
		}
		if _, ok := n.find("abcdefg"); ok {
			t.Error("found an id never interned")
		}
	}
}

// Names keep what every id begins with once: each id is found and read
// back whole (the prefix itself an id too), and no id without the prefix,
// or shorter than it, is found.
func TestNamesCommonPrefix(t *testing.T) {
	ids := []string{"bench-voter-6fa85b25", "bench-voter-", "bench-voter-00", "bench-voter-6fa85b24", "bench-voter-\xff"}
	in := newInterner()
	for _, id := range ids {
		in.index(id)
	}
	n := newVoterNames(in, []int32{4, 3, 2, 1, 0})
	if n.prefix != "bench-voter-" {
		t.Errorf("prefix %q", n.prefix)
	}
	for u := range ids {
		id := ids[len(ids)-1-u]
		if got := n.at(u); got != id {
			t.Errorf("voter %d = %q, want %q", u, got, id)
		}
		if k, ok := n.find(id); !ok || k != u {
			t.Errorf("find(%q) = %d, %v; want %d", id, k, ok, u)
		}
	}
	for _, id := range []string{"bench-voter", "", "bench-voter-6fa85b2", "xbench-voter-00", "bench-voter-000"} {
		if k, ok := n.find(id); ok {
			t.Errorf("found %q, never interned, as voter %d", id, k)
		}
	}
}
