package boards

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestIDTrackerGaps(t *testing.T) {
	now := time.Now()
	var tr idTracker
	tr.reset(2)
	tr.saw([]uint{6, 3}, now)
	if tr.pos != 6 {
		t.Fatalf("position %d, want 6", tr.pos)
	}
	if got := tr.pending(now); !cmp.Equal(got, []uint{4, 5}) {
		t.Fatalf("waiting for %v, want [4 5]", got)
	}
	tr.saw([]uint{5, 7}, now.Add(time.Minute))
	if got := tr.pending(now.Add(time.Minute)); !cmp.Equal(got, []uint{4}) || tr.pos != 7 {
		t.Fatalf("waiting for %v at %d, want [4] at 7", got, tr.pos)
	}
	if got := tr.pending(now.Add(gapWait + time.Second)); len(got) != 0 {
		t.Fatalf("still waiting for %v after gapWait", got)
	}
	tr.saw([]uint{tr.pos + maxGaps + 2}, now)
	if !tr.overflow {
		t.Fatal("a jump past maxGaps ids did not ask for a full read")
	}
	tr.reset(0)
	if tr.overflow || len(tr.gaps) != 0 {
		t.Fatalf("reset left %+v", tr)
	}
}

// TestCatchUpAfterPrune checks that an instance whose position in the
// change log was pruned away reads every vote again, and that the log of
// a change it missed is then not needed.
func TestCatchUpAfterPrune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(1, 2))
		f := newIncrementalFixture(t, s, rng)
		for range 20 {
			f.vote(t, rng)
		}
		inc := New(s, Options{Rounds: 4, Workers: 1}, nil)
		boardsNow(t, inc)
		boardsNow(t, inc) // past the look-back after the first full read
		if _, err := s.ExcludeVotes(ctx, map[uint]string{f.votes[3]: models.ExcludedAdminPrefix + "x"}, true); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneRatingChanges(ctx, time.Now().Add(time.Hour)); err != nil || n == 0 {
			t.Fatalf("pruned %d, %v; want the exclusion's entry gone", n, err)
		}
		inc.computeMu.Lock()
		got, err := inc.catchUp(ctx)
		inc.computeMu.Unlock()
		if err != nil || !got.full || !got.changed {
			t.Fatalf("catch-up after pruning = %+v, %v; want a full read", got, err)
		}
		if d := cmp.Diff(boardsNow(t, New(s, Options{Rounds: 4, Workers: 1}, nil)), boardsNow(t, inc),
			cmp.AllowUnexported(RatedBoard{})); d != "" {
			t.Errorf("boards after the full read differ (-full +incremental):\n%s", d)
		}
		again, err := s.RatingChangesAfter(ctx, 0, nil)
		if err != nil || len(again.Changes) != 0 || again.PrunedThrough == 0 {
			t.Errorf("log after pruning = %+v, %v", again, err)
		}
	})
}

// TestCategoriesWaitWhileVoting checks the category cadence: a
// computation that reads new votes rates only the overall board until
// CategoryInterval has passed, and the next one that finds no new votes
// brings the categories up to date.
func TestCategoriesWaitWhileVoting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(3, 4))
		f := newIncrementalFixture(t, s, rng)
		for range 30 {
			f.vote(t, rng)
		}
		svc := New(s, Options{Rounds: 4, Workers: 1, CategoryInterval: time.Hour}, nil)
		if _, err := svc.recompute(ctx, false); err != nil {
			t.Fatal(err)
		}
		coding := func() int {
			h, err := s.LatestSnapshotHead(ctx, "coding")
			if err != nil {
				t.Fatal(err)
			}
			return h.VotesUsed
		}
		before := coding()
		for range 10 {
			f.vote(t, rng)
		}
		if _, err := svc.recompute(ctx, false); err != nil {
			t.Fatal(err)
		}
		overall, err := s.LatestSnapshotHead(ctx, models.CategoryOverall)
		if err != nil {
			t.Fatal(err)
		}
		if want := svc.rated.len(); overall.VotesUsed != want {
			t.Fatalf("overall board rated %d votes, want %d", overall.VotesUsed, want)
		}
		if d, behind := svc.categoriesWait(); coding() != before || !behind || d <= 0 {
			t.Fatalf("coding board went from %d to %d votes (behind %v, due in %v) while votes came; want it left for later",
				before, coding(), behind, d)
		}
		if _, err := svc.recompute(ctx, false); err != nil {
			t.Fatal(err)
		}
		if _, behind := svc.categoriesWait(); coding() == before || behind {
			t.Errorf("coding board still at %d votes (behind %v) once votes paused", coding(), behind)
		}
	})
}

// TestPatchKeepsVoteOrder checks patching against a plain model: rows
// replaced, removed and inserted anywhere leave the ids sorted and the
// rows as the last write left them.
func TestPatchKeepsVoteOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	rv := &ratedVotes{}
	want := map[uint64]voteRow{}
	for step := range 200 {
		var up []voteRow
		var gone []uint64
		for range rng.IntN(6) {
			r := voteRow{id: uint64(1 + rng.IntN(300)), a: uint32(rng.IntN(5)), b: uint32(rng.IntN(5)),
				result: uint8(rng.IntN(3)), cat: uint32(rng.IntN(3))}
			r.style[rng.IntN(styleWidth)] = int32(rng.IntN(50))
			if _, dup := want[r.id]; dup && slices.ContainsFunc(up, func(x voteRow) bool { return x.id == r.id }) {
				continue
			}
			up, want[r.id] = append(up, r), r
		}
		for range rng.IntN(4) {
			id := uint64(1 + rng.IntN(300))
			if !slices.ContainsFunc(up, func(x voteRow) bool { return x.id == id }) {
				gone = append(gone, id)
				delete(want, id)
			}
		}
		rv.patch(up, gone)
		if !slices.IsSorted(rv.id) || rv.len() != len(want) {
			t.Fatalf("step %d: %d rows (want %d), sorted %v", step, rv.len(), len(want), slices.IsSorted(rv.id))
		}
		for i := range rv.len() {
			if r := rv.row(i); r != want[r.id] {
				t.Fatalf("step %d: row %+v, want %+v", step, r, want[r.id])
			}
		}
	}
}

// TestRestartServesStoredBoardWhileCatchingUp checks that a new process
// serves the last stored board, and answers Readiness, while its first
// computation (which reads every vote) still runs.
func TestRestartServesStoredBoardWhileCatchingUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f, rng := storedBoardFixture(t, s, 5)
		f.vote(t, rng) // cast while the server was down
		restarted := New(s, Options{Rounds: 4, Workers: 1}, nil)
		restarted.computeMu.Lock() // the first computation is still running
		defer restarted.computeMu.Unlock()
		b, err := restarted.RatedLeaderboard(ctx)
		if err != nil || b == nil || b.Votes == 0 {
			t.Fatalf("board while catching up = %+v, %v; want the stored one", b, err)
		}
		r, err := restarted.Readiness(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counted, err := s.CountedVotesAfter(ctx, b.LastVoteID, 100)
		if err != nil || r.BehindVotes != counted || r.Current != (counted == 0) {
			t.Errorf("readiness = %+v, want %d votes behind (%v)", r, counted, err)
		}
	})
}

// TestReadinessNotCurrentWhileReadingAll checks that a restarted process
// whose stored board rated every vote does not call it current while it
// reads every vote (a vote cast meanwhile would wait for the read), and
// does once its first computation is done.
func TestReadinessNotCurrentWhileReadingAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		storedBoardFixture(t, s, 7)
		restarted := New(s, Options{Rounds: 4, Workers: 1}, nil)
		restarted.reading.Store(true) // as readAll does while it reads
		if r, err := restarted.Readiness(ctx); err != nil || r.Current || r.BehindVotes != 0 {
			t.Fatalf("readiness while reading every vote = %+v, %v; want not current, 0 behind", r, err)
		}
		// Left set: the read clears it when it is done.
		if _, err := restarted.RecomputeRatings(ctx); err != nil {
			t.Fatal(err)
		}
		if restarted.rated == nil || restarted.reading.Load() {
			t.Fatal("the first computation did not read the votes, or left the reading flag set")
		}
		if r, err := restarted.Readiness(ctx); err != nil || !r.Current {
			t.Fatalf("readiness after the first computation = %+v, %v; want current", r, err)
		}
	})
}

// storedBoardFixture casts 12 votes and stores the board a first process
// rated from them, as a server leaves them when it stops.
func storedBoardFixture(t *testing.T, s *models.Store, seed uint64) (*incrementalFixture, *rand.Rand) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	f := newIncrementalFixture(t, s, rng)
	for range 12 {
		f.vote(t, rng)
	}
	if _, err := New(s, Options{Rounds: 4, Workers: 1}, nil).RecomputeRatings(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f, rng
}
