package llm

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestReasonAndRetryable(t *testing.T) {
	tests := []struct {
		err       error
		reason    string
		retryable bool
	}{
		{&Error{Kind: ErrTimeout}, "timeout", true},
		{&Error{Kind: ErrEmpty}, "empty", false},
		{&Error{Kind: ErrUpstream, Status: 401}, "upstream", false},
		{&Error{Kind: ErrUpstream, Status: 429}, "upstream", true},
		{&Error{Kind: ErrUpstream, Status: 503}, "upstream", true},
		{&Error{Kind: ErrUpstream}, "upstream", true},
		{&Error{Kind: ErrMalformed}, "malformed", false},
		{&Error{Kind: ErrInterrupted}, "interrupted", true},
		{&Error{Kind: ErrCanceled}, "canceled", false},
		{fmt.Errorf("side A: %w", &Error{Kind: ErrTimeout}), "timeout", true},
		{errors.New("emit failed"), "failed", false},
		{nil, "", false},
	}
	for _, tt := range tests {
		if got := Reason(tt.err); got != tt.reason {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.reason)
		}
		var e *Error
		if errors.As(tt.err, &e) && e.Retryable() != tt.retryable {
			t.Errorf("%v: Retryable = %v, want %v", tt.err, e.Retryable(), tt.retryable)
		}
	}
}

func TestErrorText(t *testing.T) {
	if got := (&Error{Kind: ErrUpstream, Status: 429, Detail: "secret detail"}).Error(); got != "the model server returned an error (HTTP 429)" {
		t.Errorf("Error() = %q", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ctxError(ctx)
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("cancelled ctx gave %v", err)
	}
}
