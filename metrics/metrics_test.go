package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// TestMetricsOwnRegistry: two metrics in one process are apart (each
// server has its own), a failed reading is NaN rather than zero, and a
// backend failure is counted as an error, not timed.
func TestMetricsOwnRegistry(t *testing.T) {
	one, two := metrics.New(), metrics.New()
	one.BattleStarted("live")
	one.Generated(3, "slow-model", 2*time.Second, 0, "timeout")
	one.Generated(4, "good-model", time.Second, 100*time.Millisecond, "")
	one.Watch(metrics.Sources{BehindVotes: func(context.Context) (int64, error) { return 0, errors.New("database down") }})
	done := one.OnCompute()
	done()

	got := scrape(t, one)
	for _, want := range []string{
		`arena_battles_started_total{mode="live"} 1`,
		`arena_backend_errors_total{contender="slow-model",contender_id="3",reason="timeout"} 1`,
		`arena_backend_generation_seconds_count{contender="good-model",contender_id="4"} 1`,
		`arena_backend_first_token_seconds_count{contender="good-model",contender_id="4"} 1`,
		"arena_ratings_behind_votes NaN",
		"arena_ratings_recompute_seconds_count 1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(got, `arena_backend_generation_seconds_count{contender="slow-model"`) {
		t.Error("a failed call was timed as a generation")
	}
	if other := scrape(t, two); strings.Contains(other, "arena_battles_started_total{") || strings.Contains(other, "arena_ratings_behind_votes") {
		t.Error("the second metrics see the first's figures")
	}
}

// BenchmarkObserveRequest is the cost the metrics add to each request.
func BenchmarkObserveRequest(b *testing.B) {
	m := metrics.New()
	for b.Loop() {
		m.ObserveRequest("POST", "/api/v1/battles/:id/vote", 200, 3*time.Millisecond)
	}
}

// BenchmarkScrape is the cost of one scrape after a varied load.
func BenchmarkScrape(b *testing.B) {
	m := metrics.New()
	for i := range 50 {
		m.ObserveRequest("GET", "/route/"+string(rune('a'+i%26)), 200, time.Millisecond)
		m.Generated(uint(i%10), "model", time.Second, time.Millisecond, "")
	}
	for b.Loop() {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	}
}
