package arena

import (
	"context"
	"math/rand/v2"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// samplingPolicy is the live sampler's pair policy: LiveOptions.Sampling,
// or the informative policy when none is set, because spending votes where
// the order is still open is what recovers the board with fewer of them
// (docs/BENCHMARKS.md).
func (a *Arena) samplingPolicy() rating.PairPolicy {
	if a.live.Sampling != nil {
		return a.live.Sampling
	}
	return rating.InformativePolicy{}
}

// samplePolicyPair draws two different contenders of cs with the sampling
// policy. ok is false when no pair has a positive weight.
func (a *Arena) samplePolicyPair(ctx context.Context, cs []models.Contender) (i, j int, ok bool) {
	policy := a.samplingPolicy()
	st := a.liveStanding(ctx, cs, policy)
	w := policy.PairWeights(st)
	a.dropBoost(ctx, w, st, cs)
	return rating.SamplePair(w, rand.New(runtimeSource{}))
}

// liveStanding is what the policy knows about cs: their sampling weights
// (demoted while their battles keep not counting, see DemoteWindow) and, for a policy that looks at ratings, each one's score and interval
// on the newest published board. A contender missing from the board (no
// counted vote yet) stays unrated, which the informative policy treats as
// the most worth measuring. The board is served from memory and re-read at
// most once per boards.Options.BoardCheck, so this costs no query per
// battle. If it cannot be read the battle still starts: every contender
// then counts as unrated, which draws pairs as the uniform policy does.
func (a *Arena) liveStanding(ctx context.Context, cs []models.Contender, policy rating.PairPolicy) rating.Standing {
	st := rating.Standing{Models: make([]rating.ModelStanding, len(cs))}
	for k, c := range cs {
		st.Models[k].Weight = a.samplingWeight(ctx, c)
	}
	if _, uniform := policy.(rating.UniformPolicy); uniform {
		return st
	}
	board, err := a.boards.RatedLeaderboard(ctx)
	if err != nil || board == nil {
		return st
	}
	st.Level = board.Level
	rows := make(map[uint]boards.RatedRow, len(board.Models))
	for _, r := range board.Models {
		rows[r.ContenderID] = r
	}
	for k, c := range cs {
		if r, ok := rows[c.ID]; ok {
			st.Models[k].Rated, st.Models[k].Score = true, r.Score
			st.Models[k].CI = rating.Interval{Lower: r.CILower, Median: r.Score, Upper: r.CIUpper}
		}
	}
	return st
}

// runtimeSource is math/rand/v2's runtime generator as a Source, so that
// rating.SamplePair draws from it; it is safe for concurrent use.
type runtimeSource struct{}

func (runtimeSource) Uint64() uint64 { return rand.Uint64() }
