package arena

import (
	"context"
	"sync"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// The rule that stops the live sampler from favouring a contender whose
// battles it cannot use: when at least DemoteWindow of its newest finished
// live battles are known and more than DemoteShare of them were void (a
// side failed) or leaked (an answer named its model, so the vote is not
// counted), its sampling weight is multiplied by DemoteFactor and the
// informative policy stops seeking it out (see dropBoost) until that
// clears. The informative policy otherwise keeps seeking such a model
// out: its votes never count, so it stays unrated, which looks like the
// most worth measuring.
const (
	DemoteWindow = 20
	DemoteShare  = 0.5
	DemoteFactor = 0.1
)

// demoteTTL is how long the uncounted shares are reused by the sampler, so
// a live battle costs no query per contender.
const demoteTTL = 15 * time.Second

// Uncounted is how a contender's newest finished live battles went.
type Uncounted struct {
	// Battles is how many of the newest DemoteWindow are known; Void and
	// Leaked how many of them failed or named a model.
	Battles, Void, Leaked int
	// Demoted is set when the rule applies (see DemoteWindow).
	Demoted bool
}

// Share is the share of Battles that did not count.
func (u Uncounted) Share() float64 {
	if u.Battles == 0 {
		return 0
	}
	return float64(u.Void+u.Leaked) / float64(u.Battles)
}

// uncountedOf applies the rule to a contender's recent outcomes.
func uncountedOf(outs []models.BattleOutcome) Uncounted {
	var u Uncounted
	for _, o := range outs {
		u.Battles++
		switch {
		case o.State == models.StateVoid:
			u.Void++
		case o.Leak != "":
			u.Leaked++
		}
	}
	u.Demoted = u.Battles >= DemoteWindow && u.Share() > DemoteShare
	return u
}

// demoteCache keeps the uncounted figures of recently sampled contenders.
type demoteCache struct {
	mu sync.Mutex
	at map[uint]time.Time
	u  map[uint]Uncounted
}

// Uncounted returns how contender id's newest finished live battles went,
// read at most once per demoteTTL.
func (a *Arena) Uncounted(ctx context.Context, id uint) (Uncounted, error) {
	now := a.now()
	a.demote.mu.Lock()
	if t, ok := a.demote.at[id]; ok && now.Sub(t) < demoteTTL {
		u := a.demote.u[id]
		a.demote.mu.Unlock()
		return u, nil
	}
	a.demote.mu.Unlock()
	outs, err := a.store.RecentLiveOutcomes(ctx, id, DemoteWindow)
	if err != nil {
		return Uncounted{}, err
	}
	u := uncountedOf(outs)
	a.demote.mu.Lock()
	defer a.demote.mu.Unlock()
	if a.demote.at == nil {
		a.demote.at, a.demote.u = map[uint]time.Time{}, map[uint]Uncounted{}
	}
	a.demote.at[id], a.demote.u[id] = now, u
	return u, nil
}

// dropBoost takes away the informative policy's preference for demoted
// contenders: their pairs keep only the exploration share (drawn as the
// uniform policy would, with the weight already turned down). Turning the
// weight down alone is not enough: a model whose votes never count stays
// unrated, every pair with it looks all to learn, and against settled
// pairs a tenth of that still wins most draws.
func (a *Arena) dropBoost(ctx context.Context, w [][]float64, st rating.Standing, cs []models.Contender) {
	p := a.SamplingPolicy()
	if p.Name != rating.PolicyInformative {
		return
	}
	var uniform [][]float64
	for i, c := range cs {
		if u, err := a.Uncounted(ctx, c.ID); err != nil || !u.Demoted {
			continue
		}
		if uniform == nil {
			uniform = rating.UniformPolicy{}.PairWeights(st)
		}
		for j := range cs {
			if j != i {
				w[i][j] = p.Explore * uniform[i][j]
				w[j][i] = w[i][j]
			}
		}
	}
}

// samplingWeight is c's weight as the live sampler uses it: its configured
// weight, multiplied down while its battles keep not counting. If the
// figures cannot be read the configured weight stands.
func (a *Arena) samplingWeight(ctx context.Context, c models.Contender) float64 {
	if u, err := a.Uncounted(ctx, c.ID); err == nil && u.Demoted {
		return c.Weight * DemoteFactor
	}
	return c.Weight
}
