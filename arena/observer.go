package arena

import (
	"context"
	"errors"
	"strings"
	"time"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// Observer hears what the arena does, for an operator's metrics. The arena
// calls it from request and generation goroutines alike, so every method
// must be quick and safe for concurrent use. Its labels are small fixed sets (see the
// constants below) or contender ids and slugs, which an operator's metrics
// may name but a voter never sees.
type Observer interface {
	// VoteRecorded is told of each vote newly stored, with its outcome
	// (VoteCounted, VoteExcluded) and, when excluded, why (one of the
	// Excluded* reasons), and of each vote refused (VoteRefused, with why).
	// A repeat of a stored vote is neither.
	VoteRecorded(outcome, reason string)
	// BattleStarted is told of each new battle by mode (bank, live, named).
	BattleStarted(mode string)
	// BattlesVoided is told of n battles voided for reason (a Void* reason).
	BattlesVoided(reason string, n int)
	// Generated is told of each finished call of a contender's backend:
	// its duration and time to first chunk on success, or the failure
	// (an llm.Reason) otherwise. Calls the caller cancelled (a voter who
	// left) are not reported: they say nothing about the backend.
	Generated(contenderID uint, slug string, took, firstToken time.Duration, failure string)
}

// Vote outcomes, as Observer.VoteRecorded reports them.
const (
	VoteCounted  = "counted"
	VoteExcluded = "excluded"
	VoteRefused  = "refused"
)

// Reasons a stored vote stays out of the ratings (VoteExcluded): a small
// fixed set, unlike the stored reasons, which are sentences.
const (
	ExcludedLeak    = "identity_leak"
	ExcludedNamed   = "side_by_side"
	ExcludedBlocked = "voter_blocked"
	ExcludedRisk    = "risk"
	ExcludedAdmin   = "admin"
	ExcludedPrompt  = "prompt_held"
	ExcludedDemo    = "demo"
	ExcludedOther   = "other"
)

// Reasons a battle is voided (BattlesVoided). A backend's failure is
// "backend_" and its llm.Reason ("backend_timeout", "backend_upstream"…).
const (
	VoidPageClosed  = "page_closed"
	VoidShutdown    = "shutdown"
	VoidInterrupted = "interrupted"
	VoidUnreachable = "unreachable"
	VoidReadFailed  = "read_failed"
	VoidStoreFailed = "store_failed"
)

// nobody is the Observer when none is given.
type nobody struct{}

func (nobody) VoteRecorded(string, string)                                  {}
func (nobody) BattleStarted(string)                                         {}
func (nobody) BattlesVoided(string, int)                                    {}
func (nobody) Generated(uint, string, time.Duration, time.Duration, string) {}

// exclusionLabel names why a stored vote is out of the ratings, from its
// stored reasons.
func exclusionLabel(v *models.Vote) string {
	switch x := v.Excluded; {
	case x == models.ExcludedBlocked:
		return ExcludedBlocked
	case strings.HasPrefix(x, models.ExcludedRiskPrefix):
		return ExcludedRisk
	case strings.HasPrefix(x, models.ExcludedAdminPrefix):
		return ExcludedAdmin
	case x == models.ExcludedPromptFlagged || x == models.ExcludedPromptRejected:
		return ExcludedPrompt
	case x == models.ExcludedDemo:
		return ExcludedDemo
	case x == "" && v.Reason == NamedVoteReason:
		return ExcludedNamed
	case x == "" && v.Reason != "":
		return ExcludedLeak
	}
	return ExcludedOther
}

// refusalLabel names why a vote was refused.
func refusalLabel(err error) string {
	switch {
	case errors.Is(err, ErrBattleVoid):
		return "void"
	case errors.Is(err, ErrVoteConflict):
		return "conflict"
	case errors.Is(err, ErrNotReady):
		return "not_ready"
	case errors.Is(err, ErrBattleNotFound):
		return "not_found"
	case errors.Is(err, ErrBadWinner):
		return "invalid"
	case fault.KindOf(err) == fault.Internal:
		return "error"
	}
	return "other"
}

// observeVote tells the observer what became of a vote.
func (a *Arena) observeVote(res *VoteResult, fresh bool, err error) {
	switch {
	case err != nil:
		a.obs.VoteRecorded(VoteRefused, refusalLabel(err))
	case !fresh:
	case res.Vote.InRatings():
		a.obs.VoteRecorded(VoteCounted, "")
	default:
		a.obs.VoteRecorded(VoteExcluded, exclusionLabel(res.Vote))
	}
}

// observedBackends wraps every backend built so each call is reported.
func observedBackends(build func(*models.Contender) (llm.Backend, error), obs Observer) func(*models.Contender) (llm.Backend, error) {
	if build == nil {
		return nil
	}
	return func(c *models.Contender) (llm.Backend, error) {
		be, err := build(c)
		if err != nil {
			return nil, err
		}
		return observedBackend{be: be, id: c.ID, slug: c.Slug, obs: obs}, nil
	}
}

// observedBackend reports each call of one contender's backend.
type observedBackend struct {
	be   llm.Backend
	id   uint
	slug string
	obs  Observer
}

// Generate calls the backend and reports how it went.
func (o observedBackend) Generate(ctx context.Context, req llm.Request, emit llm.Emit) (llm.Result, error) {
	start := time.Now()
	res, err := o.be.Generate(ctx, req, emit)
	switch {
	case err == nil:
		o.obs.Generated(o.id, o.slug, time.Since(start), res.FirstToken, "")
	case ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		// The caller gave up (a voter left, a shutdown): not the backend's doing.
	default:
		o.obs.Generated(o.id, o.slug, time.Since(start), 0, llm.Reason(err))
	}
	return res, err
}
