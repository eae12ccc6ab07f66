package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/metrics"
	"openarena.dev/arena/models"
)

const metricsToken = "metrics-token-0123456789"

// watch registers the readings the serve command registers.
func watch(m *metrics.Metrics, a *arena.Arena) {
	m.Watch(metrics.Sources{
		LiveStreams: a.LiveStreams, Draining: a.Draining, QueueDepth: a.JobQueueDepth,
		BehindVotes: func(ctx context.Context) (int64, error) {
			r, err := a.Boards().Readiness(ctx)
			return r.BehindVotes, err
		},
	})
}

// sample sums the samples of the metric name whose labels include every
// label given as k="v"; found says whether any matched.
func sample(body, name string, labels ...string) (sum float64, found bool) {
	for _, line := range strings.Split(body, "\n") {
		series, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		metric, lbls, _ := strings.Cut(series, "{")
		if metric != name {
			continue
		}
		match := true
		for _, l := range labels {
			if !strings.Contains(","+strings.TrimSuffix(lbls, "}")+",", ","+l+",") {
				match = false
			}
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil && match {
			sum, found = sum+v, true
		}
	}
	return sum, found
}

// TestMetricsCountWhatHappened plays a bank battle, a live battle and a
// failed live battle through the real handlers and store, then scrapes
// /metrics: the counters moved by what happened, routes are patterns, and
// the token is required.
func TestMetricsCountWhatHappened(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		m := metrics.New()
		e := newObservedLiveEnv(t, d, m, metricsToken)
		var rows []models.BankRow
		for _, c := range testContenders[:2] {
			rows = append(rows, models.BankRow{PromptID: "p-1", Prompt: "What is 2+2?", Model: c.Slug, Output: "Four, of course."})
		}
		if _, err := e.store.ImportBank(t.Context(), rows, nil); err != nil {
			t.Fatal(err)
		}
		voter := e.client()
		r, bank := e.startBattle(voter)
		if r.status != http.StatusCreated {
			t.Fatalf("bank battle = %d %s", r.status, r.body)
		}
		if r, _ := e.vote(voter, bank.ID, models.WinnerA); r.status != http.StatusOK {
			t.Fatalf("vote = %d %s", r.status, r.body)
		}
		if r, _ := e.vote(voter, bank.ID, models.WinnerB); r.status != http.StatusConflict {
			t.Fatalf("second, different vote = %d %s, want 409", r.status, r.body)
		}
		live := e.startLive(voter, "Tell me something.")
		e.stream(voter, live)
		if r, _ := e.vote(voter, live, models.WinnerTie); r.status != http.StatusOK {
			t.Fatalf("live vote = %d %s", r.status, r.body)
		}
		e.llm.Set("right", llmtest.Behavior{Mode: llmtest.Status, Status: 500})
		failed := e.startLive(voter, "Tell me more.")
		e.stream(voter, failed)
		if r, _ := e.vote(voter, failed, models.WinnerA); r.status != http.StatusConflict {
			t.Fatalf("vote on a void battle = %d %s, want 409", r.status, r.body)
		}

		scraper := e.client()
		for _, auth := range []string{"", "Bearer wrong-token-0123456789", metricsToken} {
			if r := e.do(scraper, "GET", "/metrics", "", "", "Authorization", auth); r.status != http.StatusUnauthorized {
				t.Errorf("/metrics with Authorization %q = %d, want 401", auth, r.status)
			}
		}
		r = e.do(scraper, "GET", "/metrics", "", "", "Authorization", "Bearer "+metricsToken)
		if r.status != http.StatusOK {
			t.Fatalf("/metrics with the token = %d %s", r.status, r.body)
		}
		for _, want := range []struct {
			name   string
			labels []string
			value  float64
		}{
			{"arena_battles_started_total", []string{`mode="bank"`}, 1},
			{"arena_battles_started_total", []string{`mode="live"`}, 2},
			{"arena_votes_total", []string{`outcome="counted"`}, 2},
			{"arena_votes_total", []string{`outcome="refused"`, `reason="conflict"`}, 1},
			{"arena_votes_total", []string{`outcome="refused"`, `reason="void"`}, 1},
			{"arena_battles_voided_total", []string{`reason="backend_upstream"`}, 1},
			{"arena_backend_errors_total", []string{`contender="borealis-70b"`, `reason="upstream"`}, 1},
			{"arena_http_requests_total", []string{`method="POST"`, `route="/api/v1/battles/:id/vote"`, `status="200"`}, 2},
			{"arena_http_requests_total", []string{`method="POST"`, `route="/api/v1/battles/:id/vote"`, `status="409"`}, 2},
			{"arena_http_requests_total", []string{`route="/metrics"`, `status="401"`}, 3},
			{"arena_ratings_behind_votes", nil, 2},
			{"arena_live_streams", nil, 0},
			{"arena_draining", nil, 0},
			{"arena_job_queue_depth", nil, 0},
		} {
			if got, found := sample(r.body, want.name, want.labels...); !found || got != want.value {
				t.Errorf("%s%v = %v (found %v), want %v", want.name, want.labels, got, found, want.value)
			}
		}
		if n, _ := sample(r.body, "arena_backend_generation_seconds_count", `contender="zephyrion-7b"`); n < 1 {
			t.Errorf("no generation time recorded for the contender that answered")
		}
		for _, id := range []string{bank.ID, live, failed} {
			if strings.Contains(r.body, id) {
				t.Errorf("the metrics name battle %s: routes must be patterns", id)
			}
		}
	})
}

// TestMetricsNotServedWithoutToken: without a token the main address has
// no /metrics, even when the metrics exist (served on another address).
func TestMetricsNotServedWithoutToken(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	for name, cfg := range map[string]handlers.Config{
		"no metrics": {},
		"no token":   {Metrics: m.Handler(), Requests: m},
	} {
		e := newEnv(t, "sqlite", cfg)
		if r := e.do(e.client(), "GET", "/metrics", "", ""); r.status != http.StatusNotFound {
			t.Errorf("%s: /metrics = %d, want 404", name, r.status)
		}
	}
}
