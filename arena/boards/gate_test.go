package boards

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"openarena.dev/arena/arena/heavy"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// lockedBuffer is a log destination the background job and the test
// share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSlowJobGivesWayToAReport checks that a background job running when
// an integrity report's build begins stops and lets go before the build
// goes on, that none starts during the build, and that the views are
// computed again afterwards, equal to a full computation.
func TestSlowJobGivesWayToAReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(3, 4))
		f := newIncrementalFixture(t, s, rng)
		for range 40 {
			f.vote(t, rng)
		}
		gate := heavy.New()
		var logs lockedBuffer
		// A CPU budget next to nothing, with votes coming: the job pauses
		// after each bootstrap round, so it is still running when the
		// build begins.
		opt := Options{Rounds: 8, Seed: 5, Workers: 1, CategoryInterval: time.Hour, CPU: 1e-9,
			Gate: gate, Log: slog.New(slog.NewTextHandler(&logs, nil))}
		svc := New(s, opt, nil)
		svc.slowTook = time.Hour // as if the slow part were expensive
		svc.voteAt.Store(time.Now().UnixNano())
		mustRecompute(t, svc)
		waitFor(t, gate.Running, "the background job starting")

		end, err := gate.Build(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if gate.Running() {
			t.Fatal("a background job runs while a report is built")
		}
		if r, err := svc.Readiness(ctx); err != nil || !r.ViewsBehind {
			t.Fatalf("readiness %+v (%v): the job that gave way published views", r, err)
		}
		end()
		svc.slowJobs.Wait()
		if !strings.Contains(logs.String(), "gave way to an integrity report") {
			t.Fatalf("the job did not say it gave way; log:\n%s", logs.String())
		}
		svc.voteAt.Store(0) // voting stopped: no pauses
		// What the kick after the job gave way starts: the views are
		// behind, so a new job rates them.
		if _, err := svc.recompute(ctx, false); err != nil {
			t.Fatal(err)
		}
		svc.slowJobs.Wait()
		assertMatchesFull(t, svc, mustRecompute(t, svc), opt)
	})
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen", what)
		}
	}
}
