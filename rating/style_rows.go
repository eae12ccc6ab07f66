package rating

import (
	"math"
	"slices"
)

// At scale nearly every battle is a style row of its own, so what a row
// costs is what the style fit costs a battle. These types keep a row's
// features and counts compactly, and give back exactly the values stored.

// maxCodes is the most distinct values a feature column keeps as codes.
const maxCodes = 1 << 16

// featColumn holds one style feature of every row. Header, list and bold
// counts are small integers, so a feature of theirs takes few distinct
// values across millions of rows: those are kept once each and a row
// holds a 2-byte code. A column with more distinct values than codes can
// name holds each row's value, as answer length's does from the start (it
// has as many as there are rows, near enough).
type featColumn struct {
	// vals are the distinct values when codes is set, else one per row.
	vals  []float64
	codes []uint16
	// index finds a value's code while rows are added; nil once the
	// column holds values, or is complete.
	index map[uint64]uint16
}

func newFeatColumn(rows int, coded bool) featColumn {
	if !coded {
		return featColumn{vals: make([]float64, 0, rows)}
	}
	return featColumn{codes: make([]uint16, 0, rows), index: map[uint64]uint16{}}
}

// at is row r's value.
func (c *featColumn) at(r int32) float64 {
	if c.codes != nil {
		return c.vals[c.codes[r]]
	}
	return c.vals[r]
}

// add appends a row with value v.
func (c *featColumn) add(v float64) {
	if c.codes == nil {
		c.vals = append(c.vals, v)
		return
	}
	bits := math.Float64bits(v)
	code, ok := c.index[bits]
	if !ok {
		if len(c.vals) == maxCodes {
			c.expand()
			c.vals = append(c.vals, v)
			return
		}
		code = uint16(len(c.vals))
		c.vals = append(c.vals, v)
		c.index[bits] = code
	}
	c.codes = append(c.codes, code)
}

// expand turns a coded column into one of values.
func (c *featColumn) expand() {
	vals := make([]float64, len(c.codes), cap(c.codes))
	for r, code := range c.codes {
		vals[r] = c.vals[code]
	}
	c.vals, c.codes, c.index = vals, nil, nil
}

// done drops what only adding rows needs and the room reserved for rows
// pooling did not make.
func (c *featColumn) done() {
	c.index = nil
	if c.codes != nil {
		c.codes = clipped(c.codes)
	} else {
		c.vals = clipped(c.vals)
	}
}

// clipped gives back the room reserved for a row per battle that pooling
// did not fill. At scale pooling leaves most battles rows of their own,
// but not all (about 87 in 100 at 10M battles served from a prompt bank),
// and the room left is held through every bootstrap round; copying once
// costs far less than a round. Under 1/32 left is not worth the copy.
func clipped[T any](s []T) []T {
	if cap(s)-len(s) < cap(s)/32 {
		return s
	}
	return slices.Clone(s)
}

// rowCounts holds each row's battles per outcome, a byte each; the rows
// with 255 or more battles of one outcome (few: pooling that deep leaves
// few rows) are kept in a map, their bytes all set to 255.
type rowCounts struct {
	small [][3]uint8
	big   map[int32][3]int32
}

const bigRow = math.MaxUint8

func (c *rowCounts) len() int { return len(c.small) }

// at is row r's counts.
func (c *rowCounts) at(r int) [3]int32 {
	s := c.small[r]
	if s[0] == bigRow {
		return c.big[int32(r)]
	}
	return [3]int32{int32(s[0]), int32(s[1]), int32(s[2])}
}

// grow appends a row without battles.
func (c *rowCounts) grow() { c.small = append(c.small, [3]uint8{}) }

// add counts a battle of row r in slot.
func (c *rowCounts) add(r int32, slot int) {
	s := &c.small[r]
	switch {
	case s[0] == bigRow:
		k := c.big[r]
		k[slot]++
		c.big[r] = k
	case s[slot] == bigRow-1:
		if c.big == nil {
			c.big = map[int32][3]int32{}
		}
		k := [3]int32{int32(s[0]), int32(s[1]), int32(s[2])}
		k[slot]++
		c.big[r] = k
		*s = [3]uint8{bigRow, bigRow, bigRow}
	default:
		s[slot]++
	}
}

// rowWeights holds each row's battle total W and twice its points, S2, of
// one fit or bootstrap round, in 4 bytes a row instead of 8: W in the low
// 16 bits, S2 in the high. A row of 65,535 battles or more (there are at
// most battles/65,535 of them) holds wideWeights, its values in big.
type rowWeights struct {
	packed []uint32
	big    map[int32][2]uint32
}

// wideWeights marks a row whose weights are in rowWeights.big.
const wideWeights = math.MaxUint32

func newRowWeights(rows int) rowWeights { return rowWeights{packed: make([]uint32, rows)} }

// set stores row r's W and S2 (S2 ≤ 2W).
func (w *rowWeights) set(r int, total, s2 uint32) {
	if total < math.MaxUint16 && s2 < math.MaxUint16 {
		w.packed[r] = total | s2<<16
		return
	}
	if w.big == nil {
		w.big = map[int32][2]uint32{}
	}
	w.big[int32(r)] = [2]uint32{total, s2}
	w.packed[r] = wideWeights
}

// at is row r's W and S (S2/2), as the fit reads them.
func (w *rowWeights) at(r int32) (total, points float64) {
	v := w.packed[r]
	if v == wideWeights {
		return w.wide(r)
	}
	return float64(v & math.MaxUint16), float64(v>>16) * 0.5
}

// wide is at for a row in big.
func (w *rowWeights) wide(r int32) (total, points float64) {
	k := w.big[r]
	return float64(k[0]), float64(k[1]) * 0.5
}
