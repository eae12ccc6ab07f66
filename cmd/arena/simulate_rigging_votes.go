package main

import (
	"math"
	"math/rand/v2"
	"sort"

	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/rating"
)

// riggingVote is a simulated vote and what cast it: rigged is 0 for an
// honest vote, 1 for a rigger's vote for the target, 2 for a camouflaged
// rigger's cover vote.
type riggingVote struct {
	integrity.RiskVote
	rigged int
}

// riggingWorld is one seed of the rigging experiment: its random source
// and the models' true strengths. Every draw goes through r in a fixed
// order, so a seed always gives the same votes.
type riggingWorld struct {
	cfg       riggingConfig
	r         *rand.Rand
	strengths []float64 // on the arena scale, best first
	span      float64   // seconds the votes spread over
}

// newRiggingWorld draws the true strengths of seed's models.
func newRiggingWorld(cfg riggingConfig, seed uint64) *riggingWorld {
	r := rand.New(rand.NewPCG(seed, 0xc0ffee))
	strengths := make([]float64, cfg.Models)
	for i := range strengths {
		strengths[i] = 1000 + 100*r.NormFloat64()
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(strengths)))
	return &riggingWorld{cfg: cfg, r: r, strengths: strengths, span: cfg.Days * 86400}
}

// outcome draws an honest vote's result between a and b: a tie at the tie
// rate, else Bradley–Terry on the true strengths.
func (w *riggingWorld) outcome(a, b int) float64 {
	if w.r.Float64() < w.cfg.TieRate {
		return 0.5
	}
	if w.r.Float64() < 1/(1+math.Pow(10, (w.strengths[b]-w.strengths[a])/400)) {
		return 1
	}
	return 0
}

// read draws a reading time around median seconds.
func (w *riggingWorld) read(median float64) float64 {
	return median * math.Exp(0.8*w.r.NormFloat64())
}

// honestVotes draws the honest voters' votes on uniform pairs, with room
// for budget more.
func (w *riggingWorld) honestVotes(budget int) []riggingVote {
	cfg, r := w.cfg, w.r
	sv := make([]riggingVote, 0, cfg.HonestVotes+budget)
	for range cfg.HonestVotes {
		u := r.IntN(cfg.HonestVoters)
		a := r.IntN(cfg.Models)
		b := (a + 1 + r.IntN(cfg.Models-1)) % cfg.Models
		sv = append(sv, riggingVote{RiskVote: integrity.RiskVote{Voter: u, Address: u, Outcome: rating.Outcome{A: a, B: b, Result: w.outcome(a, b)},
			ReadSeconds: w.read(honestReadMedian), At: w.span * r.Float64(), Tested: true}})
	}
	return sv
}

// riggerVotes appends the riggers' budget of votes for the target: each
// rigger casts VotesPerRigger of them on the battles it is served, and
// under the camouflaged strategy votes honestly on the others.
func (w *riggingWorld) riggerVotes(sv []riggingVote, strategy string, budget, target int) []riggingVote {
	cfg, r := w.cfg, w.r
	riggerRead := cfg.RiggerRead
	if riggerRead == 0 {
		riggerRead = honestReadMedian
	}
	for k := 0; k < budget; {
		u := cfg.HonestVoters + k/cfg.VotesPerRigger
		// Battles are served with uniform pairs on random sides.
		a := r.IntN(cfg.Models)
		b := (a + 1 + r.IntN(cfg.Models-1)) % cfg.Models
		var o rating.Outcome
		kind := 1
		switch {
		case a == target:
			o, k = rating.Outcome{A: a, B: b, Result: 1}, k+1
		case b == target:
			o, k = rating.Outcome{A: a, B: b, Result: 0}, k+1
		case strategy == strategySelective:
			continue
		default:
			o, kind = rating.Outcome{A: a, B: b, Result: w.outcome(a, b)}, 2
		}
		sv = append(sv, riggingVote{RiskVote: integrity.RiskVote{Voter: u, Address: u, Outcome: o, ReadSeconds: w.read(riggerRead),
			At: w.span * r.Float64(), Tested: true}, rigged: kind})
	}
	return sv
}

// tally counts what the detector excluded (excluded[i] for sv[i]) into
// run, and returns the outcomes of the honest votes, of all votes, and of
// the votes left after exclusion.
func (run *riggingRun) tally(sv []riggingVote, excluded []bool, nVoters int) (honest, all, cleaned []rating.Outcome) {
	excludedBy := make([]int, nVoters)
	castBy := make([]int, nVoters)
	for i, v := range sv {
		kind := v.rigged
		all = append(all, v.Outcome)
		if kind == 0 {
			honest = append(honest, v.Outcome)
		}
		if kind == 1 {
			castBy[v.Voter]++
		}
		if kind == 2 {
			run.CoverVotes++
		}
		if excluded[i] {
			switch kind {
			case 0:
				excludedBy[v.Voter]++
				run.HonestVotesExclude++
			case 1:
				excludedBy[v.Voter]++
				run.RigVotesExcluded++
			case 2:
				run.CoverExcluded++
			}
			continue
		}
		cleaned = append(cleaned, v.Outcome)
	}
	for u := range nVoters {
		switch {
		case u < run.HonestVoters && excludedBy[u] > 0:
			run.HonestFlagged++
		case u >= run.HonestVoters && 2*excludedBy[u] >= castBy[u]:
			run.RiggersCaught++
		}
	}
	return honest, all, cleaned
}
