package arena

import "openarena.dev/arena/arena/fault"

// Domain errors of battles and votes; their kind decides the HTTP status
// and their text is shown to people as it is.
var (
	// ErrBattleNotFound covers unknown battles and battles of other voters
	// alike, so ids of others' battles cannot be confirmed.
	ErrBattleNotFound = fault.New(fault.NotFound, "There is no such battle for this browser. Battles belong to the browser that started them.")
	// ErrBadWinner is a vote value outside the four choices.
	ErrBadWinner = fault.New(fault.Invalid, `winner must be one of "model_a", "model_b", "tie" or "tie (bothbad)"`)
	// ErrVoteConflict is a second, different vote on a battle.
	ErrVoteConflict = fault.New(fault.Conflict, "this battle already has a different vote; each battle takes one vote")
	// ErrBattleVoid is a vote on a battle that failed and counts for nothing.
	ErrBattleVoid = fault.New(fault.Conflict, "this battle failed and cannot take a vote; start a new battle")
	// ErrNoBattles means there is nothing to serve yet.
	ErrNoBattles = fault.New(fault.Unavailable, "the prompt bank is empty: import pre-generated answers first")
)
