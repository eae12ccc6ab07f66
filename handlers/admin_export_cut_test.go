package handlers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

// TestClientWentAway tells a client's cut (logged at info) from a fault
// of the server's (logged as an error), as the export's writes report them.
func TestClientWentAway(t *testing.T) {
	write := func(err error) error {
		return fmt.Errorf("export: %w", &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", err)})
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"request cancelled", fmt.Errorf("read votes: %w", context.Canceled), true},
		{"broken pipe", write(syscall.EPIPE), true},
		{"connection reset", write(syscall.ECONNRESET), true},
		{"database gone", errors.New("read votes: connection refused by the database"), false},
		{"deadline", fmt.Errorf("read votes: %w", context.DeadlineExceeded), false},
	} {
		if got := clientWentAway(tc.err); got != tc.want {
			t.Errorf("%s: clientWentAway = %v, want %v", tc.name, got, tc.want)
		}
	}
}
