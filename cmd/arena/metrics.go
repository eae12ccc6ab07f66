package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/metrics"
)

// newMetrics returns the metrics when they are served somewhere (a token for
// the main address, or a separate address), nil otherwise: unserved
// metrics would only cost.
func newMetrics(cfg Config) *metrics.Metrics {
	if cfg.MetricsToken == "" && cfg.MetricsAddr == "" {
		return nil
	}
	return metrics.New()
}

// watchMetrics registers the readings taken at each scrape and lets the
// HTTP layer count requests and serve /metrics behind token.
func watchMetrics(m *metrics.Metrics, a *arena.Arena, hcfg *handlers.Config, token string) {
	if m == nil {
		return
	}
	m.Watch(metrics.Sources{
		LiveStreams: a.LiveStreams,
		Draining:    a.Draining,
		BehindVotes: func(ctx context.Context) (int64, error) {
			r, err := a.Boards().Readiness(ctx)
			return r.BehindVotes, err
		},
		// The answer jobs in the database, until a job queue supplies
		// its own depth here.
		QueueDepth: a.JobQueueDepth,
	})
	hcfg.Requests = m
	hcfg.Metrics, hcfg.MetricsToken = m.Handler(), token
}

// serveMetrics serves /metrics alone, without a token, on addr when it is
// set, and says where; nil when it is not.
func serveMetrics(m *metrics.Metrics, addr string, stdout io.Writer) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on ARENA_METRICS_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(stdout, "Metrics are served on http://%s/metrics\n", displayAddr(ln.Addr()))
	return srv, nil
}

// closeSideServer stops a side address (metrics, profiles), if any,
// letting a request in flight finish.
func closeSideServer(srv *http.Server) {
	if srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		srv.Close()
	}
}
