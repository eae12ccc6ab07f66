package boards

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// lowerPriority pins the calling goroutine to its thread and gives the
// thread the lowest scheduling priority (nice 19), so background rating
// takes only the CPU that votes and pages leave. The thread is never
// unpinned: it ends with its goroutine, and no other goroutine runs on it
// at the lowered priority. A failure leaves the priority as it was.
func lowerPriority() {
	runtime.LockOSThread()
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 19)
}
