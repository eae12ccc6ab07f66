package boards

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// lowerPriority pins the calling goroutine to its thread and lowers the
// thread's scheduling priority to nice, so rating takes the CPU that votes
// and pages leave before its own share. The thread is never unpinned: it
// ends with its goroutine, and no other goroutine runs on it at the lowered
// priority. It reports whether the priority was lowered.
func lowerPriority(nice int) bool {
	runtime.LockOSThread()
	return unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), nice) == nil
}

// threadCPU is the CPU time the calling thread has used. Only a goroutine
// pinned to its thread (lowerPriority pins it) measures itself with it.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
