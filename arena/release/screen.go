package release

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"openarena.dev/arena/arena/filter"
)

// Screen decides whether a text may be published: a non-empty reason
// leaves its battle out. An error means the text could not be checked, and
// a release must then fail rather than publish it.
type Screen func(text string) (reason string, err error)

// Screen is the release's filter: personal data (see filter.PersonalData)
// and the live prompt filter's block and flag lists, as configured and as
// the admin edited them, applied to prompts and answers alike. It fails
// when the stored lists cannot be read: a release must not go out with
// half its filter.
func (s *Service) Screen(ctx context.Context) (Screen, error) {
	rules, err := s.rules(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the prompt filter's lists: %w", err)
	}
	return func(text string) (string, error) {
		if found, ok := filter.PersonalData(text); ok {
			return "personal data: " + found, nil
		}
		low := strings.ToLower(text)
		switch {
		case anyWord(low, rules.Blocked):
			return "blocked word", nil
		case anyPattern(text, rules.Patterns):
			return "blocked pattern", nil
		case anyWord(low, rules.FlagWords), anyPattern(text, rules.FlagPatterns):
			// Flagged text waits for a person; a release does not.
			return "flagged word or pattern", nil
		}
		return "", nil
	}, nil
}

// anyWord tells whether the lower-cased text low holds one of ws on word
// boundaries, as the live filter matches them.
func anyWord(low string, ws []string) bool {
	for _, w := range ws {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && filter.ContainsWord(low, w) {
			return true
		}
	}
	return false
}

// anyPattern tells whether text matches one of ps.
func anyPattern(text string, ps []*regexp.Regexp) bool {
	for _, p := range ps {
		if p.MatchString(text) {
			return true
		}
	}
	return false
}

// screenError says that nothing was published because a text could not
// be checked.
func screenError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("personal-data filter failed, nothing was released: %w", err)
}
