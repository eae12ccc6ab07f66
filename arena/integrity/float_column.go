package integrity

import (
	"cmp"
	"math"
)

// maxFloatCodes is how many distinct values a floatColumn numbers before
// it keeps its values as they are, unless told fewer: the numbering's map
// is build scratch (about 40 bytes a value), so it is bounded.
const maxFloatCodes = 1 << 18

// floatColumn is a column of float64 kept as a numbered list of its
// distinct values and each value's number, packed, when there are few
// distinct values (reading times the seed writes as 20 s, or the p-value
// of a single vote, one of three per pair of contenders); as they are
// otherwise. Values are compared by their bits, so every one is read back
// exactly.
type floatColumn struct {
	codes  packedInts
	values []float64
	raw    []float64 // when not nil, the values as they are
}

// at is value i.
func (c *floatColumn) at(i int) float64 {
	if c.raw != nil {
		return c.raw[i]
	}
	return c.values[c.codes.at(i)]
}

// floatPacker builds a floatColumn from values given one at a time,
// numbering at most limit distinct values (maxFloatCodes when 0).
type floatPacker struct {
	limit  int
	code   map[uint64]int32
	codes  intPacker
	values []float64
	raw    []float64
}

// add appends x.
func (q *floatPacker) add(x float64) {
	if q.raw != nil {
		q.raw = append(q.raw, x)
		return
	}
	if q.code == nil {
		q.code = map[uint64]int32{}
	}
	k, ok := q.code[math.Float64bits(x)]
	if !ok {
		if len(q.values) == cmp.Or(q.limit, maxFloatCodes) {
			q.unpack()
			q.raw = append(q.raw, x)
			return
		}
		k = int32(len(q.values))
		q.code[math.Float64bits(x)] = k
		q.values = append(q.values, x)
	}
	q.codes.add(int64(k))
}

// unpack turns the values numbered so far into raw ones, for good.
func (q *floatPacker) unpack() {
	codes := q.codes.done()
	q.raw = make([]float64, codes.Len(), codes.Len()+codes.Len()/4+packBlock)
	for i := range q.raw {
		q.raw[i] = q.values[codes.at(i)]
	}
	q.code, q.values = nil, nil
}

// done is the column of every value added.
func (q *floatPacker) done() floatColumn {
	if q.raw != nil {
		return floatColumn{raw: fit(q.raw)}
	}
	c := floatColumn{codes: q.codes.done(), values: fit(q.values)}
	q.code, q.values = nil, nil
	return c
}
