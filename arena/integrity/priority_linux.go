package integrity

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// lowerPriority pins the calling goroutine to its thread and lowers the
// thread's scheduling priority to nice, so a report takes the CPU that
// votes and pages leave. The thread is never unpinned: it ends with its
// goroutine, and no other goroutine runs on it at the lowered priority.
// (The ratings' recomputer does the same in package boards, which
// integrity does not import.)
func lowerPriority(nice int) {
	runtime.LockOSThread()
	// Without the right to lower it the report simply competes evenly.
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), nice)
}
