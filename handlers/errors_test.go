package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err    error
		status int
		msg    string
	}{
		{fault.New(fault.Invalid, "bad"), http.StatusBadRequest, "bad"},
		{fault.New(fault.Unauthenticated, "who"), http.StatusUnauthorized, "who"},
		{fault.New(fault.Forbidden, "no"), http.StatusForbidden, "no"},
		{fmt.Errorf("wrapped: %w", fault.New(fault.NotFound, "gone")), http.StatusNotFound, "gone"},
		{fault.New(fault.Conflict, "taken"), http.StatusConflict, "taken"},
		{fault.New(fault.TooLarge, "big"), http.StatusRequestEntityTooLarge, "big"},
		{fault.New(fault.Throttled, "slow"), http.StatusTooManyRequests, "slow"},
		{fault.New(fault.Unavailable, "later"), http.StatusServiceUnavailable, "later"},
		// Internal details never reach people.
		{fault.New(fault.Internal, "pq: relation missing"), http.StatusInternalServerError, internalMessage},
		{errors.New("pq: relation missing"), http.StatusInternalServerError, internalMessage},
		{echo.ErrMethodNotAllowed, http.StatusMethodNotAllowed, "Method Not Allowed"},
	}
	for _, tt := range tests {
		status, msg := statusOf(tt.err)
		if status != tt.status || msg != tt.msg {
			t.Errorf("statusOf(%v) = %d %q, want %d %q", tt.err, status, msg, tt.status, tt.msg)
		}
	}
	for k := fault.Invalid; k <= fault.Unavailable; k++ {
		if _, ok := kindStatus[k]; !ok {
			t.Errorf("kind %v has no HTTP status", k)
		}
	}
}
