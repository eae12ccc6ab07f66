package arena

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/filter"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// LiveOptions tune live battles.
type LiveOptions struct {
	// Backend builds the backend a contender's provider block describes.
	Backend func(c *models.Contender) (llm.Backend, error)
	// Tick and Pace set the common release pace of both answers.
	Tick time.Duration
	Pace Pace
	// Timeout bounds one turn's generation on both sides.
	Timeout time.Duration
	// MaxTurns bounds a conversation.
	MaxTurns int
	// Rules is the automatic prompt filter.
	Rules filter.Rules
	// Sampling picks which two contenders meet, within their sampling
	// weights; nil means rating.InformativePolicy (ARENA_SAMPLING).
	Sampling rating.PairPolicy
}

// DefaultLiveOptions release about 300 characters a second per side, give a
// turn two minutes and allow ten turns.
func DefaultLiveOptions() LiveOptions {
	return LiveOptions{Tick: 40 * time.Millisecond, Pace: Pace{Chars: 12}, Timeout: 2 * time.Minute,
		MaxTurns: 10, Rules: filter.DefaultRules()}
}

// withDefaults fills the zero fields of o from DefaultLiveOptions.
func (o LiveOptions) withDefaults() LiveOptions {
	d := DefaultLiveOptions()
	o.Tick = cmp.Or(o.Tick, d.Tick)
	o.Pace = cmp.Or(o.Pace, d.Pace)
	o.Timeout = cmp.Or(o.Timeout, d.Timeout)
	o.MaxTurns = cmp.Or(o.MaxTurns, d.MaxTurns)
	// Rules hold slices, so cmp.Or cannot compare them: an unset length
	// limit marks rules never filled in.
	if o.Rules.MaxChars == 0 {
		o.Rules = d.Rules
	}
	return o
}

// Live-battle errors shown to voters as they are.
var (
	ErrNoLiveModels = fault.New(fault.Unavailable, "no models are set up for live battles yet; vote on the prompt bank instead")
	ErrNotLive      = fault.New(fault.Invalid, "this battle is from the prompt bank and takes no further prompts")
	ErrTooManyTurns = fault.New(fault.Conflict, "this conversation has reached its last turn; vote on it")
	ErrNotReady     = fault.New(fault.Conflict, "the answers are not finished yet; vote when both are complete")
	ErrStreamBusy   = fault.New(fault.Conflict, "this battle is already streaming in another tab")
	ErrFlooding     = fault.New(fault.Throttled, "You are sending prompts faster than this arena allows; wait a minute and try again.")
)

// Event is one message of a live battle's stream. It names only the side
// ("a" or "b"), never a model.
type Event struct {
	Kind string // "delta", "done" or "error"
	Side string
	Text string
}

// StartLiveBattle checks the voter's prompt, samples two live contenders on
// random sides and stores the battle with the prompt as its first turn.
// Generation starts when the voter opens the stream.
func (a *Arena) StartLiveBattle(ctx context.Context, voterID, prompt string) (*models.Battle, error) {
	if err := a.refuseWhileDraining(); err != nil {
		return nil, err
	}
	flag, err := a.checkLivePrompt(ctx, voterID, prompt)
	if err != nil {
		return nil, err
	}
	cs, err := a.store.LiveContenders(ctx)
	if err != nil {
		return nil, err
	}
	if len(cs) < 2 {
		return nil, ErrNoLiveModels
	}
	i, j := a.sampleLivePair(ctx, cs)
	if mrand.IntN(2) == 1 {
		i, j = j, i
	}
	p := livePrompt(prompt, flag)
	b := &models.Battle{ID: newID(), VoterID: voterID, Mode: models.ModeLive, State: models.StateOpen,
		ContenderAID: cs[i].ID, ContenderBID: cs[j].ID}
	if err := a.store.StartLiveBattle(ctx, b, p); err != nil {
		return nil, fmt.Errorf("start live battle: %w", err)
	}
	a.obs.BattleStarted(models.ModeLive)
	if err := a.moderation.NoteFlag(ctx, p, flag); err != nil {
		return nil, err
	}
	b.Prompt, b.ContenderA, b.ContenderB = p, &cs[i], &cs[j]
	return b, nil
}

// ContinueLiveBattle adds the voter's next prompt to their finished, unvoted
// live (or named) battle; both models answer it with the conversation so far.
func (a *Arena) ContinueLiveBattle(ctx context.Context, battleID, voterID, prompt string) error {
	if err := a.refuseWhileDraining(); err != nil {
		return err
	}
	b, err := a.Battle(ctx, battleID, voterID)
	if err != nil {
		return err
	}
	if !models.HasTurns(b.Mode) {
		return ErrNotLive
	}
	flag, err := a.checkLivePrompt(ctx, voterID, prompt)
	if err != nil {
		return err
	}
	turns, err := a.store.Turns(ctx, b.ID)
	if err != nil {
		return err
	}
	if len(turns) >= a.live.MaxTurns {
		return ErrTooManyTurns
	}
	p := livePrompt(prompt, flag)
	_, err = a.store.AddTurn(ctx, b.ID, p)
	if errors.Is(err, models.ErrBattleBusy) {
		return a.stateError(b)
	}
	if err != nil {
		return err
	}
	return a.moderation.NoteFlag(ctx, p, flag)
}

// livePrompt is a voter's live prompt; one a flag rule matched is stored
// flagged, held for review (its votes wait, see models.ExcludedPromptFlagged).
func livePrompt(text, flag string) *models.Prompt {
	status := models.StatusApproved
	if flag != "" {
		status = models.StatusFlagged
	}
	return &models.Prompt{Text: text, Hash: models.PromptHash(text), Source: models.SourceLive,
		Status: status, Categories: []string{}}
}

// checkLivePrompt refuses what the filter blocks and what floods, and names
// the flag rule the prompt matches ("" when none).
func (a *Arena) checkLivePrompt(ctx context.Context, voterID, prompt string) (string, error) {
	rules, err := a.moderation.PromptRules(ctx)
	if err != nil {
		return "", err
	}
	if err := rules.CheckPrompt(prompt); err != nil {
		return "", err
	}
	if rules.PerMinute > 0 {
		n, err := a.store.LivePromptsSince(ctx, voterID, a.now().Add(-time.Minute))
		if err != nil {
			return "", err
		}
		if n >= int64(rules.PerMinute) {
			return "", ErrFlooding
		}
	}
	if flag := rules.Flag(prompt); flag != "" {
		return flag, nil
	}
	// A moderator rejected this text before: hold it again for review
	// rather than let a retyped prompt slip back into the ratings.
	id, err := a.store.RejectedPromptWithHash(ctx, models.PromptHash(prompt))
	if err != nil || id == 0 {
		return "", err
	}
	return fmt.Sprintf("the same text as rejected prompt %d", id), nil
}

// stateError explains why a battle cannot do what was asked in its state.
func (a *Arena) stateError(b *models.Battle) error {
	switch b.State {
	case models.StateVoid:
		return ErrBattleVoid
	case models.StateVoted:
		return ErrVoteConflict
	case models.StateStreaming, models.StateOpen:
		return ErrNotReady
	}
	return ErrNotReady
}

// sampleLivePair draws two different contenders with the sampling policy,
// each pair's chance scaled by both weights. Should the policy find no pair
// (it cannot with two live contenders, all of positive weight) the old
// weighted draw is the fallback, so a battle never fails for sampling.
func (a *Arena) sampleLivePair(ctx context.Context, cs []models.Contender) (int, int) {
	if i, j, ok := a.samplePolicyPair(ctx, cs); ok {
		return i, j
	}
	w := make([]float64, len(cs))
	for k, c := range cs {
		w[k] = c.Weight
	}
	i := pickWeighted(w, -1)
	return i, pickWeighted(w, i)
}

// pickWeighted draws an index with probability proportional to its weight,
// never skip.
func pickWeighted(w []float64, skip int) int {
	total := 0.0
	for k, x := range w {
		if k != skip && x > 0 {
			total += x
		}
	}
	r := mrand.Float64() * total
	last := -1
	for k, x := range w {
		if k == skip || x <= 0 {
			continue
		}
		last = k
		if r -= x; r < 0 {
			return k
		}
	}
	return last
}

// LiveAvailable reports whether live battles can be served: at least two
// enabled contenders have a provider.
func (a *Arena) LiveAvailable(ctx context.Context) bool {
	cs, err := a.store.LiveContenders(ctx)
	return err == nil && len(cs) >= 2
}

// PromptMaxChars is the longest prompt the arena accepts, in characters,
// for forms to count against before the server refuses a longer one.
func (a *Arena) PromptMaxChars() int { return a.live.Rules.MaxChars }

// MoreTurns reports whether a conversation of n turns may take another.
func (a *Arena) MoreTurns(n int) bool { return n < a.live.MaxTurns }
