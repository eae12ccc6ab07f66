package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Sentinel kinds of failure. Every error a backend returns (other than the
// caller's own emit error) is an [*Error] that matches exactly one of these
// with errors.Is. Their texts are plain sentences a voter may read; they
// never name a model, provider, URL or key.
var (
	// ErrTimeout: the answer took longer than the overall timeout, or the
	// stream stalled for longer than the idle timeout, or ctx's deadline
	// passed.
	ErrTimeout = errors.New("the model took too long to answer")
	// ErrEmpty: the stream finished normally but held no visible text.
	ErrEmpty = errors.New("the model returned an empty answer")
	// ErrUpstream: the model server refused or failed the request (an HTTP
	// error status, an error event mid-stream, or no connection at all).
	ErrUpstream = errors.New("the model server returned an error")
	// ErrMalformed: the server answered, but not in the chat-completions
	// streaming format (invalid JSON in a chunk, not an event stream).
	ErrMalformed = errors.New("the model server sent a reply that could not be read")
	// ErrInterrupted: the stream broke off before the server said it was
	// finished (connection dropped, no finish reason).
	ErrInterrupted = errors.New("the answer was cut off")
	// ErrCanceled: the caller's ctx was cancelled (the voter went away).
	ErrCanceled = errors.New("the answer was cancelled")
)

// Error is the one error type backends return. Its Error text is safe to
// log, store and show: it holds the kind and, for upstream failures, the HTTP
// status, nothing else.
type Error struct {
	// Kind is one of the sentinels above; errors.Is(err, Kind) holds.
	Kind error
	// Status is the upstream HTTP status for ErrUpstream when there was one
	// (401, 429, 500…), else 0.
	Status int
	// Detail is for the operator's log only: the upstream's own error
	// message or the underlying I/O error, with the API key and base URL
	// removed. It may name the model (e.g. "model `x` not found"), so it
	// must never reach a voter.
	Detail string
	// cause is kept for errors.Is with context errors only; SDK and network
	// errors are not exposed because their texts may carry the base URL.
	cause error
}

// Error returns the kind's sentence, plus the HTTP status for upstream
// errors: enough for a log line, never an identity.
func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s (HTTP %d)", e.Kind, e.Status)
	}
	return e.Kind.Error()
}

// Unwrap exposes the kind and, for cancellations and deadlines, the context
// error, so errors.Is(err, context.Canceled) also works.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Kind, e.cause}
	}
	return []error{e.Kind}
}

// Retryable reports whether asking again later might succeed: timeouts,
// interruptions, rate limits and server-side errors. The arena never retries
// inside a battle (a retry would delay one side and hint at who it is), but
// it can use this for bank pre-generation or health checks.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case ErrTimeout, ErrInterrupted:
		return true
	case ErrUpstream:
		return e.Status == 0 || e.Status == http.StatusTooManyRequests || e.Status >= 500
	}
	return false
}

// Reason maps an error from Generate to a short stable code for a battle's
// void reason column: "timeout", "empty", "upstream", "malformed",
// "interrupted", "canceled", or "failed" for anything else (such as an emit
// error). It returns "" for nil.
func Reason(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrEmpty):
		return "empty"
	case errors.Is(err, ErrUpstream):
		return "upstream"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	case errors.Is(err, ErrInterrupted):
		return "interrupted"
	case errors.Is(err, ErrCanceled):
		return "canceled"
	}
	return "failed"
}

// ctxError turns the end of a context into the matching *Error: a deadline
// (the caller's or one of ours, told apart by cause) is a timeout, anything
// else a cancellation.
func ctxError(ctx context.Context) *Error {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, errIdle) || errors.Is(cause, errDeadline) {
		return &Error{Kind: ErrTimeout, Detail: cause.Error(), cause: context.DeadlineExceeded}
	}
	return &Error{Kind: ErrCanceled, Detail: cause.Error(), cause: context.Canceled}
}
