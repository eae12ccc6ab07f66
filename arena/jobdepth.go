package arena

import "context"

// PendingJobs is how many background jobs wait or run: the answer
// generations marked running in the database. It is the job-queue depth
// the metrics report until a job queue supplies its own.
func (a *Arena) PendingJobs(ctx context.Context) (int64, error) {
	return a.store.RunningAnswerJobs(ctx)
}
