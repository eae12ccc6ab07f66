package integrity

import (
	"slices"
)

// Voter filters of the voters page.
const (
	FilterAll     = ""
	FilterRisky   = "risky"
	FilterFlagged = "flagged"
	FilterBlocked = "blocked"
)

// Ranked returns the positions of the voters the filter keeps, riskiest
// first: highest risk, then lowest test p-value, then most votes, ties in
// order of first vote. It is worked out on the first request for that
// filter and kept with the report (until a block changes it), so that a
// page costs its own rows rather than a sort of every voter.
func (rep *Report) Ranked(filter string) []int32 {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	if r, ok := rep.rank[filter]; ok {
		return r
	}
	var idx []int32
	for i := range rep.lines.n {
		l := rep.line(i)
		if filter == FilterAll || filter == FilterRisky && l.risky > 0 || filter == FilterFlagged && l.has(lineFlagged) ||
			filter == FilterBlocked && l.has(lineBlocked) {
			idx = append(idx, int32(i))
		}
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		a, b := rep.rankKey(int(i)), rep.rankKey(int(j))
		ra, rb := riskScore(a.maxBits), riskScore(b.maxBits)
		switch {
		case ra != rb:
			return boolOrder(ra > rb)
		case a.testP != b.testP:
			return boolOrder(a.testP < b.testP)
		case a.votes != b.votes:
			return boolOrder(a.votes > b.votes)
		}
		return 0
	})
	if rep.rank == nil {
		rep.rank = map[string][]int32{}
	}
	rep.rank[filter] = idx
	return idx
}

// boolOrder is −1 when a sorts first, 1 otherwise.
func boolOrder(first bool) int {
	if first {
		return -1
	}
	return 1
}

// rankKey is what Ranked sorts voter u by: the signals of the riskiest
// vote, the test's p-value and the number of votes.
func (rep *Report) rankKey(u int) voterLine {
	k, several := rep.lines.where(u)
	if several {
		l := &rep.lines.full[k]
		return voterLine{maxBits: l.maxBits, testP: l.testP, votes: l.votes}
	}
	o := &rep.lines.one
	return voterLine{maxBits: rep.votes.bits[o.pos.at(k)], testP: o.testP.at(k), votes: 1}
}
