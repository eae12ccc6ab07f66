package boards

import (
	"maps"
	"math"
)

// styleRow is one vote's style counts as ratedVotes holds them: 10 bytes
// instead of 32, since counts of headers, lists and bold are small and an
// answer's tokens rarely pass a few thousand. tok holds A's and B's
// tokens plus one (so that -1, never measured, is 0); n holds A's
// headers, lists and bold, then B's. A row with a count that does not
// fit has tok[0] == wideRow and its exact counts in ratedVotes.wide, so
// what is read back is always what was stored.
type styleRow struct {
	tok [2]uint16
	n   [2 * (styleWidth/2 - 1)]uint8
}

// wideRow in tok[0] marks a row whose counts are in ratedVotes.wide.
const wideRow = math.MaxUint16

// Bounds of the counts a styleRow holds: tokens from -1 to maxNarrowTokens
// (tokens+1 must stay below wideRow), the others from 0 to 255.
const (
	maxNarrowTokens = wideRow - 2
	maxNarrowCount  = math.MaxUint8
)

// packStyle narrows a vote's counts, reporting false when one does not
// fit (the row is then a wideRow marker).
func packStyle(s *[styleWidth]int32) (styleRow, bool) {
	var p styleRow
	const half = styleWidth / 2
	for side := range 2 {
		t := s[side*half]
		if t < -1 || t > maxNarrowTokens {
			return styleRow{tok: [2]uint16{wideRow}}, false
		}
		p.tok[side] = uint16(t + 1)
		for k := 1; k < half; k++ {
			v := s[side*half+k]
			if v < 0 || v > maxNarrowCount {
				return styleRow{tok: [2]uint16{wideRow}}, false
			}
			p.n[side*(half-1)+k-1] = uint8(v)
		}
	}
	return p, true
}

// unpack widens a row packStyle narrowed.
func (p styleRow) unpack() [styleWidth]int32 {
	return [styleWidth]int32{int32(p.tok[0]) - 1, int32(p.n[0]), int32(p.n[1]), int32(p.n[2]),
		int32(p.tok[1]) - 1, int32(p.n[3]), int32(p.n[4]), int32(p.n[5])}
}

// styleAt is the style counts of the vote at index i.
func (rv *ratedVotes) styleAt(i int) [styleWidth]int32 {
	p := rv.style[i]
	if p.tok[0] == wideRow {
		return rv.wide[rv.id[i]]
	}
	return p.unpack()
}

// setStyle stores the counts of the vote at index i, which holds its id
// (appended, or overwritten by the same vote's new counts).
func (rv *ratedVotes) setStyle(i int, s *[styleWidth]int32) {
	id := rv.id[i]
	p, ok := packStyle(s)
	if !ok {
		rv.writeWide()
		if rv.wide == nil {
			rv.wide = map[uint64][styleWidth]int32{}
		}
		rv.wide[id] = *s
	} else if rv.style[i].tok[0] == wideRow {
		rv.dropWide(id)
	}
	rv.style[i] = p
}

// dropWide forgets the wide counts of vote id, if any.
func (rv *ratedVotes) dropWide(id uint64) {
	if _, ok := rv.wide[id]; ok {
		rv.writeWide()
		delete(rv.wide, id)
	}
}

// writeWide makes the wide map this ratedVotes' alone before it changes:
// a lent view reads the map it was lent with, and a map must not be
// written while another goroutine reads it. Few rows are wide, so the
// copy is small.
func (rv *ratedVotes) writeWide() {
	if rv.wideLent {
		rv.wide, rv.wideLent = maps.Clone(rv.wide), false
	}
}
