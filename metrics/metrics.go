// Package metrics exports what an operator watches, in the Prometheus text
// format: requests by route, vote outcomes, battles started and voided,
// live streams, backend latency and errors per contender, the recomputer's
// duration and lag, and the job queue's depth. It implements arena.Observer,
// so the domain stays free of Prometheus, and keeps its own registry, so
// several servers can run in one process (the tests do).
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"openarena.dev/arena/arena"
)

// backendBuckets span a first token in a fraction of a second to a long
// answer near the two-minute turn timeout.
var backendBuckets = []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 90, 120}

// recomputeBuckets span a small board to a very large one.
var recomputeBuckets = []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// Metrics holds the arena's metrics and the registry they are served from.
type Metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	requestTime   *prometheus.HistogramVec
	votes         *prometheus.CounterVec
	started       *prometheus.CounterVec
	voided        *prometheus.CounterVec
	backendTime   *prometheus.HistogramVec
	firstToken    *prometheus.HistogramVec
	backendErrors *prometheus.CounterVec
	recompute     prometheus.Histogram
	recomputedAt  prometheus.Gauge
}

// Check at compile time that the domain can report to Metrics.
var _ arena.Observer = (*Metrics)(nil)

// New returns the metrics on a registry of their own, with the Go runtime's
// and the process's metrics beside them.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	contender := []string{"contender_id", "contender"}
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "arena_http_requests_total",
			Help: "HTTP requests by method, route (the route's pattern, never the address asked for) and status."},
			[]string{"method", "route", "status"}),
		requestTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "arena_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by method and route; a live stream lasts as long as its answers.", Buckets: prometheus.DefBuckets},
			[]string{"method", "route"}),
		votes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "arena_votes_total",
			Help: "Votes by outcome (counted, excluded, refused) and, unless counted, why."}, []string{"outcome", "reason"}),
		started: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "arena_battles_started_total",
			Help: "Battles started, by mode (bank, live, named)."}, []string{"mode"}),
		voided: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "arena_battles_voided_total",
			Help: "Battles voided, by reason."}, []string{"reason"}),
		backendTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "arena_backend_generation_seconds",
			Help: "Time a contender's backend took for a whole answer, by contender.", Buckets: backendBuckets}, contender),
		firstToken: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "arena_backend_first_token_seconds",
			Help: "Time to a contender's first streamed text, by contender.", Buckets: backendBuckets}, contender),
		backendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "arena_backend_errors_total",
			Help: "Failed backend calls by contender and failure (timeout, upstream, empty, malformed, interrupted, failed)."},
			append(contender, "reason")),
		recompute: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "arena_ratings_recompute_seconds",
			Help: "Time of each recomputation of the published boards.", Buckets: recomputeBuckets}),
		recomputedAt: prometheus.NewGauge(prometheus.GaugeOpts{Name: "arena_ratings_last_recompute_timestamp_seconds",
			Help: "When this process last finished recomputing the boards (Unix time)."}),
	}
	reg.MustRegister(m.requests, m.requestTime, m.votes, m.started, m.voided,
		m.backendTime, m.firstToken, m.backendErrors, m.recompute, m.recomputedAt,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	// The main address compresses its answers itself; compressing here
	// too would send them gzipped twice.
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, DisableCompression: true})
}

// ObserveRequest counts one answered HTTP request; route is the pattern
// the router matched ("/battles/:id/vote"), so addresses stay few.
func (m *Metrics) ObserveRequest(method, route string, status int, took time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.requestTime.WithLabelValues(method, route).Observe(took.Seconds())
}

// VoteRecorded counts a vote's outcome.
func (m *Metrics) VoteRecorded(outcome, reason string) {
	m.votes.WithLabelValues(outcome, reason).Inc()
}

// BattleStarted counts a new battle.
func (m *Metrics) BattleStarted(mode string) { m.started.WithLabelValues(mode).Inc() }

// BattlesVoided counts n voided battles.
func (m *Metrics) BattlesVoided(reason string, n int) {
	m.voided.WithLabelValues(reason).Add(float64(n))
}

// Generated records one call of a contender's backend.
func (m *Metrics) Generated(contenderID uint, slug string, took, firstToken time.Duration, failure string) {
	id := strconv.FormatUint(uint64(contenderID), 10)
	if failure != "" {
		m.backendErrors.WithLabelValues(id, slug, failure).Inc()
		return
	}
	m.backendTime.WithLabelValues(id, slug).Observe(took.Seconds())
	if firstToken > 0 {
		m.firstToken.WithLabelValues(id, slug).Observe(firstToken.Seconds())
	}
}

// OnCompute times each recomputation of the boards; it is the recomputer's
// boards.Options.OnCompute.
func (m *Metrics) OnCompute() func() {
	start := time.Now()
	return func() {
		m.recompute.Observe(time.Since(start).Seconds())
		m.recomputedAt.SetToCurrentTime()
	}
}
