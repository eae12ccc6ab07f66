// Package integritytest makes vote fixtures for the tests of voter
// integrity and of the arena around it.
package integritytest

import (
	"math"
	"math/rand/v2"

	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/rating"
)

// RiggedVotes draws honest voters' votes from Bradley–Terry strengths and
// adds one rigging voter (the last) who votes for the weakest contender
// every time it appears. Every battle of the rigger includes that target,
// as it would for a rigger who skips the others. Read times are human for
// everybody, so only the statistics can tell the rigger apart.
func RiggedVotes(honest, perVoter, rigVotes int) (votes []integrity.RiskVote, nVoters, target int) {
	strengths := []float64{1200, 1100, 1000, 950, 800} // arena scale
	target = len(strengths) - 1
	r := rand.New(rand.NewPCG(7, 11))
	at := 0.0
	bt := func(a, b int) float64 {
		p := 1 / (1 + math.Pow(10, (strengths[b]-strengths[a])/400))
		u := r.Float64()
		switch {
		case u < 0.1:
			return 0.5
		case u < 0.1+0.9*p:
			return 1
		}
		return 0
	}
	for u := range honest {
		for range perVoter {
			a := r.IntN(len(strengths))
			b := (a + 1 + r.IntN(len(strengths)-1)) % len(strengths)
			at += 60
			votes = append(votes, integrity.RiskVote{Voter: u, Address: u, Outcome: rating.Outcome{A: a, B: b, Result: bt(a, b)},
				ReadSeconds: 10 + 20*r.Float64(), At: at, Tested: true})
		}
	}
	for k := range rigVotes {
		rival := r.IntN(target)
		o := rating.Outcome{A: target, B: rival, Result: 1}
		if k%2 == 1 {
			o = rating.Outcome{A: rival, B: target, Result: 0}
		}
		at += 600
		votes = append(votes, integrity.RiskVote{Voter: honest, Address: honest, Outcome: o, ReadSeconds: 10 + 20*r.Float64(), At: at, Tested: true})
	}
	return votes, honest + 1, target
}
