package handlers_test

import (
	"context"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/jobs"
)

// testJobs poll often, so a queued answer starts at once.
var testJobs = jobs.Options{PollInterval: 20 * time.Millisecond, RetryBase: 10 * time.Millisecond}

// startJobs works a's queue until the test ends.
func startJobs(t *testing.T, a *arena.Arena) {
	t.Helper()
	if err := a.StartJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.StopJobs(ctx); err != nil {
			t.Errorf("stop jobs: %v", err)
		}
	})
}

// waitAnswers waits for every queued answer job to finish.
func waitAnswers(t *testing.T, a *arena.Arena) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Moderation().WaitAnswerJobs(ctx); err != nil {
		t.Fatalf("answer jobs: %v", err)
	}
}
