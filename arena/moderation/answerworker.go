package moderation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// recordTimeout bounds recording a final failure after the job's own
// context has ended.
const recordTimeout = 10 * time.Second

// answerWorker asks one contender for its answer to one prompt, on
// whichever instance fetched the job.
type answerWorker struct {
	river.WorkerDefaults[AnswerArgs]
	svc *Service
}

// NextRetry backs off as the queue does, so a model server that is down
// or rate-limiting is not pressed.
func (w *answerWorker) NextRetry(job *river.Job[AnswerArgs]) time.Time {
	return time.Now().Add(w.svc.jobs.Backoff(job.Attempt))
}

// Work generates and stores the answer. A failure that asking again may
// cure (a timeout, a cut-off stream, a rate limit, a server error, a
// database error, the instance shutting down) is returned, so the queue
// retries it with backoff; on the last attempt, and at once for any other
// failure, the reason is recorded in the run for the moderator.
func (w *answerWorker) Work(ctx context.Context, job *river.Job[AnswerArgs]) error {
	a := w.svc
	p, err := a.store.Prompt(ctx, job.Args.PromptID)
	if errors.Is(err, models.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("prompt %d was deleted", job.Args.PromptID))
	}
	if err != nil {
		return err
	}
	c, err := a.store.ContenderByID(ctx, job.Args.ContenderID)
	if errors.Is(err, models.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("contender %d was deleted", job.Args.ContenderID))
	}
	if err != nil {
		return err
	}
	// An earlier attempt may have stored the answer and died before the
	// queue heard of it; it was counted then.
	if has, err := a.store.HasAnswer(ctx, p.ID, c.ID); err != nil || has {
		return err
	}
	transient, err := a.answerOne(ctx, p, c)
	if err == nil {
		return nil
	}
	final := job.Attempt >= job.MaxAttempts
	if transient && !final {
		return err
	}
	// Recorded even when the attempt ended because this instance is
	// shutting down: there will be no other attempt to record it.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if rerr := a.recordFailure(rctx, p.ID, c, err.Error()); rerr != nil {
		return rerr
	}
	if transient {
		return err
	}
	return river.JobCancel(err)
}

// answerOne asks c and stores its answer. It returns whether asking again
// might succeed, and why it failed.
func (a *Service) answerOne(ctx context.Context, p *models.Prompt, c *models.Contender) (transient bool, err error) {
	if a.opt.Backend == nil {
		return false, errors.New("this server has no model backends configured")
	}
	be, err := a.opt.Backend(c)
	if err != nil {
		return false, err
	}
	gctx, cancel := context.WithTimeout(ctx, a.opt.Timeout)
	defer cancel()
	res, err := be.Generate(gctx, llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: p.Text}}},
		func(string) error { return nil })
	switch {
	case err != nil:
		var le *llm.Error
		return ctx.Err() != nil || (errors.As(err, &le) && le.Retryable()), err
	case res.Text == "":
		return false, errors.New(llm.Reason(llm.ErrEmpty))
	}
	r := &models.Response{PromptID: p.ID, ContenderID: c.ID, Text: res.Text, Tokens: res.Usage.CompletionTokens,
		LatencyMS: answerTime(res.Latency), Style: style.Measure(res.Text)}
	if err := a.saveAnswer(ctx, r); err != nil {
		return true, fmt.Errorf("the answer could not be stored: %w", err)
	}
	return false, nil
}
