package release

import (
	"fmt"

	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// Outcomes gathers released battles into the rating engine's input: how the
// ratings command reads a release file and how the transparency page rates
// the releasable battles. The style counts of each side are measured from
// its answers with the server's measure (arena/style), summed over the turns
// of a conversation as the server sums them, so style control sees the same
// numbers.
type Outcomes struct {
	Set   rating.BattleSet
	index map[string]int
}

// Add appends one released battle, or says why it cannot be rated.
func (o *Outcomes) Add(b Battle) error {
	res, ok := result(b.Winner)
	if !ok || b.ModelA == "" || b.ModelB == "" || b.ModelA == b.ModelB {
		return fmt.Errorf("battle %s: want two different models and a winner of model_a, model_b, tie or tie (bothbad)", b.QuestionID)
	}
	o.Set.Outcomes = append(o.Set.Outcomes, rating.Outcome{A: o.id(b.ModelA), B: o.id(b.ModelB), Result: res})
	o.Set.Style = append(o.Set.Style, rating.StyleCounts{A: measured(b.ConversationA), B: measured(b.ConversationB)})
	return nil
}

func (o *Outcomes) id(slug string) int {
	if o.index == nil {
		o.index = map[string]int{}
	}
	i, ok := o.index[slug]
	if !ok {
		i = len(o.Set.Models)
		o.index[slug] = i
		o.Set.Models = append(o.Set.Models, slug)
	}
	return i
}

// result maps a release's winner to an outcome.
func result(winner string) (float64, bool) {
	switch winner {
	case models.WinnerA:
		return 1, true
	case models.WinnerB:
		return 0, true
	case models.WinnerTie, models.WinnerBothBad:
		return 0.5, true
	}
	return 0, false
}

// measured sums the style counts of a conversation's assistant turns.
func measured(conv []Message) [rating.NumStyleFeatures]float64 {
	var out [rating.NumStyleFeatures]float64
	for _, m := range conv {
		if m.Role != "assistant" {
			continue
		}
		c := style.Measure(m.Content)
		out[0] += float64(c.Tokens)
		out[1] += float64(c.Headers)
		out[2] += float64(c.Lists)
		out[3] += float64(c.Bold)
	}
	return out
}
