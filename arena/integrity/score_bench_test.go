package integrity_test

import (
	"testing"

	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/arena/integrity/integritytest"
)

// BenchmarkScoreVotes scores 200,000 votes of 10,000 voters over 5 models
// plus one rigger, what the voters page and the sweep do.
//
//	go test ./arena/integrity -run '^$' -bench ScoreVotes -benchtime 3x
func BenchmarkScoreVotes(b *testing.B) {
	votes, n, _ := integritytest.RiggedVotes(10000, 20, 60)
	b.ResetTimer()
	for b.Loop() {
		integrity.ScoreVotes(votes, n, integrity.Options{})
	}
}
