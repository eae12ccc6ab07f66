package arena_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// fastRatings recompute 10 ms after a vote with a small bootstrap, so the
// tests see snapshots quickly.
func fastRatings() boards.Options {
	return boards.Options{Debounce: 10 * time.Millisecond, Interval: time.Hour, Rounds: 20, MinVotes: 3}
}

// overlap counts computations running at once, across arenas.
type overlap struct {
	now, max, total atomic.Int32
	hold            time.Duration
}

// hook is a boards.Options.OnCompute that holds each computation a little,
// so two that ran at once would be seen together.
func (o *overlap) hook() func() {
	n := o.now.Add(1)
	o.total.Add(1)
	for {
		m := o.max.Load()
		if n <= m || o.max.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(o.hold)
	return func() { o.now.Add(-1) }
}

var voterSeq atomic.Int64

// castVotes has n new voters each take a bank battle and vote, cycling
// through the verdicts.
func castVotes(t *testing.T, a *arena.Arena, n int) {
	t.Helper()
	winners := []string{models.WinnerA, models.WinnerB, models.WinnerTie, models.WinnerA}
	for i := range n {
		voter := fmt.Sprintf("voter-%d", voterSeq.Add(1))
		b, err := a.StartBankBattle(context.Background(), voter)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Vote(context.Background(), arena.VoteRequest{BattleID: b.ID, VoterID: voter, Winner: winners[i%len(winners)]}); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func latestVotes(s *models.Store) int {
	h, err := s.LatestSnapshotHead(context.Background(), models.CategoryOverall)
	if err != nil {
		return -1
	}
	return h.VotesUsed
}

func TestRatingsFollowVotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seedBank(t, s, "alpha", "beta", "gamma")
		a := arena.New(s, arena.Options{Ratings: fastRatings()})
		ctx, cancel := context.WithCancel(context.Background())
		done := a.Boards().StartRatings(ctx)
		defer func() { cancel(); <-done }()

		if b, err := a.Boards().RatedLeaderboard(ctx); err != nil || b != nil {
			t.Fatalf("board before any vote = %+v, %v; want none", b, err)
		}
		castVotes(t, a, 4)
		var board *boards.RatedBoard
		waitFor(t, "a snapshot of 4 votes", func() bool {
			b, err := a.Boards().RatedLeaderboard(ctx)
			if err != nil {
				t.Fatal(err)
			}
			board = b
			return b != nil && b.Votes == 4
		})
		if board.Method != boards.MethodBradleyTerry || board.CI != "bootstrap" || board.Rounds != 20 || board.ComputedAt.IsZero() || board.Style == nil {
			t.Errorf("board = %+v", board)
		}
		votes := 0
		for _, r := range board.Models {
			votes += r.Votes
			if !withinInterval(r.CILower, r.Score, r.CIUpper) || r.RankUB < 1 || r.Style == nil || r.Style.RankUB < 1 {
				t.Errorf("row %s: score %.1f in [%.1f, %.1f], rank %d, style %+v", r.Slug, r.Score, r.CILower, r.CIUpper, r.RankUB, r.Style)
			}
			if r.Preliminary != (r.Votes < 3) {
				t.Errorf("row %s with %d votes: preliminary = %v, want below 3", r.Slug, r.Votes, r.Preliminary)
			}
			if r.Wins+r.Ties+r.Losses != r.Votes || r.DisplayName == "" {
				t.Errorf("row %s: %d+%d+%d ≠ %d votes, name %q", r.Slug, r.Wins, r.Ties, r.Losses, r.Votes, r.DisplayName)
			}
		}
		if votes != 8 {
			t.Errorf("rows hold %d votes, want 8 (two sides of 4)", votes)
		}
		if pending, _ := s.UnmeasuredResponses(ctx, 10); len(pending) != 0 {
			t.Errorf("answers left unmeasured after a computation: %+v", pending)
		}

		castVotes(t, a, 2)
		waitFor(t, "a snapshot of 6 votes", func() bool { return latestVotes(s) == 6 })
	})
}

// TestRatingsCatchUpAtStart rates votes cast while no recomputer ran.
func TestRatingsCatchUpAtStart(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "alpha", "beta")
	castVotes(t, arena.New(s, arena.Options{}), 3)
	if n := latestVotes(s); n != -1 {
		t.Fatalf("a snapshot exists without a recomputer: %d votes", n)
	}
	a := arena.New(s, arena.Options{Ratings: fastRatings()})
	ctx, cancel := context.WithCancel(context.Background())
	done := a.Boards().StartRatings(ctx)
	waitFor(t, "the start-up snapshot", func() bool { return latestVotes(s) == 3 })
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the recomputer did not stop with its context")
	}
}

func TestRatingsSameVotesSameSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seedBank(t, s, "alpha", "beta", "gamma")
		a := arena.New(s, arena.Options{Ratings: fastRatings()})
		castVotes(t, a, 6)
		first, err := a.Boards().RecomputeRatings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Again, and from a second instance: the seed is fixed, so the
		// result is identical and no second snapshot is stored.
		again, err := a.Boards().RecomputeRatings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		other, err := arena.New(s, arena.Options{Ratings: fastRatings()}).Boards().RecomputeRatings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if again.SnapshotID != first.SnapshotID || other.SnapshotID != first.SnapshotID {
			t.Errorf("snapshots %d, %d, %d; want one", first.SnapshotID, again.SnapshotID, other.SnapshotID)
		}
		if all, _ := s.Snapshots(context.Background(), models.CategoryOverall, 10); len(all) != 1 {
			t.Errorf("%d snapshots stored, want 1", len(all))
		}
		castVotes(t, a, 1)
		next, err := a.Boards().RecomputeRatings(context.Background())
		if err != nil || next.SnapshotID == first.SnapshotID || next.Votes != 7 {
			t.Errorf("after a new vote: snapshot %d of %d votes, %v; want a new one of 7", next.SnapshotID, next.Votes, err)
		}
	})
}

// TestRatingsOneAtATime fires votes, wake-ups and direct recomputations
// at once and checks that computations never overlap within a process.
func TestRatingsOneAtATime(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "alpha", "beta", "gamma")
	ov := &overlap{hold: 5 * time.Millisecond}
	opt := fastRatings()
	opt.Debounce, opt.OnCompute = time.Millisecond, ov.hook
	a := arena.New(s, arena.Options{Ratings: opt})
	ctx, cancel := context.WithCancel(context.Background())
	done := a.Boards().StartRatings(ctx)
	defer func() { cancel(); <-done }()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 3 {
				castVotes(t, a, 1)
				if _, err := a.Boards().RecomputeRatings(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	waitFor(t, "a snapshot of every vote", func() bool { return latestVotes(s) == 12 })
	if m := ov.max.Load(); m != 1 {
		t.Errorf("%d computations ran at once, want 1", m)
	}
	if ov.total.Load() < 2 {
		t.Errorf("only %d computations ran", ov.total.Load())
	}
}

// TestRatingsAcrossInstances runs two arenas on two stores over one
// PostgreSQL schema, as two replicas: votes reach both, their computations
// never overlap, and the final snapshot holds every vote.
func TestRatingsAcrossInstances(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ov := &overlap{hold: 20 * time.Millisecond}
	var arenas []*arena.Arena
	ctx, cancel := context.WithCancel(context.Background())
	var stopped []<-chan struct{}
	defer func() {
		cancel()
		for _, d := range stopped {
			<-d
		}
	}()
	for i := range 2 {
		s, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			seedBank(t, s, "alpha", "beta", "gamma")
		}
		opt := fastRatings()
		opt.OnCompute = ov.hook
		a := arena.New(s, arena.Options{Ratings: opt})
		arenas = append(arenas, a)
		stopped = append(stopped, a.Boards().StartRatings(ctx))
	}
	var wg sync.WaitGroup
	busy := atomic.Int32{}
	for _, a := range arenas {
		wg.Go(func() {
			for range 5 {
				castVotes(t, a, 2)
				if _, err := a.Boards().RecomputeRatings(ctx); errors.Is(err, boards.ErrRatingsBusy) {
					busy.Add(1)
				} else if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	waitFor(t, "a snapshot of all 20 votes", func() bool { return latestVotes(arenas[0].Store()) == 20 })
	if m := ov.max.Load(); m != 1 {
		t.Errorf("%d computations ran at once across the two instances, want 1", m)
	}
	t.Logf("%d computations, %d direct recomputations refused as busy", ov.total.Load(), busy.Load())
}

// TestRatingsThinHistory stores older snapshots by hand, three in one hour,
// and checks that a new computation keeps only the newest of that hour.
func TestRatingsThinHistory(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "alpha", "beta")
	ctx := context.Background()
	old := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Hour)
	var ids []uint
	for i := range 3 {
		snap := &models.RatingSnapshot{CreatedAt: old.Add(time.Duration(i) * time.Minute), Method: "bradley_terry",
			Result: "{}", ContentHash: fmt.Sprint("old-", i)}
		if _, err := s.CreateSnapshot(ctx, snap); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, snap.ID)
	}
	a := arena.New(s, arena.Options{Ratings: fastRatings()})
	castVotes(t, a, 2)
	b, err := a.Boards().RecomputeRatings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Snapshots(ctx, models.CategoryOverall, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint
	for _, snap := range all {
		got = append(got, snap.ID)
	}
	if want := []uint{b.SnapshotID, ids[2]}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("snapshots left = %v, want %v", got, want)
	}
}

// withinInterval allows float rounding at the edges: when one model wins
// every battle its score sits at its bootstrap interval's end, and that end,
// computed again, can come out a few ulps lower.
func withinInterval(lo, score, hi float64) bool {
	tol := 1e-9 * math.Max(1, math.Abs(score))
	return lo-tol <= score && score <= hi+tol
}
