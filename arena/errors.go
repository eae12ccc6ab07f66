package arena

import "errors"

// Domain errors; handlers map them to status codes, their text is shown to
// people as it is.
var (
	// ErrBattleNotFound covers unknown battles and battles of other voters
	// alike, so ids of others' battles cannot be confirmed.
	ErrBattleNotFound = errors.New("no such battle")
	// ErrBadWinner is a vote value outside the four choices.
	ErrBadWinner = errors.New(`winner must be one of "model_a", "model_b", "tie" or "tie (bothbad)"`)
	// ErrVoteConflict is a second, different vote on a battle.
	ErrVoteConflict = errors.New("this battle already has a different vote; each battle takes one vote")
	// ErrBattleVoid is a vote on a battle that failed and counts for nothing.
	ErrBattleVoid = errors.New("this battle failed and cannot take a vote; start a new battle")
	// ErrNoBattles means there is nothing to serve yet.
	ErrNoBattles = errors.New("the prompt bank is empty: import pre-generated answers first")
	// ErrVoterBlocked is a voter an admin has blocked.
	ErrVoterBlocked = errors.New("this browser may no longer vote")
)
