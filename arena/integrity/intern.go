package integrity

import (
	"hash/maphash"
	"strings"
)

// interner numbers strings in the order first seen. It keeps them end to
// end in one buffer and finds them through an open-addressed table of
// numbers: about the strings' own bytes and 12 bytes each, where a map of
// strings and a string each would take some hundred on a million voters.
type interner struct {
	buf  strings.Builder
	end  []uint32 // string k is buf[end[k-1]:end[k]] (from 0 for k = 0)
	slot []int32  // k+1, or 0 for an empty slot; its length a power of two
	seed maphash.Seed
}

func newInterner() *interner {
	return &interner{slot: make([]int32, 1024), seed: maphash.MakeSeed()}
}

// Len is how many strings there are.
func (t *interner) Len() int { return len(t.end) }

// at is string k. It shares the buffer: it stays valid as strings are
// added (a grown buffer leaves the old one to the strings taken from it).
func (t *interner) at(k int) string {
	from := uint32(0)
	if k > 0 {
		from = t.end[k-1]
	}
	return t.buf.String()[from:t.end[k]]
}

// index is the number of s, added if new.
func (t *interner) index(s string) int32 {
	mask := uint64(len(t.slot) - 1)
	for h := maphash.String(t.seed, s) & mask; ; h = (h + 1) & mask {
		k := t.slot[h] - 1
		if k < 0 {
			break
		}
		if t.at(int(k)) == s {
			return k
		}
	}
	k := int32(len(t.end))
	t.buf.WriteString(s)
	t.end = append(t.end, uint32(t.buf.Len()))
	// Filled up to three quarters (probes stay short in a table of
	// numbers): at ten million ids a half would double the table, by
	// 64 MiB, when it is largest.
	if 4*len(t.end) > 3*len(t.slot) {
		t.slot = make([]int32, 2*len(t.slot))
		for j := range t.end {
			t.put(int32(j))
		}
	} else {
		t.put(k)
	}
	return k
}

// put enters string k in the table.
func (t *interner) put(k int32) {
	mask := uint64(len(t.slot) - 1)
	h := maphash.String(t.seed, t.at(int(k))) & mask
	for t.slot[h] != 0 {
		h = (h + 1) & mask
	}
	t.slot[h] = k + 1
}
