package arena

import (
	"context"
	"errors"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// MaxRegenerations is how often a voter may have both answers of a live
// battle written again before voting. A few tries forgive a bad draw; more
// would let a voter fish for a style they recognise.
const MaxRegenerations = 3

// ErrRegenerateLimit refuses a regeneration past MaxRegenerations.
var ErrRegenerateLimit = fault.New(fault.Conflict,
	"Both answers have been written again 3 times, the most a battle allows. Vote on these, or start a new battle.")

// ErrNotRegenerable refuses a regeneration of a bank battle, whose answers
// were written in advance.
var ErrNotRegenerable = fault.New(fault.Invalid,
	"Only answers written for your own prompt can be written again; this battle's come from the prompt bank.")

// ErrRegenerateVoted refuses a regeneration after the vote: the vote was
// about the answers the voter saw.
var ErrRegenerateVoted = fault.New(fault.Conflict,
	"This battle already has your vote, so its answers can no longer be written again.")

// RegenerateLiveBattle sets aside the finished answers of the latest turn of
// the voter's unvoted live battle and reopens it, so that opening its stream
// has the same two hidden contenders, on the same sides, answer again. The
// earlier answers are kept (see Regenerations). It returns how many
// regenerations the battle has left.
func (a *Arena) RegenerateLiveBattle(ctx context.Context, battleID, voterID string) (int, error) {
	if err := a.refuseWhileDraining(); err != nil {
		return 0, err
	}
	b, err := a.Battle(ctx, battleID, voterID)
	if err != nil {
		return 0, err
	}
	if b.Mode != models.ModeLive {
		return 0, ErrNotRegenerable
	}
	if b.State == models.StateVoted {
		return 0, ErrRegenerateVoted
	}
	n, err := a.store.Regenerate(ctx, b.ID, MaxRegenerations)
	switch {
	case errors.Is(err, models.ErrRegenerateLimit):
		return 0, ErrRegenerateLimit
	case errors.Is(err, models.ErrBattleBusy):
		return 0, a.stateError(b)
	case err != nil:
		return 0, err
	}
	return MaxRegenerations - n, nil
}

// Regenerations returns the answers set aside by regenerations of the
// voter's battle, oldest first. Before the vote they name no model; the
// caller shows them only with the battle itself.
func (a *Arena) Regenerations(ctx context.Context, battleID, voterID string) ([]models.Regeneration, error) {
	b, err := a.Battle(ctx, battleID, voterID)
	if err != nil {
		return nil, err
	}
	return a.store.Regenerations(ctx, b.ID)
}
