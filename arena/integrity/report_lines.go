package integrity

import (
	"math"
	"time"
)

// voterLine is one voter's summary as the report keeps it: 64 bytes of
// counts and figures from which VoterSummary is rebuilt exactly (the rate
// from the times, the agreement from its counts, the highest risk from
// its signal byte).
type voterLine struct {
	first, last                                    int64 // Unix nanoseconds
	medianRead, testP                              float64
	votes, rated, excluded, decisive, agree, risky int32
	maxBits                                        uint8 // the signals of the riskiest vote
	flags                                          uint8
}

// Bits of voterLine.flags.
const (
	lineBlocked uint8 = 1 << iota
	lineTested
	lineFlagged
)

func (l *voterLine) setFlag(f uint8, on bool) {
	if on {
		l.flags |= f
	} else {
		l.flags &^= f
	}
}

func (l *voterLine) has(f uint8) bool { return l.flags&f != 0 }

// count adds d to the rated or excluded count that a vote of state st is
// in. A nil line is a voter's with one vote, whose counts follow the
// vote's state: nothing to do.
func (l *voterLine) count(st uint8, d int32) {
	switch {
	case l == nil:
	case st&stateInRatings != 0:
		l.rated += d
	case st&stateCounted != 0:
		// Counted when cast, so only an exclusion keeps it out.
		l.excluded += d
	}
}

// summary rebuilds the voter's summary.
func (l *voterLine) summary(id string) VoterSummary {
	s := VoterSummary{VoterID: id, Blocked: l.has(lineBlocked), Votes: int(l.votes), Rated: int(l.rated),
		Excluded: int(l.excluded), MedianRead: l.medianRead, Agreement: math.NaN(), Decisive: int(l.decisive),
		TestP: l.testP, Tested: l.has(lineTested), Flagged: l.has(lineFlagged), MaxRisk: riskScore(l.maxBits),
		Risky: int(l.risky), First: time.Unix(0, l.first).UTC(), Last: time.Unix(0, l.last).UTC()}
	s.PerHour = float64(s.Votes) / max(1, s.Last.Sub(s.First).Hours())
	if s.Decisive > 0 {
		s.Agreement = float64(l.agree) / float64(s.Decisive)
	}
	return s
}

// Len is how many voters the report has.
func (rep *Report) Len() int { return rep.lines.n }

// Voter is the summary of the i-th voter, in the order of first votes.
func (rep *Report) Voter(i int) VoterSummary {
	rep.mu.Lock()
	l := rep.line(i)
	rep.mu.Unlock()
	return l.summary(rep.names.at(i))
}

// Find is the position of the voter with the id, false when the report
// does not know them (no votes, or voted only since).
func (rep *Report) Find(voterID string) (int, bool) { return rep.names.find(voterID) }

// Summaries are every voter's summary, in the order of first votes.
func (rep *Report) Summaries() []VoterSummary {
	out := make([]VoterSummary, rep.Len())
	for i := range out {
		out[i] = rep.Voter(i)
	}
	return out
}
