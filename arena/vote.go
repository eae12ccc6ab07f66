package arena

import (
	"context"
	"errors"

	"openarena.dev/arena/models"
)

// VoteRequest is one voter's verdict on one battle.
type VoteRequest struct {
	BattleID string
	VoterID  string
	Winner   string
	IPHash   string
}

// VoteResult is what the voter learns once the vote is stored.
type VoteResult struct {
	Battle *models.Battle
	Vote   *models.Vote
}

// Vote records the voter's single vote on their battle. The same vote again
// returns the stored result; a different one is ErrVoteConflict. A vote on a
// battle whose answers leaked a model's identity, or on a named
// (side-by-side) battle, is stored but not counted. The vote is committed
// before Vote returns: a voter told it was stored can rely on it.
func (a *Arena) Vote(ctx context.Context, req VoteRequest) (*VoteResult, error) {
	res, fresh, err := a.vote(ctx, req)
	a.observeVote(res, fresh, err)
	return res, err
}

// vote is Vote; fresh says whether this call stored the vote (rather than
// answering a repeat).
func (a *Arena) vote(ctx context.Context, req VoteRequest) (res *VoteResult, fresh bool, err error) {
	if !models.ValidWinner(req.Winner) {
		return nil, false, ErrBadWinner
	}
	// The battle, the integrity facts and the prompt hold, in one round
	// trip: the vote's only other one is its insert.
	b, checks, err := a.store.VoteRead(ctx, req.BattleID, req.VoterID, req.IPHash, a.integ.RiskWindow())
	if errors.Is(err, models.ErrNotFound) || (err == nil && b.VoterID != req.VoterID) {
		return nil, false, ErrBattleNotFound
	}
	if err != nil {
		return nil, false, err
	}
	if b.State == models.StateVoid {
		return nil, false, ErrBattleVoid
	}
	if b.State == models.StateVoted {
		res, err := a.repeatVote(ctx, b, req.Winner)
		return res, false, err
	}
	if b.State != models.StateReady {
		return nil, false, ErrNotReady
	}
	read := a.now().Sub(b.CreatedAt).Seconds()
	v := &models.Vote{
		BattleID: b.ID, Winner: req.Winner, VoterID: req.VoterID, IPHash: req.IPHash,
		ReadSeconds: read, Counted: b.Leak == "", Reason: b.Leak,
	}
	if b.Mode == models.ModeNamed {
		v.Counted, v.Reason = false, NamedVoteReason
	}
	if v.Counted {
		// A vote on a rejected or flagged prompt is held out like the
		// earlier votes on it; approving the prompt lets them all in.
		v.Excluded = checks.Hold
	}
	// A blocked or risky voter's vote is stored, and the voter sees it
	// stored, but it stays out of the ratings (Excluded): telling them
	// would teach a rigger which signal to avoid. Integrity's reason wins
	// over a prompt hold: lifting it later puts the hold back
	// (models.liftToHolds), while a hold lifted on approval would let a
	// blocked voter's vote in.
	if excluded := a.integ.VoteExclusion(checks.Risk, req.IPHash, read); excluded != "" {
		v.Excluded = excluded
	}
	stored, err := a.store.RecordVote(ctx, v)
	if errors.Is(err, models.ErrAlreadyVoted) {
		res, err := sameVote(b, stored, req.Winner)
		return res, false, err
	}
	if err != nil {
		return nil, false, err
	}
	b.State = models.StateVoted
	if stored.InRatings() {
		a.boards.VotesChanged()
	}
	return &VoteResult{Battle: b, Vote: stored}, true, nil
}

func (a *Arena) repeatVote(ctx context.Context, b *models.Battle, winner string) (*VoteResult, error) {
	v, err := a.store.Vote(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	return sameVote(b, v, winner)
}

// sameVote answers a retry: idempotent when it repeats the stored vote.
func sameVote(b *models.Battle, v *models.Vote, winner string) (*VoteResult, error) {
	if v.Winner != winner {
		return nil, ErrVoteConflict
	}
	b.State = models.StateVoted
	return &VoteResult{Battle: b, Vote: v}, nil
}

// Reveal returns the voter's battle and, once voted, its vote (nil before).
func (a *Arena) Reveal(ctx context.Context, battleID, voterID string) (*models.Battle, *models.Vote, error) {
	b, err := a.Battle(ctx, battleID, voterID)
	if err != nil || b.State != models.StateVoted {
		return b, nil, err
	}
	v, err := a.store.Vote(ctx, b.ID)
	return b, v, err
}
