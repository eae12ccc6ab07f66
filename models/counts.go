package models

// What counts in the ratings, in Go and in SQL side by side: change both or
// neither (TestInRatingsAgreesWithSQL checks they agree on every state).
//
// A vote is in the ratings when it was counted when cast (a battle whose
// answers revealed a model, or a named-mode vote, is stored uncounted) and
// nothing has excluded it since. Exclusions are kept apart from Counted so
// that lifting one restores the vote exactly; their reasons are
// ExcludedBlocked, ExcludedRiskPrefix and ExcludedAdminPrefix (voter
// integrity), ExcludedPromptRejected and ExcludedPromptFlagged
// (moderation) and ExcludedDemo (votes on the demo bots' battles once the
// demo is off). The partial index idx_votes_rated_id (migration 4) repeats
// the condition so the planner can use it for the board's scans.

// CountedSQL is the condition on a vote aliased v that puts it in the
// ratings: counted when cast and not excluded since.
const CountedSQL = "v.counted = true AND v.excluded = ''"

// InRatings is CountedSQL in Go: whether a vote with these states is in the
// ratings.
func InRatings(counted bool, excluded string) bool { return counted && excluded == "" }

// InRatings reports whether the vote is in the ratings.
func (v *Vote) InRatings() bool { return InRatings(v.Counted, v.Excluded) }

// InRatings reports whether the vote is in the ratings.
func (v *IntegrityVote) InRatings() bool { return InRatings(v.Counted, v.Excluded) }
