// Package fault is the one error type of the domain: a kind that says what
// went wrong in terms a caller can act on (invalid input, not found, a
// conflict…) and a message written for the person who caused it.
//
// The domain packages return *Error for every refusal a person should read;
// anything else is an internal failure whose detail belongs in the log. The
// HTTP layer maps kinds to statuses in one place (handlers/errors.go).
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a refusal by what the caller can do about it.
type Kind int

// The kinds of refusal. Internal is the zero value: an error that is not a
// *Error is internal.
const (
	// Internal is a failure on the server's side, not the caller's.
	Internal Kind = iota
	// Invalid is input that breaks a rule; the message says which.
	Invalid
	// Unauthenticated is a sign-in that did not prove who the caller is.
	Unauthenticated
	// Forbidden is a request the caller may not make.
	Forbidden
	// NotFound is an unknown thing, or one the caller may not know of.
	NotFound
	// Conflict is a request the current state does not allow (a second,
	// different vote; a battle that is not ready).
	Conflict
	// TooLarge is a request body over the limit.
	TooLarge
	// Throttled is a caller asking too often; RetryAfter says when to try.
	Throttled
	// Unavailable is something the arena cannot serve right now (an empty
	// bank, no live models).
	Unavailable
)

var kindNames = [...]string{"internal", "invalid", "unauthenticated", "forbidden", "not found", "conflict", "too large", "throttled", "unavailable"}

// String names the kind for logs and tests.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error is a refusal with its kind and the message shown to people as it is.
type Error struct {
	Kind Kind
	Msg  string
	// RetryAfter is set on Throttled errors when the wait is known.
	RetryAfter time.Duration
}

// Error returns the message for people.
func (e *Error) Error() string { return e.Msg }

// New returns an error of kind with msg.
func New(kind Kind, msg string) *Error { return &Error{Kind: kind, Msg: msg} }

// Newf returns an error of kind with a formatted message.
func Newf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Invalidf is a formatted Invalid error, the most common refusal.
func Invalidf(format string, args ...any) *Error { return Newf(Invalid, format, args...) }

// Throttle returns a Throttled error that says when to try again.
func Throttle(msg string, retryAfter time.Duration) *Error {
	return &Error{Kind: Throttled, Msg: msg, RetryAfter: retryAfter}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of the *Error in err's chain; Internal when there
// is none (or err is nil).
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// Is reports whether err carries a refusal of kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }
