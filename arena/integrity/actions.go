package integrity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// Integrity refusals shown to the admin as they are.
var (
	ErrNoSuchVoter = fault.New(fault.NotFound, "There is no such voter.")
	ErrNoSuchVote  = fault.New(fault.NotFound, "There is no such vote.")
	ErrNotExcluded = fault.New(fault.Invalid, "This vote has no exclusion that voter integrity can lift (it is in the ratings, or another rule, such as a rejected prompt, keeps it out).")
	ErrExcludeWhy  = fault.New(fault.Invalid, "Give a reason for excluding the vote: it is kept with the vote and in the audit log.")
	ErrExcludeLong = fault.Invalidf("The reason is too long; keep it under %d characters.", maxExcludeReason)
	ErrNotInRating = fault.New(fault.Invalid, "This vote is not in the ratings, so there is nothing to exclude.")
)

// maxExcludeReason bounds an admin's exclusion reason (the column holds 256
// bytes with the "admin: " prefix).
const maxExcludeReason = 200

// voterTarget and voteTarget name what an action touched in the audit log.
func voterTarget(id string) string { return "voter:" + id }
func voteTarget(id uint) string    { return fmt.Sprintf("vote:%d", id) }

// BlockVoter blocks or unblocks a voter, audited: blocking leaves every
// vote of theirs in the ratings out ("voter blocked") and every later vote
// too; unblocking puts exactly those back.
func (s *Service) BlockVoter(ctx context.Context, actor, voterID string, blocked bool) (models.VoterChange, error) {
	ch, err := s.store.SetVoterBlocked(ctx, voterID, blocked)
	if errors.Is(err, models.ErrNotFound) {
		return ch, ErrNoSuchVoter
	}
	if err != nil {
		return ch, err
	}
	action := "voter.unblock"
	if blocked {
		action = "voter.block"
	}
	s.voterChanged(ctx, voterID)
	return ch, s.audit.Record(ctx, actor, action, voterTarget(voterID),
		map[string]any{"blocked": ch.WasBlocked}, map[string]any{"blocked": ch.Blocked, "votes_changed": ch.Votes})
}

// ClearVoter undoes every integrity exclusion of a voter (unblocks them and
// puts back their risk, admin and blocked exclusions), audited. The sweep
// does not exclude those votes again.
func (s *Service) ClearVoter(ctx context.Context, actor, voterID string) (models.VoterChange, error) {
	ch, err := s.store.ClearVoter(ctx, voterID, actor)
	if errors.Is(err, models.ErrNotFound) {
		return ch, ErrNoSuchVoter
	}
	if err != nil {
		return ch, err
	}
	s.voterChanged(ctx, voterID)
	return ch, s.audit.Record(ctx, actor, "voter.clear", voterTarget(voterID),
		map[string]any{"blocked": ch.WasBlocked}, map[string]any{"blocked": false, "votes_restored": ch.Votes})
}

// IncludeVote lifts one vote's integrity exclusion, audited.
func (s *Service) IncludeVote(ctx context.Context, actor string, voteID uint) error {
	before, changed, err := s.store.ClearVoteExclusion(ctx, voteID, actor)
	if errors.Is(err, models.ErrNotFound) {
		return ErrNoSuchVote
	}
	if err != nil {
		return err
	}
	if !changed {
		return ErrNotExcluded
	}
	s.voterChanged(ctx, before.VoterID)
	return s.audit.Record(ctx, actor, "vote.include", voteTarget(voteID),
		map[string]string{"excluded": before.Excluded}, map[string]string{"excluded": ""})
}

// ExcludeVote leaves one vote out of the ratings with the admin's reason,
// audited. Even a vote an admin once cleared can be excluded by hand.
func (s *Service) ExcludeVote(ctx context.Context, actor string, voteID uint, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return ErrExcludeWhy
	case utf8.RuneCountInString(reason) > maxExcludeReason || len(reason) > 256-len(models.ExcludedAdminPrefix):
		return ErrExcludeLong
	}
	v, err := s.store.VoteByID(ctx, voteID)
	if errors.Is(err, models.ErrNotFound) {
		return ErrNoSuchVote
	}
	if err != nil {
		return err
	}
	if !v.Counted || v.Excluded != "" {
		return ErrNotInRating
	}
	full := models.ExcludedAdminPrefix + reason
	n, err := s.store.ExcludeVotes(ctx, map[uint]string{voteID: full}, true)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotInRating
	}
	s.voterChanged(ctx, v.VoterID)
	return s.audit.Record(ctx, actor, "vote.exclude", voteTarget(voteID),
		map[string]string{"excluded": ""}, map[string]string{"excluded": full})
}

// Voter returns one voter, or ErrNoSuchVoter.
func (s *Service) Voter(ctx context.Context, id string) (*models.Voter, error) {
	v, err := s.store.Voter(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrNoSuchVoter
	}
	return v, err
}

// VoteByID returns one vote, or ErrNoSuchVote.
func (s *Service) VoteByID(ctx context.Context, id uint) (*models.Vote, error) {
	v, err := s.store.VoteByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrNoSuchVote
	}
	return v, err
}
