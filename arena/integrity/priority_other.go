//go:build !linux

package integrity

// lowerPriority does nothing where threads have no priority of their own
// that a process may lower; a report then competes evenly.
func lowerPriority(int) {}
