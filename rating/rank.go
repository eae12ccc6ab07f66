package rating

// RankUB is the arena's rank: 1 + the number of other models whose lower
// bound is strictly above this model's upper bound, so models whose
// intervals overlap share a rank.
func RankUB(intervals []Interval) []int {
	ranks := make([]int, len(intervals))
	for i, me := range intervals {
		ranks[i] = 1
		for j, other := range intervals {
			if j != i && other.Lower > me.Upper {
				ranks[i]++
			}
		}
	}
	return ranks
}
