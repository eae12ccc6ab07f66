package handlers

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// brokenLimiter is a shared limiter whose database does not answer.
type brokenLimiter struct{}

func (brokenLimiter) Allow(string) (bool, error) { return false, errors.New("connection refused") }

// TestFailOpen: when the shared limiter cannot decide, requests go
// through, and the failure is logged once, not per request.
func TestFailOpen(t *testing.T) {
	var logged bytes.Buffer
	f := &failOpen{limiter: brokenLimiter{}, log: slog.New(slog.NewTextHandler(&logged, nil))}
	for range 3 {
		if ok, err := f.Allow("voter"); !ok || err != nil {
			t.Fatalf("Allow = %v, %v; want let through", ok, err)
		}
	}
	if n := strings.Count(logged.String(), "connection refused"); n != 1 {
		t.Errorf("logged the failure %d times, want once:\n%s", n, logged.String())
	}
}
