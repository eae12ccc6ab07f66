package arena

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"openarena.dev/arena/arena/leak"
	"openarena.dev/arena/models"
)

// StartBankBattle gives the voter a battle from the prompt bank: their open
// battle if they have a recent one, otherwise a random servable prompt, a
// random pair of its answers (weighted by contender weight) on random sides.
func (a *Arena) StartBankBattle(ctx context.Context, voterID string) (*models.Battle, error) {
	b, err := a.store.OpenBattle(ctx, voterID, a.now().Add(-a.opt.ResumeWindow))
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	if err := a.refuseWhileDraining(); err != nil {
		return nil, err
	}
	// A prompt can lose its pair between the cache and the read (a contender
	// disabled); try a few before giving up.
	for range 5 {
		pid, err := a.randomBankPrompt(ctx)
		if err != nil {
			return nil, err
		}
		b, err := a.tryBankPrompt(ctx, voterID, pid)
		if errors.Is(err, models.ErrNotFound) {
			a.forgetBank()
			continue
		}
		return b, err
	}
	return nil, ErrNoBattles
}

// tryBankPrompt starts a battle on the prompt; ErrNotFound when the prompt
// or its pair is gone (a contender disabled, an answer removed).
func (a *Arena) tryBankPrompt(ctx context.Context, voterID string, pid uint) (*models.Battle, error) {
	prompt, err := a.store.Prompt(ctx, pid)
	if err != nil {
		return nil, err
	}
	choices, err := a.store.AnswerChoices(ctx, pid)
	if err != nil {
		return nil, err
	}
	if len(choices) < 2 {
		return nil, models.ErrNotFound
	}
	i, j := samplePair(choices)
	if mrand.IntN(2) == 1 {
		i, j = j, i
	}
	ra, rb, err := a.store.AnswerPair(ctx, choices[i].ResponseID, choices[j].ResponseID)
	if err != nil {
		return nil, err
	}
	return a.createBankBattle(ctx, voterID, prompt, *ra, *rb)
}

func (a *Arena) createBankBattle(ctx context.Context, voterID string, p *models.Prompt, ra, rb models.Response) (*models.Battle, error) {
	b := &models.Battle{
		ID: newID(), PromptID: p.ID, VoterID: voterID, Mode: models.ModeBank, State: models.StateReady,
		ContenderAID: ra.ContenderID, ContenderBID: rb.ContenderID, ResponseAID: &ra.ID, ResponseBID: &rb.ID,
		Leak: leak.Reason(ra, rb),
	}
	if err := a.store.CreateBattle(ctx, b); err != nil {
		return nil, fmt.Errorf("create battle: %w", err)
	}
	a.obs.BattleStarted(models.ModeBank)
	b.Prompt, b.ResponseA, b.ResponseB, b.ContenderA, b.ContenderB = p, &ra, &rb, ra.Contender, rb.Contender
	return b, nil
}

// samplePair draws two different answers, each pick weighted by its
// contender's sampling weight.
func samplePair(answers []models.AnswerChoice) (int, int) {
	w := make([]float64, len(answers))
	for k, r := range answers {
		w[k] = r.Weight
	}
	i := pickWeighted(w, -1)
	return i, pickWeighted(w, i)
}

func (a *Arena) randomBankPrompt(ctx context.Context) (uint, error) {
	a.bankMu.Lock()
	defer a.bankMu.Unlock()
	if a.bankIDs == nil || a.now().Sub(a.bankAt) > a.opt.BankRefresh {
		ids, err := a.store.BankPromptIDs(ctx)
		if err != nil {
			return 0, err
		}
		a.bankIDs, a.bankAt = ids, a.now()
	}
	if len(a.bankIDs) == 0 {
		a.bankIDs = nil
		return 0, ErrNoBattles
	}
	return a.bankIDs[mrand.IntN(len(a.bankIDs))], nil
}

// forgetBank drops the cached prompt list so the next battle reads it anew.
func (a *Arena) forgetBank() {
	a.bankMu.Lock()
	a.bankIDs = nil
	a.bankMu.Unlock()
}

// newID returns a new battle's id: its second, then 96 random bits
// (models.IDAt). Battle ids must not be guessable.
func newID() string {
	return NewIDAt(time.Now())
}

// NewIDAt is the id of a battle or voter made at t, with its random part
// from crypto/rand (see models.IDAt).
func NewIDAt(t time.Time) string {
	b := make([]byte, 12)
	rand.Read(b)
	return models.IDAt(t, b)
}

// Battle returns the voter's battle; another voter's battle is not found.
func (a *Arena) Battle(ctx context.Context, id, voterID string) (*models.Battle, error) {
	b, err := a.store.Battle(ctx, id)
	if errors.Is(err, models.ErrNotFound) || (err == nil && b.VoterID != voterID) {
		return nil, ErrBattleNotFound
	}
	return b, err
}
