package integrity

import (
	"fmt"
	"math"
	"sort"
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
	rep := RiskReport{Votes: make([]Risk, len(votes)), Flagged: make([]bool, nVoters), Unusual: make([]bool, nVoters)}

	// Per-voter test over the votes that count.
	var tv []rating.VoterVote
	perVoter := make([]int, nVoters)
	for _, v := range votes {
		if v.Tested {
			tv = append(tv, rating.VoterVote{Voter: v.Voter, Outcome: v.Outcome})
			perVoter[v.Voter]++
		}
	}
	rep.Tests = rating.TestVoters(nVoters, tv)
	for _, n := range perVoter {
		if n >= o.MinTestVotes {
			rep.Tested++
		}
	}
	if rep.Tested > 0 {
		level := o.Alpha / float64(rep.Tested)
		for u, t := range rep.Tests {
			enough := perVoter[u] >= o.MinTestVotes
			rep.Flagged[u] = enough && t.P < level
			rep.Unusual[u] = enough && !rep.Flagged[u] && t.P < o.Alpha
		}
	}

	flags := modelSignals(votes, nVoters, o, rep.Tested)
	burst := newWindowCounter(o.BurstWindow.Seconds())
	shared := newAddressWindow(o.AddressWindow.Seconds())
	for i, v := range votes {
		r := &rep.Votes[i]
		if v.ReadSeconds < o.FastRead.Seconds() {
			r.add(SignalFast, weightFast)
		}
		if burst.add(v.Voter, v.At) > o.BurstVotes {
			r.add(SignalBurst, weightBurst)
		}
		if v.Address >= 0 && shared.add(v.Address, v.Voter, v.At) > o.AddressVoters {
			r.add(SignalShared, weightShared)
		}
		if flags[i]&flagOneSided != 0 {
			r.add(SignalOneSided, weightOneSided)
		}
		if flags[i]&flagSelective != 0 {
			r.add(SignalSelective, weightSelective)
		}
		if flags[i]&flagFavours != 0 {
			r.add(SignalFavours, weightFavours)
		}
		switch {
		case rep.Flagged[v.Voter]:
			r.add(SignalAnomalous, weightAnomalous)
		case rep.Unusual[v.Voter]:
			r.add(SignalUnusual, weightUnusual)
		}
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

// windowCounter counts each key's events in a sliding time window.
type windowCounter struct {
	span  float64
	times map[int][]float64
}

func newWindowCounter(span float64) *windowCounter {
	return &windowCounter{span: span, times: map[int][]float64{}}
}

// add records an event at t and returns how many of the key's events,
// this one included, fall in (t − span, t].
func (w *windowCounter) add(key int, t float64) int {
	ts := append(w.times[key], t)
	k := sort.SearchFloat64s(ts, math.Nextafter(t-w.span, math.Inf(1)))
	ts = ts[k:]
	w.times[key] = ts
	return len(ts)
}

// addressWindow counts the distinct voters of each address in a sliding
// time window, keeping per address the events in the window and how many
// of them each voter has, so each vote costs amortised O(1).
type addressWindow struct {
	span  float64
	addrs map[int]*addressState
}

type addressState struct {
	events []addressEvent
	voters map[int]int
}

type addressEvent struct {
	at    float64
	voter int
}

func newAddressWindow(span float64) *addressWindow {
	return &addressWindow{span: span, addrs: map[int]*addressState{}}
}

// add records voter at t on the address and returns the distinct voters
// of the address in (t − span, t].
func (w *addressWindow) add(addr, voter int, t float64) int {
	st := w.addrs[addr]
	if st == nil {
		st = &addressState{voters: map[int]int{}}
		w.addrs[addr] = st
	}
	st.events = append(st.events, addressEvent{t, voter})
	st.voters[voter]++
	k := 0
	for k < len(st.events) && st.events[k].at <= t-w.span {
		old := st.events[k].voter
		if st.voters[old]--; st.voters[old] == 0 {
			delete(st.voters, old)
		}
		k++
	}
	st.events = st.events[k:]
	return len(st.voters)
}

// String describes a risk for logs and pages.
func (r Risk) String() string {
	if len(r.Signals) == 0 {
		return "no risk signals"
	}
	return fmt.Sprintf("%.2f (%s)", r.Score, strings.Join(r.Signals, ", "))
}
