package rating

import "slices"

// StyleCounts are the per-answer style totals of one battle, for A and B:
// response tokens, Markdown headers, list items and bold spans.
type StyleCounts struct {
	A, B [NumStyleFeatures]float64
}

// NumStyleFeatures is the number of style features: length, header, list, bold.
const NumStyleFeatures = 4

// StyleFeatureNames names the style features in the order StyleCounts holds them.
var StyleFeatureNames = [NumStyleFeatures]string{"length", "header", "list", "bold"}

// BattleSet is a list of battles between named models, in chronological
// order, as read from a battles file or built by Simulate.
type BattleSet struct {
	Models   []string
	Outcomes []Outcome
	// Style is nil when the battles carry no style columns; otherwise it
	// has one entry per outcome.
	Style []StyleCounts
}

// SortModels renumbers the models in name order. The bootstrap resamples
// cells in model order, so two computations draw the same resamples from
// the same seed only when they number the models alike; the server numbers
// them by slug, and a board recomputed from a release must too.
func (s *BattleSet) SortModels() {
	order := slices.Clone(s.Models)
	slices.Sort(order)
	pos := make(map[string]int, len(order))
	for i, m := range order {
		pos[m] = i
	}
	for i, o := range s.Outcomes {
		s.Outcomes[i].A, s.Outcomes[i].B = pos[s.Models[o.A]], pos[s.Models[o.B]]
	}
	s.Models = order
}
