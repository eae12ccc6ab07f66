package integrity

import (
	"cmp"
	"math/bits"
	"slices"
)

// packBlock is how many values a block of packedInts holds.
const packBlock = 128

// packedInts is a column of integers kept in blocks of packBlock, each as
// its least value, a common step (the greatest common divisor of the
// differences from it) and those differences divided by the step in as
// few bits as the largest needs. The report's columns are mostly sorted
// or nearly so (ids, times in the order cast, positions) or small numbers,
// so they take one to four bytes a value instead of four or eight, and
// every value is read back exactly, in constant time.
type packedInts struct {
	n     int
	base  []int64
	step  []uint64
	width []uint8
	from  []uint32 // the block's first word in words
	words []uint64
}

// Len is how many values there are.
func (p *packedInts) Len() int { return p.n }

// at is value i.
func (p *packedInts) at(i int) int64 {
	b, j := i/packBlock, uint(i%packBlock)
	w := uint(p.width[b])
	if w == 0 {
		return p.base[b]
	}
	bit := j * w
	k, off := int(p.from[b])+int(bit/64), bit%64
	x := p.words[k] >> off
	if off+w > 64 {
		x |= p.words[k+1] << (64 - off)
	}
	x &= ^uint64(0) >> (64 - w)
	return p.base[b] + int64(x*p.step[b])
}

// search is the position of x in p, whose values must be increasing, and
// whether it is there.
func (p *packedInts) search(x int64) (int, bool) {
	return sortSearch(p.n, func(k int) int { return cmp.Compare(p.at(k), x) })
}

// intPacker builds a packedInts from values given one at a time, holding
// at most one block of them unpacked.
type intPacker struct {
	buf []int64
	p   packedInts
}

// add appends x.
func (q *intPacker) add(x int64) {
	if q.buf == nil {
		q.buf = make([]int64, 0, packBlock)
	}
	q.buf = append(q.buf, x)
	if len(q.buf) == packBlock {
		q.flush()
	}
}

// done is the column of every value added, without room to spare.
func (q *intPacker) done() packedInts {
	q.flush()
	q.buf = nil
	p := q.p
	p.base, p.step, p.width, p.from, p.words = fit(p.base), fit(p.step), fit(p.width), fit(p.from), fit(p.words)
	q.p = packedInts{}
	return p
}

// flush packs the values held as a block.
func (q *intPacker) flush() {
	if len(q.buf) == 0 {
		return
	}
	lo := slices.Min(q.buf)
	var step uint64
	for _, x := range q.buf {
		step = gcd(step, uint64(x)-uint64(lo))
	}
	var top uint64
	for _, x := range q.buf {
		top = max(top, (uint64(x)-uint64(lo))/max(step, 1))
	}
	w := uint(bits.Len64(top))
	p := &q.p
	p.base, p.step, p.width, p.from = append(p.base, lo), append(p.step, step), append(p.width, uint8(w)), append(p.from, uint32(len(p.words)))
	if w > 0 {
		p.words = append(p.words, make([]uint64, (uint(len(q.buf))*w+63)/64)...)
		words := p.words[p.from[len(p.from)-1]:]
		for j, x := range q.buf {
			d, bit := (uint64(x)-uint64(lo))/step, uint(j)*w
			words[bit/64] |= d << (bit % 64)
			if bit%64+w > 64 {
				words[bit/64+1] |= d >> (64 - bit%64)
			}
		}
	}
	p.n += len(q.buf)
	q.buf = q.buf[:0]
}

// gcd is the greatest common divisor of a and b (the other when one is 0).
func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// packInts packs xs.
func packInts[E ~int32 | ~int64 | ~uint | ~uint32](xs []E) packedInts {
	var q intPacker
	for _, x := range xs {
		q.add(int64(x))
	}
	return q.done()
}
