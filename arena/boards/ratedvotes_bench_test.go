package boards

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"openarena.dev/arena/models"
)

// syntheticVotes fills a ratedVotes with n votes over 300 contenders, as a
// full read does (appending in id order).
func syntheticVotes(n int) *ratedVotes {
	rng := rand.New(rand.NewPCG(1, 1))
	cats := [][]string{{"coding"}, {"math", "hard_prompts"}, {"creative_writing"}, nil, {"coding", "hard_prompts"}}
	rv := &ratedVotes{}
	var c models.CountedBattle
	for i := range n {
		a := 1 + rng.IntN(300)
		c = models.CountedBattle{VoteID: uint(i + 1), ContenderAID: uint(a), ContenderBID: uint(1 + (a+rng.IntN(299))%300),
			Winner: []string{models.WinnerA, models.WinnerB, models.WinnerTie}[rng.IntN(3)], StyleA: models.StyleCounts{Tokens: rng.IntN(900), Lists: rng.IntN(5)},
			StyleB: models.StyleCounts{Tokens: rng.IntN(900), Bold: rng.IntN(5)}, Categories: cats[i%len(cats)], Turns: 1}
		rv.add(rv.rowOf(&c))
	}
	return rv
}

// BenchmarkRatedVotesMemory reports the heap the recomputer's votes take
// per vote at ARENA_BENCH_VOTES votes (default 1,000,000; bytes/vote),
// slack of the grown arrays included:
// go test ./arena/boards -run '^$' -bench RatedVotesMemory -benchtime 1x
func BenchmarkRatedVotesMemory(b *testing.B) {
	n := benchEnv("ARENA_BENCH_VOTES", 1_000_000)
	var perVote float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rv := syntheticVotes(n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		perVote = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
		runtime.KeepAlive(rv)
	}
	b.ReportMetric(perVote, "bytes/vote")
}

// BenchmarkCatchUp100 patches 100 new votes and 10 exclusions into
// 1,000,000 held votes, as a catch-up after a burst does (the database
// reads excluded): go test ./arena/boards -run '^$' -bench CatchUp100
func BenchmarkCatchUp100(b *testing.B) {
	rv := syntheticVotes(1_000_000)
	next := uint64(rv.len())
	for b.Loop() {
		up := make([]voteRow, 100)
		for i := range up {
			next++
			up[i] = rv.row(i)
			up[i].id = next
		}
		gone := make([]uint64, 10)
		for i := range gone {
			gone[i] = rv.id[1000*i]
		}
		rv.patch(up, gone)
	}
}
