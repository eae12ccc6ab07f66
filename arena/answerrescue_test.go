package arena_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestKilledInstanceJobIsRescued: two instances share one PostgreSQL. A
// takes both answer jobs, its model server hangs, and A dies without a
// word (its connections closed first, so nothing it does afterwards reaches
// the database, then its goroutines stopped, as a killed process leaves
// things). Once the jobs have been running longer than the rescue window,
// B takes them up and finishes the run.
func TestKilledInstanceJobIsRescued(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	open := func() *models.Store {
		s, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	hang := make(chan struct{}) // never closed: A's requests wait until A goes away
	fake := llmtest.New(llmtest.Behavior{Gate: hang})
	t.Cleanup(fake.Close)
	opt := testJobs
	opt.JobTimeout, opt.RescueAfter = 3*time.Second, 4*time.Second

	storeA := open()
	a := queueEnv(t, storeA, fake.BaseURL(), opt)
	actx, kill := context.WithCancel(ctx)
	if err := a.StartJobs(actx); err != nil {
		t.Fatal(err)
	}
	id := approveSuggestion(t, a, "Why do stars twinkle?")
	for len(fake.Requests()) < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	storeA.Close()
	kill()
	killed := time.Now()

	fake.Set("alpha", llmtest.Behavior{})
	fake.Set("beta", llmtest.Behavior{})
	storeB := open()
	t.Cleanup(func() { storeB.Close() })
	b := queueEnv(t, storeB, fake.BaseURL(), opt)
	startJobs(t, b)
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := b.Moderation().WaitAnswerJobs(wctx); err != nil {
		t.Fatalf("the jobs of the killed instance were not finished: %v", err)
	}
	t.Logf("answers stored by B %s after A was killed", time.Since(killed).Round(100*time.Millisecond))
	job, err := storeB.AnswerJobOf(ctx, id)
	if err != nil || job.State != models.JobDone || job.Done != 2 || len(job.Failures) != 0 {
		t.Fatalf("run = %+v, %v; want both answered", job, err)
	}
	if got := requestsBy(fake.Requests()); got["alpha"] != 2 || got["beta"] != 2 {
		t.Errorf("requests per model = %v; want two each (cut off on A, answered on B)", got)
	}
}

// TestStopCancelsAfterGrace: stopping the queue waits for the jobs running
// until the grace ends, then cancels them; a cancelled attempt records no
// failure and is retried by the next instance.
func TestStopCancelsAfterGrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		hang := make(chan struct{})
		fake := llmtest.New(llmtest.Behavior{Gate: hang})
		t.Cleanup(fake.Close)
		first := queueEnv(t, s, fake.BaseURL(), testJobs)
		if err := first.StartJobs(ctx); err != nil {
			t.Fatal(err)
		}
		id := approveSuggestion(t, first, "Why do onions make us cry?")
		for len(fake.Requests()) < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		grace, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if err := first.StopJobs(grace); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("stop with hung jobs = %v; want them cancelled at the end of the grace", err)
		}
		if job, err := s.AnswerJobOf(ctx, id); err != nil || job.State != models.JobRunning || len(job.Failures) != 0 || job.Done != 0 {
			t.Fatalf("run after the cancelled attempts = %+v, %v; want still running, nothing recorded", job, err)
		}
		fake.Set("alpha", llmtest.Behavior{})
		fake.Set("beta", llmtest.Behavior{})
		next := queueEnv(t, s, fake.BaseURL(), testJobs)
		startJobs(t, next)
		waitAnswers(t, next)
		if job, err := s.AnswerJobOf(ctx, id); err != nil || job.State != models.JobDone || job.Done != 2 {
			t.Fatalf("run after the next instance = %+v, %v", job, err)
		}
	})
}
