// Package lifecycle names where a contender stands on the board: still
// preliminary, active, retired or suspended. Retired and suspended are
// stored on the contender by an admin; preliminary and active are derived
// from the board, so they can never disagree with it.
package lifecycle

import "openarena.dev/arena/models"

// The four statuses a board row shows, as the API spells them.
const (
	// Preliminary is a model with fewer counted votes than the board's
	// minimum-votes rule (boards.Options.MinVotes, ARENA_MIN_VOTES): its
	// interval is still wide and its place may move a lot. No separate
	// interval-width rule is applied: the minimum-votes rule is the one
	// the board already states.
	Preliminary = "preliminary"
	// Active is a model in play whose rating is past the minimum.
	Active = "active"
	// Retired is a model taken out of play: no new battles in any mode,
	// its last score kept on the board behind the "show retired" toggle.
	Retired = models.ContenderRetired
	// Suspended is a model found to be manipulated (or manipulating): no
	// new battles, and shown as suspended wherever it appears.
	Suspended = models.ContenderSuspended
)

// Of is the status of a contender whose stored status is stored and whose
// board row is preliminary or not. Suspended and retired outrank
// preliminary: they say more about whether to trust the row.
func Of(stored string, preliminary bool) string {
	switch {
	case stored == Suspended || stored == Retired:
		return stored
	case preliminary:
		return Preliminary
	}
	return Active
}

// Hidden reports whether a board hides a row of this status by default:
// retired models are shown only on request.
func Hidden(status string) bool { return status == Retired }
