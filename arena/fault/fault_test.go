package fault_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"openarena.dev/arena/arena/fault"
)

func TestKindOf(t *testing.T) {
	sentinel := fault.New(fault.Conflict, "taken")
	tests := []struct {
		name string
		err  error
		want fault.Kind
	}{
		{"nil", nil, fault.Internal},
		{"plain error", errors.New("disk full"), fault.Internal},
		{"fault", fault.New(fault.NotFound, "no such thing"), fault.NotFound},
		{"wrapped fault", fmt.Errorf("saving: %w", sentinel), fault.Conflict},
		{"formatted", fault.Invalidf("%d is too many", 7), fault.Invalid},
		{"throttle", fault.Throttle("slow down", time.Minute), fault.Throttled},
	}
	for _, tt := range tests {
		if got := fault.KindOf(tt.err); got != tt.want {
			t.Errorf("%s: KindOf = %v, want %v", tt.name, got, tt.want)
		}
		if tt.want != fault.Internal && !fault.Is(tt.err, tt.want) {
			t.Errorf("%s: Is(%v) = false", tt.name, tt.want)
		}
	}
	if !errors.Is(fmt.Errorf("again: %w", sentinel), sentinel) {
		t.Error("a wrapped sentinel is not found by errors.Is")
	}
}

func TestMessageAndRetry(t *testing.T) {
	e := fault.Throttle("Wait a minute.", 90*time.Second)
	if e.Error() != "Wait a minute." || e.RetryAfter != 90*time.Second {
		t.Errorf("throttle = %q, %v", e.Error(), e.RetryAfter)
	}
	if got := fault.Invalidf("%q is not a number", "x").Error(); got != `"x" is not a number` {
		t.Errorf("Invalidf = %q", got)
	}
}

func TestKindNames(t *testing.T) {
	for k := fault.Internal; k <= fault.Unavailable; k++ {
		if s := k.String(); s == "" || s[0] == 'k' {
			t.Errorf("kind %d has no name: %q", int(k), s)
		}
	}
	if s := fault.Kind(99).String(); s != "kind(99)" {
		t.Errorf("unknown kind = %q", s)
	}
}
