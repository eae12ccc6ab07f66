package release

import (
	"context"

	"openarena.dev/arena/models"
)

// Filter selects released battles for a page.
type Filter struct {
	// Contender, when not empty, keeps the battles this slug took part in.
	Contender string
	// Limit bounds how many battles are returned; 0 means 20.
	Limit int
	// JudgeKey keys the voter pseudonyms; without it Judge is empty.
	JudgeKey []byte
}

// batch is how many votes are read at a time.
const batch = 500

// publicScan is how many of a model's newest released battles PublicAnswers
// looks at to find the ones it may show: a page shows a handful, and older
// battles say little about the model as it is served now.
const publicScan = 50

// Battles returns the newest battles of the public release (see Export for
// what is left out), for pages that show real answers.
func (s *Service) Battles(ctx context.Context, f Filter) ([]Battle, error) {
	found, err := s.newest(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]Battle, len(found))
	for i, b := range found {
		out[i] = b.Battle
	}
	return out, nil
}

// PublicAnswers returns up to n of the newest released battles of the
// contender slug whose answers may be shown publicly: live battles only
// (see answersPublic for why bank battles never are), looked for among the
// newest released battles of the model.
func (s *Service) PublicAnswers(ctx context.Context, slug string, n int) ([]Battle, error) {
	found, err := s.newest(ctx, Filter{Contender: slug, Limit: max(publicScan, n)})
	if err != nil {
		return nil, err
	}
	var out []Battle
	for _, b := range found {
		if answersPublic(b.mode) && len(out) < n {
			out = append(out, b.Battle)
		}
	}
	return out, nil
}

// modeBattle is a released battle with its battle mode, which the release
// schema does not carry but the public-answers rule needs.
type modeBattle struct {
	Battle
	mode string
}

// newest reads released battles newest first until f.Limit pass the rules.
func (s *Service) newest(ctx context.Context, f Filter) ([]modeBattle, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	// A page wants a handful: read a few more than it asks for (some may
	// be screened out), not a whole export batch of answers.
	q := models.ReleaseQuery{Newest: true, OnlyRated: true, Limit: min(max(4*limit, 20), batch)}
	if f.Contender != "" {
		c, err := s.store.ContenderBySlug(ctx, f.Contender)
		if err != nil {
			return nil, err
		}
		q.ContenderID = c.ID
	}
	screen, err := s.Screen(ctx)
	if err != nil {
		return nil, err
	}
	out := []modeBattle{}
	for {
		rows, err := s.store.ReleaseBatch(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			b, reason, err := releasable(r, screen, f.JudgeKey, false)
			if err != nil {
				return nil, err
			}
			if reason == "" {
				out = append(out, modeBattle{b, r.Mode})
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(rows) < q.Limit {
			return out, nil
		}
		q.Before = rows[len(rows)-1].VoteID
	}
}
