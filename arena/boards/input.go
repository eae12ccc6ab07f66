package boards

import (
	"sort"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// tallies are a model's wins, ties and losses, shown beside its score.
type tallies struct{ wins, ties, losses int }

// ratingsInput is the counted votes translated for the rating package:
// contenders become indices into names (the slice of all contenders), so
// contenders[i] and names[i] are the same model.
type ratingsInput struct {
	contenders []models.Contender
	names      []string
	outcomes   []rating.Outcome
	style      []rating.StyleCounts
	tallies    []tallies
	// mark identifies the counted votes read, rated or not, so that it
	// compares equal with the store's VoteMark when nothing changed.
	mark models.VoteMark
}

// ratingInput turns counted battles into outcomes with both answers' style
// counts, skipping votes on contenders that no longer exist. With idx not
// nil only the battles at those indices are taken (one category's).
func ratingInput(cs []models.Contender, battles []models.CountedBattle, idx []int) ratingsInput {
	in := ratingsInput{contenders: cs, names: make([]string, len(cs)), tallies: make([]tallies, len(cs))}
	index := make(map[uint]int, len(cs))
	for i, c := range cs {
		index[c.ID], in.names[i] = i, c.Slug
	}
	n := len(battles)
	if idx != nil {
		n = len(idx)
	}
	in.outcomes = make([]rating.Outcome, 0, n)
	in.style = make([]rating.StyleCounts, 0, n)
	in.mark.Count = n
	for k := range n {
		b := &battles[k]
		if idx != nil {
			b = &battles[idx[k]]
		}
		in.mark.LastID = max(in.mark.LastID, b.VoteID)
		ia, okA := index[b.ContenderAID]
		ib, okB := index[b.ContenderBID]
		if !okA || !okB || ia == ib {
			continue
		}
		res := outcomeValue(b.Winner)
		in.outcomes = append(in.outcomes, rating.Outcome{A: ia, B: ib, Result: res})
		in.style = append(in.style, rating.StyleCounts{A: styleVector(b.StyleA), B: styleVector(b.StyleB)})
		in.tallies[ia].add(res)
		in.tallies[ib].add(1 - res)
	}
	return in
}

// styleVector orders counts as rating.StyleFeatureNames does. An answer
// still unmeasured (measuring runs just before, so only one stored in the
// meantime) counts as empty rather than negative.
func styleVector(c models.StyleCounts) [rating.NumStyleFeatures]float64 {
	return [rating.NumStyleFeatures]float64{
		float64(max(c.Tokens, 0)), float64(c.Headers), float64(c.Lists), float64(c.Bold),
	}
}

func (t *tallies) add(res float64) {
	switch res {
	case 1:
		t.wins++
	case 0:
		t.losses++
	default:
		t.ties++
	}
}

// pairRecords tallies the outcomes of every pair of models that met, in a
// stable order (by A's slug, then B's).
func pairRecords(names []string, outcomes []rating.Outcome) []RatedPair {
	type key struct{ a, b int }
	cells := map[key]*RatedPair{}
	for _, o := range outcomes {
		a, b, res := o.A, o.B, o.Result
		if names[a] > names[b] {
			a, b, res = b, a, 1-res
		}
		p := cells[key{a, b}]
		if p == nil {
			p = &RatedPair{A: names[a], B: names[b]}
			cells[key{a, b}] = p
		}
		switch res {
		case 1:
			p.AWins++
		case 0:
			p.BWins++
		default:
			p.Ties++
		}
	}
	out := make([]RatedPair, 0, len(cells))
	for _, p := range cells {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}
