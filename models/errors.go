package models

import "errors"

// Sentinel errors the store returns; callers test them with errors.Is.
var (
	// ErrNotFound means the asked-for row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyVoted means the battle already holds a vote.
	ErrAlreadyVoted = errors.New("battle already has a vote")
)

// RowError is an import row the store refused; Row indexes the input slice
// so the caller can name the file line.
type RowError struct {
	Row    int
	Reason string
}

func (e *RowError) Error() string { return e.Reason }
