package boards

import (
	"openarena.dev/arena/rating"
)

// maxRobustnessModels bounds the category boards whose robustness figure
// is computed: the greedy search refits the board many times (about three
// seconds for 300 models on one core), which the overall board can afford
// once per recomputation but dozens of large category boards cannot.
const maxRobustnessModels = 40

// Settings returns the settings b was computed with.
func (b *RatedBoard) Settings() Settings {
	return Settings{
		Method: b.Method, CI: b.CI, Level: b.Level, Rounds: b.Rounds, Seed: b.Seed, MinVotes: b.MinVotes,
		Style: b.StyleControl, Reweighting: b.Reweighted, ReweightFloor: b.ReweightFloor,
		Category: b.Category, EngineVersion: b.EngineVersion,
	}
}

// tieGroups names the groups of statistical ties of a computed board, by
// plain score and, when style control ran, with style held equal.
func tieGroups(board *rating.Board) (plain, styled [][]string) {
	n := len(board.Models)
	scores, ci := make([]float64, n), make([]rating.Interval, n)
	for i, m := range board.Models {
		scores[i], ci[i] = m.Score, m.CI
	}
	plain = slugGroups(board, rating.TieGroups(scores, ci))
	for i, m := range board.Models {
		if m.Style == nil {
			return plain, nil
		}
		scores[i], ci[i] = m.Style.Score, m.Style.CI
	}
	return plain, slugGroups(board, rating.TieGroups(scores, ci))
}

func slugGroups(board *rating.Board, groups [][]int) [][]string {
	out := make([][]string, len(groups))
	for g, members := range groups {
		for _, i := range members {
			out[g] = append(out[g], board.Models[i].Model)
		}
	}
	return out
}

// topRobustness finds how many flipped votes would change the board's #1
// (plain score, unweighted, as rating.TopRobustness defines it), exactly
// when the board is small enough for rating to prove it and greedily
// otherwise.
func topRobustness(in ratingsInput, board *rating.Board) (*Robustness, error) {
	local := make(map[int]int, len(board.Models))
	for i, m := range board.Models {
		local[m.Index] = i
	}
	outcomes := make([]rating.Outcome, len(in.outcomes))
	for i, o := range in.outcomes {
		outcomes[i] = rating.Outcome{A: local[o.A], B: local[o.B], Result: o.Result}
	}
	r, err := rating.TopRobustness(len(board.Models), rating.Cells(outcomes), rating.DefaultBT, rating.RobustnessOptions{})
	if err != nil {
		return nil, err
	}
	return &Robustness{Leader: board.Models[r.Leader].Model, FlipsToChangeTop: r.FlipsToChangeTop, Method: r.Method}, nil
}
