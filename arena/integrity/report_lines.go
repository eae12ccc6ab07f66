package integrity

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// voterLine is one voter's summary as the report keeps it: 64 bytes of
// counts and figures from which VoterSummary is rebuilt exactly (the rate
// from the times, the agreement from its counts, the highest risk from
// its signal byte).
type voterLine struct {
	first, last                                    int64 // Unix nanoseconds
	medianRead, testP                              float64
	votes, rated, excluded, decisive, agree, risky int32
	maxBits                                        uint8 // the signals of the riskiest vote
	flags                                          uint8
}

// Bits of voterLine.flags.
const (
	lineBlocked uint8 = 1 << iota
	lineTested
	lineFlagged
)

func (l *voterLine) setFlag(f uint8, on bool) {
	if on {
		l.flags |= f
	} else {
		l.flags &^= f
	}
}

func (l *voterLine) has(f uint8) bool { return l.flags&f != 0 }

// count adds d to the rated or excluded count that a vote of state st is
// in. A nil line is a voter's with one vote, whose counts follow the
// vote's state: nothing to do.
func (l *voterLine) count(st uint8, d int32) {
	switch {
	case l == nil:
	case st&stateInRatings != 0:
		l.rated += d
	case st&stateCounted != 0:
		// Counted when cast, so only an exclusion keeps it out.
		l.excluded += d
	}
}

// summary rebuilds the voter's summary.
func (l *voterLine) summary(id string) VoterSummary {
	s := VoterSummary{VoterID: id, Blocked: l.has(lineBlocked), Votes: int(l.votes), Rated: int(l.rated),
		Excluded: int(l.excluded), MedianRead: l.medianRead, Agreement: math.NaN(), Decisive: int(l.decisive),
		TestP: l.testP, Tested: l.has(lineTested), Flagged: l.has(lineFlagged), MaxRisk: riskScore(l.maxBits),
		Risky: int(l.risky), First: time.Unix(0, l.first).UTC(), Last: time.Unix(0, l.last).UTC()}
	s.PerHour = float64(s.Votes) / max(1, s.Last.Sub(s.First).Hours())
	if s.Decisive > 0 {
		s.Agreement = float64(l.agree) / float64(s.Decisive)
	}
	return s
}

// voterNames are the voters' ids in one string, found by a binary search
// over them sorted: a few bytes a voter besides the ids themselves, where
// a map and a string header each would take about sixty.
type voterNames struct {
	all string
	end []uint32 // id k is all[end[k-1]:end[k]] (from 0 for k = 0)
	// perm maps a voter's number to their id's k; nil when they are equal.
	perm   []int32
	sorted []int32
}

// newVoterNames are the names of the interned ids, voter u's being id
// perm[u] (u's own when perm is nil).
func newVoterNames(ids *interner, perm []int32) voterNames {
	n := voterNames{all: ids.buf.String(), end: ids.end, perm: perm, sorted: make([]int32, ids.Len())}
	// Sorted by their first eight bytes as a number first: a million ids
	// sort in a tenth of the time that comparing them as strings takes.
	prefix := make([]uint64, len(n.sorted))
	for u := range prefix {
		prefix[u], n.sorted[u] = prefix8(n.at(u)), int32(u)
	}
	slices.SortFunc(n.sorted, func(a, b int32) int {
		if c := cmp.Compare(prefix[a], prefix[b]); c != 0 {
			return c
		}
		return strings.Compare(n.at(int(a)), n.at(int(b)))
	})
	return n
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

// at is voter u's id.
func (n *voterNames) at(u int) string {
	if n.perm != nil {
		u = int(n.perm[u])
	}
	from := uint32(0)
	if u > 0 {
		from = n.end[u-1]
	}
	return n.all[from:n.end[u]]
}

// find is the number of the voter with the id.
func (n *voterNames) find(id string) (int, bool) {
	k, ok := slices.BinarySearchFunc(n.sorted, id, func(u int32, id string) int { return strings.Compare(n.at(int(u)), id) })
	if !ok {
		return 0, false
	}
	return int(n.sorted[k]), true
}

// Len is how many voters the report has.
func (rep *Report) Len() int { return rep.lines.n }

// Voter is the summary of the i-th voter, in the order of first votes.
func (rep *Report) Voter(i int) VoterSummary {
	rep.mu.Lock()
	l := rep.line(i)
	rep.mu.Unlock()
	return l.summary(rep.names.at(i))
}

// Find is the position of the voter with the id, false when the report
// does not know them (no votes, or voted only since).
func (rep *Report) Find(voterID string) (int, bool) { return rep.names.find(voterID) }

// Summaries are every voter's summary, in the order of first votes.
func (rep *Report) Summaries() []VoterSummary {
	out := make([]VoterSummary, rep.Len())
	for i := range out {
		out[i] = rep.Voter(i)
	}
	return out
}
