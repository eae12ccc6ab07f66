//go:build !linux

package boards

// lowerPriority does nothing where threads have no priority of their own
// that a process may lower; background rating then competes evenly.
func lowerPriority() {}
