package boards

import (
	"runtime"

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
