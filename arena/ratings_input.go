package arena

import (
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// tallies are a model's wins, ties and losses, shown beside its score.
type tallies struct{ wins, ties, losses int }

// ratingsInput is the counted votes translated for the rating package:
// contenders become indices into names (the slice of all contenders), so
// cs[i] and names[i] are the same model.
type ratingsInput struct {
	names    []string
	outcomes []rating.Outcome
	style    []rating.StyleCounts
	tallies  []tallies
	// mark identifies the counted votes read, rated or not, so that it
	// compares equal with the store's VoteMark when nothing changed.
	mark models.VoteMark
}

// ratingInput turns counted battles into outcomes with both answers' style
// counts, skipping votes on contenders that no longer exist.
func ratingInput(cs []models.Contender, battles []models.CountedBattle) ratingsInput {
	in := ratingsInput{names: make([]string, len(cs)), tallies: make([]tallies, len(cs))}
	index := make(map[uint]int, len(cs))
	for i, c := range cs {
		index[c.ID], in.names[i] = i, c.Slug
	}
	in.outcomes = make([]rating.Outcome, 0, len(battles))
	in.style = make([]rating.StyleCounts, 0, len(battles))
	in.mark.Count = len(battles)
	for _, b := range battles {
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
