package arena_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/jobs"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// queueEnv is an arena whose contenders "alpha" and "beta" answer through
// the real OpenAI client from a chat-completions server at baseURL. Its
// job queue is not started: tests start it when they mean to.
func queueEnv(t testing.TB, s *models.Store, baseURL string, opt jobs.Options) *arena.Arena {
	t.Helper()
	cs := []models.Contender{{Slug: "alpha", DisplayName: "Alpha"}, {Slug: "beta", DisplayName: "Beta"}}
	for i := range cs {
		cs[i].Provider = models.Provider{Kind: "openai", BaseURL: baseURL, Model: cs[i].Slug}
	}
	if _, err := s.UpsertContenders(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	backend := func(c *models.Contender) (llm.Backend, error) {
		p := c.Provider
		return llm.New(llm.ProviderConfig{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, Params: p.Params},
			func(string) string { return "" })
	}
	return arena.New(s, arena.Options{Live: arena.LiveOptions{Backend: backend, Timeout: 10 * time.Second}, Jobs: opt})
}

// approveSuggestion has a voter suggest text and a moderator approve it.
func approveSuggestion(t *testing.T, a *arena.Arena, text string) uint {
	t.Helper()
	ctx := context.Background()
	p, err := a.Moderation().SuggestPrompt(ctx, "voter-1", text)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Moderation().ApprovePrompts(ctx, moderator, []uint{p.ID}); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// requestsBy counts the chat requests each model got.
func requestsBy(reqs []llmtest.Request) map[string]int {
	n := map[string]int{}
	for _, r := range reqs {
		n[r.Model]++
	}
	return n
}

// TestApprovedAnswersWaitInTheQueue: approving a prompt stores one job per
// missing answer; nothing is generated until an instance works the queue,
// and approving again (or asking again) while they wait adds none, so each
// model is asked once.
func TestApprovedAnswersWaitInTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		fake := llmtest.New(llmtest.Behavior{})
		t.Cleanup(fake.Close)
		a := queueEnv(t, s, fake.BaseURL(), testJobs)
		id := approveSuggestion(t, a, "Why do cats purr?")
		if err := a.Moderation().ApprovePrompts(ctx, moderator, []uint{id}); err != nil {
			t.Fatal(err)
		}
		if n, err := a.Moderation().GenerateAnswers(ctx, id); err != nil || n != 2 {
			t.Fatalf("asking again = %d, %v; want the 2 still missing", n, err)
		}
		if depth, err := a.JobQueueDepth(ctx); err != nil || depth != 2 {
			t.Fatalf("queue depth = %d, %v; want 2 (one job per contender, duplicates skipped)", depth, err)
		}
		if job, err := s.AnswerJobOf(ctx, id); err != nil || job.State != models.JobRunning || job.Total != 2 {
			t.Fatalf("run before any worker = %+v, %v", job, err)
		}
		startJobs(t, a)
		waitAnswers(t, a)
		job, err := s.AnswerJobOf(ctx, id)
		if err != nil || job.State != models.JobDone || job.Done != 2 || len(job.Failures) != 0 {
			t.Fatalf("run = %+v, %v", job, err)
		}
		if got := requestsBy(fake.Requests()); got["alpha"] != 1 || got["beta"] != 1 {
			t.Errorf("requests per model = %v; want one each", got)
		}
		if depth, err := a.JobQueueDepth(ctx); err != nil || depth != 0 {
			t.Errorf("queue depth after = %d, %v", depth, err)
		}
		if n, err := a.Moderation().GenerateAnswers(ctx, id); err != nil || n != 0 {
			t.Errorf("asking with every answer stored = %d, %v; want 0", n, err)
		}
	})
}

// flaky answers 503 to the first request for each model, then passes the
// rest to the test server, as a model server that is briefly overloaded.
type flaky struct {
	mu   sync.Mutex
	seen map[string]bool
	next *llmtest.Handler
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct{ Model string }
	json.Unmarshal(body, &req)
	f.mu.Lock()
	first := !f.seen[req.Model]
	f.seen[req.Model] = true
	f.mu.Unlock()
	if first && r.Method == http.MethodPost {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"message":"overloaded","type":"server_error"}}`))
		return
	}
	f.next.ServeHTTP(w, r)
}

// TestTransientFailureIsRetried: a model server error that may pass is not
// recorded; the job is retried with backoff and the answer stored. A
// refusal that will not pass (401) is recorded at once with its reason.
func TestTransientFailureIsRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		h := llmtest.NewHandler(llmtest.Behavior{})
		h.Set("beta", llmtest.Behavior{Mode: llmtest.Status, Status: http.StatusUnauthorized})
		srv := httptest.NewServer(&flaky{seen: map[string]bool{}, next: h})
		t.Cleanup(srv.Close)
		a := queueEnv(t, s, srv.URL+"/v1", testJobs)
		startJobs(t, a)
		id := approveSuggestion(t, a, "Why is the sea salty?")
		waitAnswers(t, a)
		job, err := s.AnswerJobOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.State != models.JobDone || job.Done != 1 || len(job.Failures) != 1 || job.Failures[0].Contender != "beta" {
			t.Fatalf("run = %+v; want alpha answered after a retry, beta failed", job)
		}
		if want := "the model server returned an error (HTTP 401)"; job.Failures[0].Reason != want {
			t.Errorf("beta's reason = %q, want %q", job.Failures[0].Reason, want)
		}
		// alpha's first request got the 503 before reaching the server.
		if got := requestsBy(h.Requests()); got["alpha"] != 1 || got["beta"] != 1 {
			t.Errorf("requests reaching the model server = %v; want alpha once after its retry, beta once", got)
		}
	})
}

// TestTransientFailureGivesUp: a model that keeps failing is asked a
// bounded number of times, then its last reason is recorded.
func TestTransientFailureGivesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		fake := llmtest.New(llmtest.Behavior{})
		t.Cleanup(fake.Close)
		fake.Set("beta", llmtest.Behavior{Mode: llmtest.Status, Status: http.StatusServiceUnavailable})
		a := queueEnv(t, s, fake.BaseURL(), testJobs)
		startJobs(t, a)
		id := approveSuggestion(t, a, "Why do leaves fall?")
		waitAnswers(t, a)
		job, err := s.AnswerJobOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.State != models.JobDone || job.Done != 1 || len(job.Failures) != 1 ||
			job.Failures[0].Reason != "the model server returned an error (HTTP 503)" {
			t.Fatalf("run = %+v", job)
		}
		if got := requestsBy(fake.Requests())["beta"]; got != moderationAttempts {
			t.Errorf("beta was asked %d times, want %d", got, moderationAttempts)
		}
	})
}
