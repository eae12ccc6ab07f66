package boards

import (
	"context"
	"math/rand/v2"
	"testing"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestDisplayBeforeFirstBoard: before the first rated board the overall
// leaderboard shows the online-Elo board while the votes are few, and
// nothing yet (the first board is being computed) once their ids span
// more than EloMaxVotes, rather than reading every vote per request.
func TestDisplayBeforeFirstBoard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		rng := rand.New(rand.NewPCG(3, 4))
		f := newIncrementalFixture(t, s, rng)
		for range 12 {
			f.vote(t, rng)
		}
		for _, tc := range []struct {
			max  int
			want DisplayKind
		}{{100, DisplayElo}, {12, DisplayElo}, {11, DisplayNone}} {
			svc := New(s, Options{Rounds: 4, Workers: 1, EloMaxVotes: tc.max}, nil)
			d, err := svc.Display(context.Background(), BoardQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Kind != tc.want {
				t.Errorf("EloMaxVotes %d: display kind %d, want %d", tc.max, d.Kind, tc.want)
			}
		}
	})
}
