//go:build unix

package boards

import (
	"syscall"
	"testing"
	"time"
)

// cpuNow is the CPU time (user + system) the process has used: a
// benchmark's CPU seconds per operation survive a busy machine better than
// its wall time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU seconds per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cpuNow()-start).Seconds()/float64(b.N), "cpu-s/op")
}
