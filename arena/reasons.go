package arena

import (
	"context"
	"slices"
	"strings"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// ReasonTag is one reason a voter may give for preferring an answer.
type ReasonTag struct {
	Code, Label string
}

// ReasonTags is the fixed list of reasons offered after a decisive vote.
// The codes are stored and released; never rename one.
var ReasonTags = []ReasonTag{
	{"accurate", "Accurate"},
	{"follows_instructions", "Follows instructions"},
	{"clearer", "Clearer"},
	{"more_creative", "More creative"},
	{"safer", "Safer"},
	{"too_verbose", "The other was too verbose"},
	{"refused", "The other refused"},
	{"factually_wrong", "The other was factually wrong"},
}

// ReasonLabel is a reason's label, or its code when unknown.
func ReasonLabel(code string) string {
	for _, t := range ReasonTags {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// validReasons checks tags against ReasonTags and returns them without
// repeats, in the list's order.
func validReasons(tags []string) ([]string, error) {
	var out []string
	for _, rt := range ReasonTags {
		if slices.Contains(tags, rt.Code) {
			out = append(out, rt.Code)
		}
	}
	for _, t := range tags {
		if !slices.ContainsFunc(ReasonTags, func(rt ReasonTag) bool { return rt.Code == t }) {
			codes := make([]string, len(ReasonTags))
			for i, rt := range ReasonTags {
				codes[i] = rt.Code
			}
			return nil, fault.Invalidf("%.40q is not a reason we offer: choose among %s.", t, strings.Join(codes, ", "))
		}
	}
	return out, nil
}

// Decisive reports whether a vote picked a side.
func Decisive(winner string) bool { return winner == models.WinnerA || winner == models.WinnerB }

// SetVoteReasons stores the reason tags the battle's own voter gives for
// their decisive vote, replacing any given before; no tags clears them.
// Another voter's battle is not found, and a battle without a decisive
// vote is refused: a tie has no winner to give reasons for.
func (a *Arena) SetVoteReasons(ctx context.Context, battleID, voterID string, tags []string) error {
	clean, err := validReasons(tags)
	if err != nil {
		return err
	}
	b, v, err := a.Reveal(ctx, battleID, voterID)
	if err != nil {
		return err
	}
	if v == nil || b.Mode == models.ModeNamed {
		return fault.New(fault.Conflict, "Reasons can be given only after a blind vote on this battle.")
	}
	if !Decisive(v.Winner) {
		return fault.New(fault.Invalid, "Reasons are for a vote that prefers one answer; this vote was a tie.")
	}
	return a.store.SetVoteReasons(ctx, battleID, clean)
}

// VoteReasons returns the reason tags stored for a battle's vote.
func (a *Arena) VoteReasons(ctx context.Context, battleID string) ([]string, error) {
	return a.store.VoteReasons(ctx, battleID)
}

// ModelReasons counts the reasons given on the decisive votes in the
// ratings of the contender's battles, split into its wins and losses, in
// the order of ReasonTags.
func (a *Arena) ModelReasons(ctx context.Context, contenderID uint) ([]models.ReasonCount, error) {
	counts, err := a.store.ModelReasonCounts(ctx, contenderID)
	if err != nil {
		return nil, err
	}
	order := func(tag string) int {
		return slices.IndexFunc(ReasonTags, func(rt ReasonTag) bool { return rt.Code == tag })
	}
	slices.SortFunc(counts, func(x, y models.ReasonCount) int { return order(x.Tag) - order(y.Tag) })
	return counts, nil
}
