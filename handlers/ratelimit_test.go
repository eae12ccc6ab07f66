package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestRateLimitSameAcrossInstances sends one voter's burst of votes round
// robin to 1 and then to 3 instances, each its own Echo server over its own
// store of one PostgreSQL schema, and checks that both allow the same
// number, the burst plus the refill while it ran: the limit holds across
// replicas instead of multiplying by them.
func TestRateLimitSameAcrossInstances(t *testing.T) {
	t.Parallel()
	// 60 a minute: bursts of 15, then one more a second.
	const perMinute, burst, requests = 60, 15, 40
	allowed := map[int]int{}
	for _, n := range []int{1, 3} {
		urls := instances(t, storetest.PostgresDSN(t), n, handlers.Config{RateLimit: perMinute})
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		start := time.Now()
		for i := range requests {
			req, _ := http.NewRequest("POST", urls[i%n]+"/api/v1/battles/none/vote", strings.NewReader(`{"winner":"model_a"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusTooManyRequests {
				allowed[n]++
			}
		}
		// The buckets refill during the run: one more a second.
		elapsed := time.Since(start)
		if most := burst + 1 + int(elapsed.Seconds()); allowed[n] < burst || allowed[n] > most {
			t.Errorf("%d instances allowed %d of %d requests in %s, want %d to %d", n, allowed[n], requests, elapsed, burst, most)
		}
		t.Logf("%d instances: %d of %d allowed in %s", n, allowed[n], requests, elapsed.Round(time.Millisecond))
	}
	// Each count is checked against the same band above (the burst plus
	// the refill during its own run, which a slow machine stretches), so
	// 1 and 3 instances agree; three memory limiters would allow all 40.
}

// instances starts n arenas with their handlers on n stores over dsn, all
// with the same secret (so a voter is the same voter on each), and returns
// their URLs.
func instances(t *testing.T, dsn string, n int, cfg handlers.Config) []string {
	t.Helper()
	cfg.Secret = []byte("test-secret-0123456789")
	var urls []string
	for range n {
		s, err := models.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		e, err := handlers.New(cfg, arena.New(s, arena.Options{}), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	return urls
}
