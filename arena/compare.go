package arena

import (
	"context"
	"fmt"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// NamedVoteReason is what a voter reads, and what is stored, for every vote
// on a named (side-by-side) battle.
const NamedVoteReason = "Side-by-side votes are not counted: you knew the models."

// Refusals of side-by-side battles and of continuing a voted conversation.
var (
	ErrCompareUnavailable = fault.New(fault.Conflict, "side-by-side needs at least two models with a live backend")
	ErrCompareSame        = fault.New(fault.Invalid, "Pick two different models to compare.")
	ErrComparePick        = fault.New(fault.Invalid, "Pick a model for each side.")
	ErrContinueBank       = fault.New(fault.Conflict, "this battle is from the prompt bank; its answers were written before you came, so the conversation cannot go on")
	ErrContinueUnvoted    = fault.New(fault.Conflict, "vote on this battle first; you can keep talking to both models once your vote is stored")
	ErrContinueLast       = fault.New(fault.Conflict, "this conversation has reached the most turns a battle may have; start a new one")
	ErrContinueGone       = fault.New(fault.Conflict, "one of these models no longer answers live prompts, so the conversation cannot go on")
)

// unknownModel refuses a slug that is not an enabled live contender.
func unknownModel(slug string) error {
	return fault.New(fault.Invalid, fmt.Sprintf("There is no model %q available for side-by-side; pick one from the list.", slug))
}

// CompareContenders are the models a voter may put side by side: the
// enabled contenders with a live backend, in a stable order.
func (a *Arena) CompareContenders(ctx context.Context) ([]models.Contender, error) {
	return a.store.LiveContenders(ctx)
}

// StartNamedBattle starts a side-by-side battle in which the voter chose
// both models by slug, A on the left and B on the right as chosen, and
// knows them from the start. The prompt passes the same checks as a live
// prompt. Its vote will be stored but never counted (see Vote), and its
// prompt, source live, never enters the bank.
func (a *Arena) StartNamedBattle(ctx context.Context, voterID, slugA, slugB, prompt string) (*models.Battle, error) {
	if err := a.refuseWhileDraining(); err != nil {
		return nil, err
	}
	ca, cb, err := a.namedPair(ctx, slugA, slugB)
	if err != nil {
		return nil, err
	}
	flag, err := a.checkLivePrompt(ctx, voterID, prompt)
	if err != nil {
		return nil, err
	}
	p := livePrompt(prompt, flag)
	b := &models.Battle{ID: newID(), VoterID: voterID, Mode: models.ModeNamed, State: models.StateOpen,
		ContenderAID: ca.ID, ContenderBID: cb.ID}
	if err := a.store.StartLiveBattle(ctx, b, p); err != nil {
		return nil, fmt.Errorf("start named battle: %w", err)
	}
	a.obs.BattleStarted(models.ModeNamed)
	if err := a.moderation.NoteFlag(ctx, p, flag); err != nil {
		return nil, err
	}
	b.Prompt, b.ContenderA, b.ContenderB = p, ca, cb
	return b, nil
}

// namedPair finds the two chosen live contenders, refusing the same one
// twice and any slug that is unknown, disabled or without a backend.
func (a *Arena) namedPair(ctx context.Context, slugA, slugB string) (*models.Contender, *models.Contender, error) {
	cs, err := a.store.LiveContenders(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(cs) < 2 {
		return nil, nil, ErrCompareUnavailable
	}
	if slugA == "" || slugB == "" {
		return nil, nil, ErrComparePick
	}
	if slugA == slugB {
		return nil, nil, ErrCompareSame
	}
	find := func(slug string) (*models.Contender, error) {
		for i := range cs {
			if cs[i].Slug == slug {
				return &cs[i], nil
			}
		}
		return nil, unknownModel(slug)
	}
	ca, err := find(slugA)
	if err != nil {
		return nil, nil, err
	}
	cb, err := find(slugB)
	return ca, cb, err
}

// ContinueAfterVote lets the voter of a voted live (or named) battle keep
// talking to the same two models: it starts a new named battle, with the
// contenders on the same sides, whose turns repeat the earlier ones and add
// prompt as the next. The original battle and its vote stay as they are;
// the new battle's vote is never counted.
func (a *Arena) ContinueAfterVote(ctx context.Context, battleID, voterID, prompt string) (*models.Battle, error) {
	if err := a.refuseWhileDraining(); err != nil {
		return nil, err
	}
	b, err := a.Battle(ctx, battleID, voterID)
	if err != nil {
		return nil, err
	}
	switch {
	case !models.HasTurns(b.Mode):
		return nil, ErrContinueBank
	case b.State == models.StateVoid:
		return nil, ErrBattleVoid
	case b.State != models.StateVoted:
		return nil, ErrContinueUnvoted
	}
	turns, err := a.store.Turns(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	if len(turns) >= a.live.MaxTurns {
		return nil, ErrContinueLast
	}
	if err := a.stillLive(ctx, b); err != nil {
		return nil, err
	}
	flag, err := a.checkLivePrompt(ctx, voterID, prompt)
	if err != nil {
		return nil, err
	}
	p := livePrompt(prompt, flag)
	nb := &models.Battle{ID: newID(), VoterID: voterID, Mode: models.ModeNamed, State: models.StateOpen,
		ContenderAID: b.ContenderAID, ContenderBID: b.ContenderBID}
	if err := a.store.ContinueBattle(ctx, nb, b.ID, p); err != nil {
		return nil, fmt.Errorf("continue battle %s: %w", b.ID, err)
	}
	a.obs.BattleStarted(models.ModeNamed)
	if err := a.moderation.NoteFlag(ctx, p, flag); err != nil {
		return nil, err
	}
	nb.ContenderA, nb.ContenderB = b.ContenderA, b.ContenderB
	return nb, nil
}

// stillLive refuses to continue with a contender that was disabled or lost
// its backend since the battle.
func (a *Arena) stillLive(ctx context.Context, b *models.Battle) error {
	cs, err := a.store.LiveContenders(ctx)
	if err != nil {
		return err
	}
	found := 0
	for _, c := range cs {
		if c.ID == b.ContenderAID || c.ID == b.ContenderBID {
			found++
		}
	}
	if found < 2 {
		return ErrContinueGone
	}
	return nil
}
