package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/models/storetest"
)

// TestServeMetrics runs serve with each way of serving /metrics: a
// separate address answers without a token while the main one has no
// /metrics; a token opens /metrics on the main address to its bearer only;
// neither serves it nowhere.
func TestServeMetrics(t *testing.T) {
	t.Parallel()
	const token = "scrape-token-0123456789"
	cases := []struct {
		name string
		env  map[string]string
		// main is the status of /metrics on the main address without and
		// with the token.
		main [2]int
	}{
		{"separate address", map[string]string{"ARENA_METRICS_ADDR": "127.0.0.1:0"}, [2]int{404, 404}},
		{"token", map[string]string{"ARENA_METRICS_TOKEN": token}, [2]int{401, 200}},
		{"neither", nil, [2]int{404, 404}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := startServe(t, storetest.SQLiteDSN(t), c.env, "--demo=false")
			separate := ""
			if c.env["ARENA_METRICS_ADDR"] != "" {
				line, err := s.out.ReadString('\n')
				_, url, ok := strings.Cut(strings.TrimSpace(line), "served on ")
				if err != nil || !ok {
					t.Fatalf("no line saying where the metrics are: %q %v", line, err)
				}
				separate = url
			}
			go io.Copy(io.Discard, s.out)
			defer func() {
				if _, err := s.stop(20 * time.Second); err != nil {
					t.Errorf("serve returned %v after shutdown", err)
				}
			}()
			if status, _ := get(t, s.base+"/leaderboard"); status != http.StatusOK {
				t.Fatalf("leaderboard = %d", status)
			}
			for i, auth := range []string{"", "Bearer " + token} {
				if status, body := scrape(t, s.base+"/metrics", auth); status != c.main[i] {
					t.Errorf("main address /metrics (Authorization %q) = %d, want %d: %.200s", auth, status, c.main[i], body)
				} else if status == http.StatusOK {
					wantCounted(t, body)
				}
			}
			if separate != "" {
				status, body := scrape(t, separate, "")
				if status != http.StatusOK {
					t.Fatalf("separate /metrics = %d %.200s", status, body)
				}
				wantCounted(t, body)
			}
		})
	}
}

// scrape fetches url with the Authorization header auth (none when empty).
func scrape(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// wantCounted checks that the metrics counted the leaderboard request and
// carry the readings serve registers.
func wantCounted(t *testing.T, body string) {
	t.Helper()
	for _, want := range []string{
		`arena_http_requests_total{method="GET",route="/leaderboard",status="200"} 1`,
		"arena_live_streams 0", "arena_draining 0", "arena_job_queue_depth 0", "arena_ratings_behind_votes 0",
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestMetricsAndShutdownSettings: a short metrics token and a grace that is
// not a duration are refused with the setting's name.
func TestMetricsAndShutdownSettings(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ARENA_METRICS_TOKEN": "short"}, "ARENA_METRICS_TOKEN must be at least 16 characters"},
		{map[string]string{"ARENA_SHUTDOWN_GRACE": "soon"}, "ARENA_SHUTDOWN_GRACE must be a duration"},
	} {
		_, err := loadConfig(nil, func(k string) string { return c.env[k] }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.env, err, c.want)
		}
	}
	cfg, err := loadConfig(nil, func(string) string { return "" }, io.Discard)
	if err != nil || cfg.ShutdownGrace != 15*time.Second || cfg.MetricsAddr != "" || cfg.MetricsToken != "" {
		t.Errorf("defaults = grace %s, metrics %q %q (%v)", cfg.ShutdownGrace, cfg.MetricsAddr, cfg.MetricsToken, err)
	}
}
