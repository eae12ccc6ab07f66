package moderation

import (
	"context"
	"sync"
	"time"

	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// answerWorkers bounds how many contenders answer one prompt at once, so an
// approval does not hit every model server in the same instant.
const answerWorkers = 4

// maxFailureChars bounds a stored failure reason.
const maxFailureChars = 240

// GenerateAnswers asks every enabled contender with a provider that has no
// answer to the prompt yet for one, in the background, and returns how many
// were asked (0 when none is missing; then no job starts). Progress and
// failures are stored as the prompt's AnswerJob. The prompt is served once
// two answers exist, because the bank only samples such prompts. No
// database transaction is open while a model generates.
func (a *Service) GenerateAnswers(ctx context.Context, promptID uint) (int, error) {
	p, err := a.store.Prompt(ctx, promptID)
	if err != nil {
		return 0, err
	}
	cs, err := a.store.MissingAnswerContenders(ctx, promptID)
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	if err := a.store.StartAnswerJob(ctx, promptID, len(cs), a.now()); err != nil {
		return 0, err
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		a.runAnswerJob(p, cs)
	}()
	return len(cs), nil
}

// WaitAnswerJobs waits until every answer job this arena started is done
// (for tests and a graceful shutdown).
func (a *Service) WaitAnswerJobs() { a.jobs.Wait() }

// runAnswerJob generates the answers, detached from the request that
// approved the prompt: the moderator's page returns at once.
func (a *Service) runAnswerJob(p *models.Prompt, cs []models.Contender) {
	ctx := context.Background()
	work := make(chan models.Contender)
	var wg sync.WaitGroup
	for range min(answerWorkers, len(cs)) {
		wg.Go(func() {
			for c := range work {
				a.answerOne(ctx, p, c)
			}
		})
	}
	for _, c := range cs {
		work <- c
	}
	close(work)
	wg.Wait()
	a.store.FinishAnswerJob(ctx, p.ID, a.now())
	a.hooks.BankChanged()
}

// answerOne asks one contender and stores its answer or why it failed. The
// reason names the contender: only moderators see it.
func (a *Service) answerOne(ctx context.Context, p *models.Prompt, c models.Contender) {
	fail := func(reason string) {
		a.store.FailAnswer(ctx, p.ID, models.AnswerFailure{Contender: c.Slug, Reason: clip(reason, maxFailureChars)})
	}
	if a.opt.Backend == nil {
		fail("this server has no model backends configured")
		return
	}
	be, err := a.opt.Backend(&c)
	if err != nil {
		fail(err.Error())
		return
	}
	gctx, cancel := context.WithTimeout(ctx, a.opt.Timeout)
	defer cancel()
	res, err := be.Generate(gctx, llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: p.Text}}},
		func(string) error { return nil })
	switch {
	case err != nil:
		fail(err.Error())
		return
	case res.Text == "":
		fail(llm.Reason(llm.ErrEmpty))
		return
	}
	r := &models.Response{PromptID: p.ID, ContenderID: c.ID, Text: res.Text, Tokens: res.Usage.CompletionTokens,
		LatencyMS: int(res.Latency / time.Millisecond), Style: style.Measure(res.Text)}
	if err := a.store.SaveGeneratedAnswer(ctx, r); err != nil {
		fail("the answer could not be stored: " + err.Error())
	}
}
