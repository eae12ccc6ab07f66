package integrity

import (
	"fmt"
	"slices"
	"strings"

	"openarena.dev/arena/rating"
)

// Signal weights; see Options.
const (
	weightFast      = 0.3
	weightBurst     = 0.3
	weightShared    = 0.3
	weightOneSided  = 0.3
	weightAnomalous = 0.7
	weightUnusual   = 0.4
	weightSelective = 0.4
	weightFavours   = 0.4
)

// Signal names as they appear in a risk exclusion's reason.
const (
	SignalFast      = "too fast"
	SignalBurst     = "too many votes"
	SignalShared    = "shared address"
	SignalOneSided  = "one-sided"
	SignalAnomalous = "unlike other voters"
	SignalUnusual   = "somewhat unlike other voters"
	SignalSelective = "votes mostly when one model appears"
	SignalFavours   = "favours one model beyond chance"
)

// Risk is one vote's score and the signals behind it.
type Risk struct {
	Score   float64
	Signals []string
}

// add records a signal.
func (r *Risk) add(signal string, weight float64) {
	r.Score += weight
	r.Signals = append(r.Signals, signal)
}

// Reason is the exclusion reason for a risky vote, e.g. "risk: too fast, one-sided".
func (r Risk) Reason() string {
	return "risk: " + strings.Join(r.Signals, ", ")
}

// RiskVote is one vote as the risk scoring sees it: indices instead of ids,
// seconds instead of clock times, so the simulator can score votes that
// never touch a database.
type RiskVote struct {
	Voter int
	// Address indexes the keyed address; −1 when unknown.
	Address int
	rating.Outcome
	ReadSeconds float64
	// At is when the vote was cast, in seconds from any fixed origin.
	At float64
	// Tested puts the vote in the per-voter test and the one-sided check
	// (votes counted when cast); the other signals apply to every vote.
	Tested bool
}

// RiskReport is the outcome of scoring a set of votes.
type RiskReport struct {
	// Votes are the scores in input order.
	Votes []Risk
	// Tests are the per-voter test results by voter index.
	Tests []rating.VoterTest
	// Flagged is true for voters whose test fails after correction;
	// Unusual for those whose test fails only without it.
	Flagged, Unusual []bool
	// Tested is how many voters had enough votes to be tested; the test
	// level per voter is Alpha / Tested.
	Tested int
}

// ScoreVotes scores every vote of nVoters voters. Votes must be in the
// order cast (At not decreasing).
func ScoreVotes(votes []RiskVote, nVoters int, o Options) RiskReport {
	o = o.withDefaults()
	n := len(votes)
	var addr, a, b intPacker
	var read floatPacker
	in := &scoreInput{voter: make([]int32, n), state: make([]uint8, n), voters: nVoters, at: func(i int32) float64 { return votes[i].At }}
	order := make([]int32, n)
	for i, v := range votes {
		in.voter[i], in.state[i], order[i] = int32(v.Voter), outcomeState(v.Result), int32(i)
		addr.add(int64(max(v.Address, -1)))
		a.add(int64(v.A))
		b.add(int64(v.B))
		read.add(v.ReadSeconds)
		if v.Tested {
			in.state[i] |= stateCounted
		}
	}
	packed := [...]packedInts{addr.done(), a.done(), b.done()}
	readTimes := read.done()
	in.addr, in.a, in.b, in.read = &packed[0], &packed[1], &packed[2], &readTimes
	rep := RiskReport{Votes: make([]Risk, n), Tests: make([]rating.VoterTest, nVoters),
		Flagged: make([]bool, nVoters), Unusual: make([]bool, nVoters)}
	sc := scoreVotes(in, order, o, func(u int, v *voterVerdict) {
		rep.Tests[u] = v.test
		rep.Tests[u].VoteP = slices.Clone(v.test.VoteP)
		rep.Flagged[u], rep.Unusual[u] = v.flagged, v.unusual
	})
	rep.Tested = sc.tested
	for i, bits := range sc.bits {
		rep.Votes[i] = riskOf(bits)
	}
	return rep
}

// VoteTimeRisk scores a vote being cast from what is cheap to know then:
// its read time, the voter's votes in the burst window before it, and the
// voter ids seen on its address in the address window (this voter
// included). It is the first three signals of ScoreVotes.
func VoteTimeRisk(readSeconds float64, recentVotes, addressVoters int, o Options) Risk {
	o = o.withDefaults()
	var r Risk
	if readSeconds < o.FastRead.Seconds() {
		r.add(SignalFast, weightFast)
	}
	if recentVotes+1 > o.BurstVotes {
		r.add(SignalBurst, weightBurst)
	}
	if addressVoters > o.AddressVoters {
		r.add(SignalShared, weightShared)
	}
	return r
}

// decisive returns the winner and loser of a vote that is not a tie.
func decisive(o rating.Outcome) (winner, loser int, ok bool) {
	switch {
	case o.Result > 0.5:
		return o.A, o.B, true
	case o.Result < 0.5:
		return o.B, o.A, true
	}
	return 0, 0, false
}

// String describes a risk for logs and pages.
func (r Risk) String() string {
	if len(r.Signals) == 0 {
		return "no risk signals"
	}
	return fmt.Sprintf("%.2f (%s)", r.Score, strings.Join(r.Signals, ", "))
}
