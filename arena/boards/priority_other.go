//go:build !linux

package boards

// lowerPriority does nothing where threads have no priority of their own
// that a process may lower; rating then competes evenly (and the
// recomputer spaces its computations out instead, see ratingsLoop).
func lowerPriority(int) bool { return false }
