package boards

import (
	"crypto/sha256"

	"openarena.dev/arena/rating"
)

// account adds a row's outcome line to its category set's digest sum, or
// takes it out. A vote of a contender against itself is left out, as
// ratingInput leaves it out of the ratings.
func (rv *ratedVotes) account(r voteRow, add bool) {
	a, okA := rv.slugs[r.a]
	b, okB := rv.slugs[r.b]
	if !okA || !okB {
		rv.missing = true
		return
	}
	if r.a == r.b {
		return
	}
	var counts [2 * rating.NumStyleFeatures]int64
	for k, v := range r.style {
		counts[k] = int64(v)
	}
	// As styleVector: an answer not measured yet counts as empty.
	counts[0], counts[rating.NumStyleFeatures] = max(counts[0], 0), max(counts[rating.NumStyleFeatures], 0)
	var buf [160]byte
	h := sha256.Sum256(appendOutcomeLine(buf[:0], a, b, resultValue(r.result), &counts))
	for int(r.cat) >= len(rv.sums) {
		rv.sums = append(rv.sums, digestSum{})
	}
	if add {
		rv.sums[r.cat].add(h)
	} else {
		rv.sums[r.cat].sub(h)
	}
}

// rehash computes the digest sums again from every vote held, with slugs.
func (rv *ratedVotes) rehash(slugs map[uint32]string) {
	rv.slugs, rv.sums, rv.missing = slugs, nil, false
	for i := range rv.len() {
		rv.account(rv.row(i), true)
	}
}

// digestOf sums the digest multisets of the category sets in: every set
// when in is nil. It is nil when the sums cannot be used (see missing).
func (rv *ratedVotes) digestOf(in func(set int) bool) *digestSum {
	if rv.missing {
		return nil
	}
	var d digestSum
	for k, s := range rv.sums {
		if in == nil || in(k) {
			d.merge(s)
		}
	}
	return &d
}

// categoryDigest is digestOf the sets that put their votes in category
// cat, as categorySubsets does.
func (rv *ratedVotes) categoryDigest(cat string) *digestSum {
	return rv.digestOf(func(k int) bool {
		if k >= len(rv.sets) {
			return false
		}
		for _, c := range rv.sets[k] {
			if c == cat && len(c) <= maxCategoryLen {
				return true
			}
		}
		return false
	})
}
