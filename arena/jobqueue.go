package arena

import (
	"context"
	"time"

	"openarena.dev/arena/arena/jobs"
)

// jobOptions ties the queue's bounds to the generation timeout: an
// attempt may take one full generation plus a minute to read and store,
// and a job still "running" a minute after that is taken for abandoned by
// a dead instance and retried, here or on another replica.
func jobOptions(o jobs.Options, generation time.Duration) jobs.Options {
	if o.JobTimeout == 0 {
		o.JobTimeout = generation + time.Minute
	}
	if o.RescueAfter == 0 {
		o.RescueAfter = o.JobTimeout + time.Minute
	}
	return o
}

// StartJobs works queued background jobs (answers for approved prompts)
// on this instance until StopJobs, or until ctx ends.
func (a *Arena) StartJobs(ctx context.Context) error { return a.jobs.Start(ctx) }

// StopJobs stops working jobs: those running may finish until ctx ends,
// then they are cancelled and retried later, here or on another instance.
func (a *Arena) StopJobs(ctx context.Context) error { return a.jobs.Stop(ctx) }

// JobQueueDepth is how many queued jobs wait for a worker, on any
// instance: it grows when the instances cannot keep up.
func (a *Arena) JobQueueDepth(ctx context.Context) (int64, error) { return a.jobs.Depth(ctx) }
