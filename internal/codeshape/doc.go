// Package codeshape holds no code of its own: its tests check the shape of
// the whole source tree (how long functions may grow), so that a rule the
// reviewers would otherwise enforce by eye is kept by the suite.
package codeshape
