package boards

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestSlowPartInBackground checks the path a large arena takes: the
// overall board's fast part is stored at once, carrying the last slow
// view and saying which votes it rated, and the background job brings
// the style-controlled view and the categories; once it has, the board
// equals one computed in full.
func TestSlowPartInBackground(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(3, 4))
		f := newIncrementalFixture(t, s, rng)
		for range 40 {
			f.vote(t, rng)
		}
		opt := Options{Rounds: 8, Seed: 5, Workers: 1, CategoryInterval: time.Hour}
		svc := New(s, opt, nil)
		svc.slowTook = time.Hour // as if the slow part were expensive

		first := mustRecompute(t, svc)
		if first.Models[0].Style != nil || first.Style != nil || first.ViewsAsOf != nil {
			t.Fatalf("first board has a slow part before any was computed: %+v", first)
		}
		svc.slowJobs.Wait()
		assertMatchesFull(t, svc, mustRecompute(t, svc), opt)
		if b, err := svc.RatedLeaderboardFor(ctx, "coding"); err != nil || b == nil || b.Votes == 0 {
			t.Fatalf("the background job stored no coding board: %v %v", b, err)
		}

		before := first.Votes
		svc.slowTook = time.Hour // the job above timed the real, small one
		for range 5 {
			f.vote(t, rng)
		}
		carried := mustRecompute(t, svc)
		if carried.ViewsAsOf == nil || carried.ViewsAsOf.Votes != before || carried.Votes <= before {
			t.Fatalf("board of %d votes carries a view of %+v, want one of %d votes", carried.Votes, carried.ViewsAsOf, before)
		}
		if carried.Models[0].Style == nil || carried.Style == nil {
			t.Fatal("the carried board lost the style-controlled view")
		}
		if r, err := svc.Readiness(ctx); err != nil || !r.Current || !r.ViewsBehind {
			t.Fatalf("readiness %+v (%v) while the slow part is behind", r, err)
		}
		// Votes pause: the next check finds none new and the slow part
		// catches up in the background.
		if _, err := svc.recompute(ctx, false); err != nil {
			t.Fatal(err)
		}
		svc.slowJobs.Wait()
		assertMatchesFull(t, svc, mustRecompute(t, svc), opt)
	})
}

func mustRecompute(t *testing.T, svc *Service) *RatedBoard {
	t.Helper()
	b, err := svc.recompute(context.Background(), false)
	if err != nil || b == nil {
		t.Fatalf("recompute: %v %v", b, err)
	}
	return b
}

// assertMatchesFull compares a board with the overall board a fresh
// recomputer computes in full.
func assertMatchesFull(t *testing.T, svc *Service, got *RatedBoard, opt Options) {
	t.Helper()
	want := boardsNow(t, New(svc.store, opt, nil))[0]
	if got.ViewsAsOf != nil {
		t.Fatalf("board still carries an older view: %+v", got.ViewsAsOf)
	}
	if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(RatedBoard{}), cmpopts.IgnoreFields(RatedBoard{}, "SnapshotID", "ComputedAt")); d != "" {
		t.Fatalf("board after the background job differs from a full computation (-full +got):\n%s", d)
	}
}
