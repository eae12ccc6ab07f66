package arena_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/moderation"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// fallback is the periodic check in TestSignalsReachOtherInstance: long,
// so that only a signal can bring a change in time.
const fallback = time.Minute

// TestSignalsReachOtherInstance runs two arenas on two stores over one
// PostgreSQL schema, as two replicas whose periodic checks are a minute
// apart, and checks that an admin's changes on A (a filter edit, a vote
// excluded) are seen by B long before that minute.
func TestSignalsReachOtherInstance(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	var done []<-chan struct{}
	defer func() {
		cancel()
		for _, d := range done {
			<-d
		}
	}()
	var as []*arena.Arena
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
		a := arena.New(s, arena.Options{FilterRefresh: fallback, BankRefresh: fallback, Ratings: boards.Options{
			Debounce: 10 * time.Millisecond, Interval: fallback, BoardCheck: fallback, Rounds: 20, MinVotes: 3}})
		as = append(as, a)
		done = append(done, a.Boards().StartRatings(ctx))
		listening := make(chan struct{})
		go func() {
			defer close(listening)
			if err := a.ListenSignals(ctx); err != nil {
				t.Error(err)
			}
		}()
		done = append(done, listening)
	}
	waitListeners(t, dsn, 2)
	a, b := as[0], as[1]

	// B caches the filter lists, then A edits them.
	if r, err := b.Moderation().PromptRules(ctx); err != nil || slices.Contains(r.Blocked, "zanzibar") {
		t.Fatalf("rules before the edit: %v, %v", r.Blocked, err)
	}
	start := time.Now()
	if err := a.Moderation().SetFilterRules(ctx, "admin", moderation.FilterRules{BlockWords: []string{"zanzibar"}}); err != nil {
		t.Fatal(err)
	}
	seenBefore(t, "B applying A's filter edit", start, func() bool {
		r, err := b.Moderation().PromptRules(ctx)
		return err == nil && slices.Contains(r.Blocked, "zanzibar")
	})

	// B caches a board of 6 votes, then A excludes one.
	castVotes(t, a, 6)
	seenBefore(t, "B serving the board of 6 votes", time.Now(), func() bool { return boardVotes(ctx, b) == 6 })
	start = time.Now()
	if err := a.Integrity().ExcludeVote(ctx, "admin", 1, "test exclusion"); err != nil {
		t.Fatal(err)
	}
	seenBefore(t, "B serving the board without the excluded vote", start, func() bool { return boardVotes(ctx, b) == 5 })
}

// boardVotes is the vote count of the overall board a serves, -1 if none.
func boardVotes(ctx context.Context, a *arena.Arena) int {
	board, err := a.Boards().RatedLeaderboard(ctx)
	if err != nil || board == nil {
		return -1
	}
	return board.Votes
}

// seenBefore waits for cond and fails unless it held well before the
// fallback check could have brought it.
func seenBefore(t *testing.T, what string, start time.Time, cond func() bool) {
	t.Helper()
	for !cond() {
		if time.Since(start) > fallback/4 {
			t.Fatalf("%s: not seen after %s, so only the periodic check would bring it", what, time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("%s: seen after %s", what, time.Since(start).Round(time.Millisecond))
}

// waitListeners waits until n sessions listen on the schema's channel and
// have had a moment to take their first SignalAll, after which a signal
// is the only way news reaches them.
func waitListeners(t *testing.T, dsn string, n int) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got int
		err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE query = 'listen ' || quote_ident('arena:' || current_schema())`).Scan(&got)
		if err != nil {
			t.Fatal(err)
		}
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d instances listening after 10 s", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
}
