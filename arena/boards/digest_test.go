package boards

import (
	"slices"
	"testing"

	"openarena.dev/arena/rating"
)

// TestInputsDigest checks that the digest follows the votes and the
// settings, not the order the votes were read in.
func TestInputsDigest(t *testing.T) {
	names := []string{"alpha", "beta", "gamma"}
	outcomes := []rating.Outcome{{A: 0, B: 1, Result: 1}, {A: 1, B: 2, Result: 0.5}, {A: 2, B: 0, Result: 0}, {A: 0, B: 2, Result: 1}}
	style := make([]rating.StyleCounts, len(outcomes))
	for i := range style {
		style[i] = rating.StyleCounts{A: [rating.NumStyleFeatures]float64{float64(10 * i), 1, 0, 2}, B: [rating.NumStyleFeatures]float64{5, 0, 3, 0}}
	}
	st := Settings{Method: MethodBradleyTerry, CI: "bootstrap", Level: 0.95, Rounds: 100, Category: "overall", Style: true, EngineVersion: rating.EngineVersion}
	base := InputsDigest(names, outcomes, style, st)
	if len(base) != 64 {
		t.Fatalf("digest %q is not a hex SHA-256", base)
	}
	reversed, revStyle := slices.Clone(outcomes), slices.Clone(style)
	slices.Reverse(reversed)
	slices.Reverse(revStyle)
	if got := InputsDigest(names, reversed, revStyle, st); got != base {
		t.Errorf("reordering the votes changed the digest: %s, want %s", got, base)
	}
	changed := func(mod func(o []rating.Outcome, s []rating.StyleCounts, st *Settings)) string {
		o, s, c := slices.Clone(outcomes), slices.Clone(style), st
		mod(o, s, &c)
		return InputsDigest(names, o, s, c)
	}
	for name, mod := range map[string]func([]rating.Outcome, []rating.StyleCounts, *Settings){
		"one vote flipped":    func(o []rating.Outcome, _ []rating.StyleCounts, _ *Settings) { o[1].Result = 1 },
		"one vote's seats":    func(o []rating.Outcome, _ []rating.StyleCounts, _ *Settings) { o[0].A, o[0].B, o[0].Result = 1, 0, 0 },
		"one answer's length": func(_ []rating.Outcome, s []rating.StyleCounts, _ *Settings) { s[2].B[0]++ },
		"the seed":            func(_ []rating.Outcome, _ []rating.StyleCounts, c *Settings) { c.Seed = 1 },
		"reweighting": func(_ []rating.Outcome, _ []rating.StyleCounts, c *Settings) {
			c.Reweighting, c.ReweightFloor = true, 50
		},
		"the engine version":   func(_ []rating.Outcome, _ []rating.StyleCounts, c *Settings) { c.EngineVersion += "+" },
		"the minimum of votes": func(_ []rating.Outcome, _ []rating.StyleCounts, c *Settings) { c.MinVotes = 10 },
	} {
		if changed(mod) == base {
			t.Errorf("changing %s left the digest as it was", name)
		}
	}
	noStyle := st
	noStyle.Style = false
	a := InputsDigest(names, outcomes, style, noStyle)
	style[0].A[0]++
	if b := InputsDigest(names, outcomes, style, noStyle); a != b {
		t.Errorf("without style control the answers' style changed the digest")
	}
}
