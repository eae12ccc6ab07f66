package integrity

import (
	"cmp"
	"slices"
	"strings"
)

// voterNames are the voters' ids, kept as what they all begin with (a
// seed's "bench-voter-", say) once and the rest of each end to end in one
// string in voter order, found by a binary search over them sorted. With
// the ends and the sorted order packed that is the ids' own distinct bytes
// and three or four bytes a voter, where a map and a string each would
// take some sixty.
type voterNames struct {
	prefix string
	rest   string
	end    packedInts // voter u's rest is rest[end(u−1):end(u)] (from 0 for u = 0)
	sorted packedInts // the voters in the order of their ids
}

// newVoterNames are the names of the interned ids, voter u's being id
// perm[u] (u's own when perm is nil). They are copied: ids can go.
func newVoterNames(ids *interner, perm []int32) voterNames {
	n := ids.Len()
	id := func(u int) string {
		if perm != nil {
			return ids.at(int(perm[u]))
		}
		return ids.at(u)
	}
	prefix := ""
	if n > 0 {
		prefix = id(0)
	}
	for u := 1; u < n && prefix != ""; u++ {
		prefix = commonPrefix(prefix, id(u))
	}
	var rest strings.Builder
	rest.Grow(ids.buf.Len() - n*len(prefix))
	var end intPacker
	for u := range n {
		rest.WriteString(id(u)[len(prefix):])
		end.add(int64(rest.Len()))
	}
	names := voterNames{prefix: strings.Clone(prefix), rest: rest.String(), end: end.done()}
	names.sorted = packInts(names.sortedOrder())
	return names
}

// commonPrefix is what a and b begin with.
func commonPrefix(a, b string) string {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return a[:i]
		}
	}
	return a[:n]
}

// sortedOrder is the voters in the order of their ids. They are sorted by
// the first eight bytes of the rest as a number first: a million ids sort
// in a tenth of the time that comparing them as strings takes.
func (n *voterNames) sortedOrder() []int32 {
	order := make([]int32, n.end.Len())
	key := make([]uint64, len(order))
	for u := range order {
		key[u], order[u] = prefix8(n.restOf(u)), int32(u)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(key[a], key[b]); c != 0 {
			return c
		}
		return strings.Compare(n.restOf(int(a)), n.restOf(int(b)))
	})
	return order
}

// prefix8 is the first eight bytes of s as a big-endian number, zeros
// after a shorter s: numbers in the order of the strings, ties aside.
func prefix8(s string) uint64 {
	var x uint64
	for i := range 8 {
		x <<= 8
		if i < len(s) {
			x |= uint64(s[i])
		}
	}
	return x
}

// restOf is voter u's id without the prefix.
func (n *voterNames) restOf(u int) string {
	from := int64(0)
	if u > 0 {
		from = n.end.at(u - 1)
	}
	return n.rest[from:n.end.at(u)]
}

// at is voter u's id.
func (n *voterNames) at(u int) string { return n.prefix + n.restOf(u) }

// find is the number of the voter with the id.
func (n *voterNames) find(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, n.prefix)
	if !ok {
		return 0, false
	}
	k, ok := sortSearch(n.sorted.Len(), func(k int) int { return strings.Compare(n.restOf(int(n.sorted.at(k))), rest) })
	if !ok {
		return 0, false
	}
	return int(n.sorted.at(k)), true
}

// Len is how many voters there are.
func (n *voterNames) Len() int { return n.end.Len() }

// sortSearch is the least k in [0, n) with cmp(k) ≥ 0, given cmp increasing,
// and whether cmp(k) = 0 there.
func sortSearch(n int, cmp func(k int) int) (int, bool) {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) / 2)
		if cmp(m) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < n && cmp(lo) == 0
}
