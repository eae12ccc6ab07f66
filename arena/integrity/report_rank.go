package integrity

import (
	"slices"
	"sync"
)

// Voter filters of the voters page.
const (
	FilterAll     = ""
	FilterRisky   = "risky"
	FilterFlagged = "flagged"
	FilterBlocked = "blocked"
)

// rankings keeps, per filter, the report's voters riskiest first, worked
// out on the first request for that filter and kept with the report, so
// that a page costs its own rows rather than a sort of every voter.
type rankings struct {
	mu     sync.Mutex
	ranked map[string][]int32
}

// Ranked returns the positions in Voters of the voters the filter keeps,
// riskiest first: highest risk, then lowest test p-value, then most votes,
// ties in order of first vote.
func (rep *Report) Ranked(filter string) []int32 {
	rep.rank.mu.Lock()
	defer rep.rank.mu.Unlock()
	if r, ok := rep.rank.ranked[filter]; ok {
		return r
	}
	var idx []int32
	for i := range rep.Voters {
		v := &rep.Voters[i]
		if filter == FilterAll || filter == FilterRisky && v.Risky > 0 || filter == FilterFlagged && v.Flagged ||
			filter == FilterBlocked && v.Blocked {
			idx = append(idx, int32(i))
		}
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		a, b := &rep.Voters[i], &rep.Voters[j]
		switch {
		case a.MaxRisk != b.MaxRisk:
			return boolOrder(a.MaxRisk > b.MaxRisk)
		case a.TestP != b.TestP:
			return boolOrder(a.TestP < b.TestP)
		case a.Votes != b.Votes:
			return boolOrder(a.Votes > b.Votes)
		}
		return 0
	})
	if rep.rank.ranked == nil {
		rep.rank.ranked = map[string][]int32{}
	}
	rep.rank.ranked[filter] = idx
	return idx
}

// boolOrder is −1 when a sorts first, 1 otherwise.
func boolOrder(first bool) int {
	if first {
		return -1
	}
	return 1
}
