package arena

import (
	"cmp"
	"context"
	"fmt"
	"strconv"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
)

// ChangelogLimit is how many entries the public changelog shows.
const ChangelogLimit = 500

// Changelog returns the public changelog, newest first.
func (a *Arena) Changelog(ctx context.Context) ([]models.ChangelogEntry, error) {
	return a.store.Changelog(ctx, ChangelogLimit)
}

// logChange appends one dated entry to the public changelog.
func (a *Arena) logChange(ctx context.Context, kind, subject, value, text string) error {
	return a.store.AddChangelog(ctx, &models.ChangelogEntry{At: a.now(), Kind: kind, Subject: subject, Value: value, Text: text})
}

// MethodSetting is one setting of the board's method as the changelog
// records it: a stable name, its effective value and a sentence saying
// what it means.
type MethodSetting struct {
	Name, Value, Meaning string
}

// MethodSettings are the method settings the changelog follows, with the
// values this process uses: the minimum-votes rule, the bootstrap rounds
// and the live sampling policy. extra adds settings owned elsewhere (pair
// reweighting, for one), recorded the same way.
func (a *Arena) MethodSettings(extra ...MethodSetting) []MethodSetting {
	minVotes := cmp.Or(a.opt.Ratings.MinVotes, boards.DefaultOptions.MinVotes)
	rounds := a.opt.Ratings.Rounds
	if rounds <= 0 {
		rounds = boards.DefaultOptions.Rounds
	}
	policy := a.SamplingPolicy()
	out := []MethodSetting{
		{"min_votes", strconv.Itoa(max(minVotes, 0)), "votes a model needs before its rating stops being preliminary"},
		{"bootstrap_rounds", strconv.Itoa(rounds), "bootstrap rounds behind each 95% interval"},
		{"sampling_policy", policy.Name, "how the live sampler picks pairs"},
		{"sampling_explore", strconv.FormatFloat(policy.Explore, 'g', -1, 64), "share of live battles drawn uniformly"},
	}
	return append(out, extra...)
}

// RecordSettings writes a changelog entry for each setting whose value
// differs from the last one recorded (or was never recorded), so that a
// restart with a new rule shows on the changelog with its date. It returns
// how many entries it wrote.
func (a *Arena) RecordSettings(ctx context.Context, settings []MethodSetting) (int, error) {
	n := 0
	for _, s := range settings {
		last, ok, err := a.store.LastChangelogValue(ctx, models.ChangeSetting, s.Name)
		if err != nil {
			return n, err
		}
		if ok && last == s.Value {
			continue
		}
		text := fmt.Sprintf("%s set to %s (%s).", s.Name, s.Value, s.Meaning)
		if ok {
			text = fmt.Sprintf("%s changed from %s to %s (%s).", s.Name, last, s.Value, s.Meaning)
		}
		if err := a.logChange(ctx, models.ChangeSetting, s.Name, s.Value, text); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
