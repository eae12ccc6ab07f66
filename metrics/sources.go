package metrics

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sourceTimeout bounds a database read made for one scrape.
const sourceTimeout = 2 * time.Second

// Sources are the readings taken at each scrape rather than counted as
// things happen. A nil field is not exported.
type Sources struct {
	// LiveStreams is the number of live streams this process runs.
	LiveStreams func() int
	// Draining reports whether this process is shutting down.
	Draining func() bool
	// BehindVotes is how many votes in the ratings the published board
	// has not rated yet (what /readyz calls behind_votes).
	BehindVotes func(context.Context) (int64, error)
	// QueueDepth is how many background jobs wait or run. It is the hook
	// for the job queue: whatever runs the jobs supplies it.
	QueueDepth func(context.Context) (int64, error)
}

// Watch registers the gauges read from s at each scrape. A reading that
// fails is exported as NaN, never as a reassuring zero.
func (m *Metrics) Watch(s Sources) {
	if s.LiveStreams != nil {
		m.gauge("arena_live_streams", "Live streams this process is running.",
			func() float64 { return float64(s.LiveStreams()) })
	}
	if s.Draining != nil {
		m.gauge("arena_draining", "1 while this process is shutting down and refuses new battles, else 0.",
			func() float64 { return boolFloat(s.Draining()) })
	}
	if s.BehindVotes != nil {
		m.gauge("arena_ratings_behind_votes", "Votes in the ratings that the published overall board has not rated yet.",
			read(s.BehindVotes))
	}
	if s.QueueDepth != nil {
		m.gauge("arena_job_queue_depth", "Background jobs waiting or running.", read(s.QueueDepth))
	}
}

func (m *Metrics) gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// read turns a database reading into a gauge's function.
func read(f func(context.Context) (int64, error)) func() float64 {
	return func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), sourceTimeout)
		defer cancel()
		n, err := f(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	}
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
