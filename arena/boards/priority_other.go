//go:build !linux

package boards

import "time"

// lowerPriority does nothing where threads have no priority of their own
// that a process may lower; rating then competes evenly (and the
// recomputer spaces its computations out instead, see ratingsLoop).
func lowerPriority(int) bool { return false }

// threadCPU is 0 where a thread's CPU time is not measured here: the
// recomputer then paces itself by wall time alone (see cpuPace).
func threadCPU() time.Duration { return 0 }
