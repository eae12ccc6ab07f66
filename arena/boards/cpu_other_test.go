//go:build !unix

package boards

import (
	"testing"
	"time"
)

// cpuNow is unknown here.
func cpuNow() time.Duration { return 0 }

// reportCPU reports nothing where the CPU time is unknown.
func reportCPU(*testing.B, time.Duration) {}
