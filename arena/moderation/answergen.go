package moderation

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"openarena.dev/arena/arena/jobs"
	"openarena.dev/arena/models"
)

// maxFailureChars bounds a stored failure reason.
const maxFailureChars = 240

// AnswerAttempts bounds how often one contender is asked for its answer to
// one prompt before its last failure is recorded as final.
const AnswerAttempts = 5

// AnswerArgs is the queued job of one contender answering one prompt. At
// most one such job per pair waits or runs, so approving a prompt twice
// does not generate twice.
type AnswerArgs struct {
	PromptID    uint `json:"prompt_id" river:"unique"`
	ContenderID uint `json:"contender_id" river:"unique"`
}

// answerKind names the job in the queue's table.
const answerKind = "answer"

// Kind names the job in the queue.
func (AnswerArgs) Kind() string { return answerKind }

// GenerateAnswers asks every enabled contender with a provider that has no
// answer to the prompt yet for one, through the job queue, and returns how
// many were asked (0 when none is missing; then no run starts). The run's
// progress and failures are stored as the prompt's AnswerJob, in the same
// transaction as its jobs. The prompt is served once two answers exist,
// because the bank only samples such prompts. No database transaction is
// open while a model generates.
func (a *Service) GenerateAnswers(ctx context.Context, promptID uint) (int, error) {
	if _, err := a.store.Prompt(ctx, promptID); err != nil {
		return 0, err
	}
	return a.store.StartAnswerJob(ctx, promptID, a.now(), func(tx models.JobTx, cs []models.Contender) error {
		params := make([]river.InsertManyParams, len(cs))
		for i, c := range cs {
			params[i] = river.InsertManyParams{Args: AnswerArgs{PromptID: promptID, ContenderID: c.ID}, InsertOpts: jobs.Once(AnswerAttempts)}
		}
		_, err := a.jobs.Enqueue(ctx, tx, params)
		if err != nil {
			return fmt.Errorf("queue the answers: %w", err)
		}
		return nil
	})
}

// WaitAnswerJobs waits until no answer job is waiting, due for a retry or
// running on any instance, or until ctx ends.
func (a *Service) WaitAnswerJobs(ctx context.Context) error {
	return a.jobs.Wait(ctx, answerKind)
}

// recordFailure stores why a contender could not answer, and tells the
// rest of the arena when that ended the run. The reason names the
// contender: only moderators see it.
func (a *Service) recordFailure(ctx context.Context, promptID uint, c *models.Contender, reason string) error {
	finished, err := a.store.FailAnswer(ctx, promptID, models.AnswerFailure{Contender: c.Slug, Reason: clip(reason, maxFailureChars)})
	if finished {
		a.hooks.BankChanged()
	}
	return err
}

// saveAnswer stores a generated answer; a finished run changes the bank.
func (a *Service) saveAnswer(ctx context.Context, r *models.Response) error {
	finished, err := a.store.SaveGeneratedAnswer(ctx, r)
	if finished {
		a.hooks.BankChanged()
	}
	return err
}

// answerTime is how long an answer took, for its stored latency.
func answerTime(d time.Duration) int { return int(d / time.Millisecond) }
