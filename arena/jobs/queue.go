// Package jobs runs the arena's durable background work through a job queue
// (River) kept in the arena's own database: a job is stored in the
// transaction that asks for it, is worked by whichever instance fetches it
// first, is retried with backoff when it fails, and is taken up again by
// another instance when the one working it dies.
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"openarena.dev/arena/models"
)

// Options tune the queue; zero fields take DefaultOptions.
type Options struct {
	// Workers is how many jobs this instance works at once.
	Workers int
	// JobTimeout bounds one attempt of a job; its context ends then.
	JobTimeout time.Duration
	// RescueAfter is how long a job may be running before it is taken
	// for abandoned (its instance died) and retried, here or elsewhere.
	// It must exceed JobTimeout, or live jobs would be run twice.
	RescueAfter time.Duration
	// RetryBase is the wait before a failed job's first retry; it doubles
	// with each further one.
	RetryBase time.Duration
	// PollInterval is how often the queue looks for new jobs when no
	// notification comes (always on SQLite).
	PollInterval time.Duration
	// Log receives the queue's own warnings; nil discards them.
	Log *slog.Logger
}

// DefaultOptions suit answer generation with a two-minute model timeout.
var DefaultOptions = Options{Workers: 4, JobTimeout: 3 * time.Minute, RescueAfter: 4 * time.Minute,
	RetryBase: 30 * time.Second, PollInterval: time.Second}

func (o Options) withDefaults() Options {
	o.Workers = cmp.Or(o.Workers, DefaultOptions.Workers)
	o.JobTimeout = cmp.Or(o.JobTimeout, DefaultOptions.JobTimeout)
	o.RescueAfter = cmp.Or(o.RescueAfter, DefaultOptions.RescueAfter)
	o.PollInterval = cmp.Or(o.PollInterval, DefaultOptions.PollInterval)
	o.RetryBase = cmp.Or(o.RetryBase, DefaultOptions.RetryBase)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Queue is one instance's handle on the shared job queue: it enqueues jobs
// and, once started, works them.
type Queue struct {
	store   *models.Store
	opt     Options
	workers *river.Workers

	once   sync.Once
	client *river.Client[models.JobTx]
	err    error
}

// New returns the queue over store. Workers are registered with Register
// before the queue is first used.
func New(store *models.Store, opt Options) *Queue {
	return &Queue{store: store, opt: opt.withDefaults(), workers: river.NewWorkers()}
}

// Register adds the worker of one kind of job.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
}

// river returns the client, made on first use, when every worker is
// registered.
func (q *Queue) river() (*river.Client[models.JobTx], error) {
	q.once.Do(func() {
		if q.store == nil {
			q.err = errors.New("the job queue has no database")
			return
		}
		driver, err := q.store.JobDriver()
		if err != nil {
			q.err = err
			return
		}
		q.client, q.err = river.NewClient(driver, &river.Config{
			Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: q.opt.Workers}},
			Workers:              q.workers,
			JobTimeout:           q.opt.JobTimeout,
			RescueStuckJobsAfter: q.opt.RescueAfter,
			FetchPollInterval:    q.opt.PollInterval,
			FetchCooldown:        min(q.opt.PollInterval, river.FetchCooldownDefault),
			Logger:               q.opt.Log,
		})
	})
	return q.client, q.err
}

// Backoff is how long a job waits after its attempt-th failed attempt:
// RetryBase, then twice as long each time (30 s, 1 min, 2 min… by default).
func (q *Queue) Backoff(attempt int) time.Duration {
	return q.opt.RetryBase << min(max(attempt-1, 0), 10)
}

// Enqueue stores jobs in tx, the transaction of the rows that ask for
// them. A job equal to one still waiting or running (by its unique
// arguments) is skipped. It returns how many were stored.
func (q *Queue) Enqueue(ctx context.Context, tx models.JobTx, jobs []river.InsertManyParams) (int, error) {
	c, err := q.river()
	if err != nil {
		return 0, err
	}
	res, err := c.InsertManyTx(ctx, tx, jobs)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			n++
		}
	}
	return n, nil
}

// Start works jobs until Stop (or until ctx ends, which cancels the jobs
// running).
func (q *Queue) Start(ctx context.Context) error {
	c, err := q.river()
	if err != nil {
		return err
	}
	return c.Start(ctx)
}

// Stop stops fetching jobs and waits for those running to finish; when ctx
// ends first, it cancels them, waits for them to return and says so in its
// error. A cancelled attempt is retried later, on this instance or another.
func (q *Queue) Stop(ctx context.Context) error {
	c, err := q.river()
	if err != nil {
		return err
	}
	err = c.Stop(ctx)
	if ctx.Err() == nil {
		return err
	}
	// The grace is over: cancel the jobs and give them a moment to record
	// how far they got.
	hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(fmt.Errorf("jobs still running at the end of the grace were cancelled: %w", ctx.Err()), c.StopAndCancel(hard))
}

// Depth is how many jobs wait for a worker on any instance.
func (q *Queue) Depth(ctx context.Context) (int64, error) {
	return q.store.AvailableJobs(ctx)
}

// unfinished are the states of a job that will still run.
var unfinished = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

// Once are the options of a job that is stored only when no job with the
// same unique arguments (fields tagged `river:"unique"`) is still to run,
// tried at most attempts times. A finished job does not count, so the same
// work can be asked for again later.
func Once(attempts int) *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: attempts, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinished}}
}

// Wait returns once no job of kind is waiting, scheduled for a retry or
// running, or when ctx ends.
func (q *Queue) Wait(ctx context.Context, kind string) error {
	c, err := q.river()
	if err != nil {
		return err
	}
	for {
		res, err := c.JobList(ctx, river.NewJobListParams().Kinds(kind).States(unfinished...).First(1))
		if err != nil {
			return err
		}
		if len(res.Jobs) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
