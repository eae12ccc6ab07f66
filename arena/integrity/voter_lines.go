package integrity

import "math/bits"

// voterLines are every voter's line in one of two forms. A voter with
// several votes has a full line (64 bytes). A voter with one vote (every
// voter, on an arena whose voters do not keep their cookie) keeps 29
// bytes: what their vote's position in the report does not give (its
// time, read time, p-value and the agreement), the counts and the
// highest risk being those of that one vote as it is now.
type voterLines struct {
	n int
	// several has voter u's bit set when they have several votes; before
	// counts the bits set in the words before each, so that a voter's
	// place in full or one is a popcount away.
	several []uint64
	before  []uint32
	full    []voterLine
	one     oneVoteLines
}

// oneVoteLines are the lines of the voters with one vote, by column.
type oneVoteLines struct {
	at          []int64 // Unix nanoseconds
	read, testP []float64
	pos         []int32 // the vote's position in the report's votes
	flags       []uint8 // voterLine's flags, and lineDecisive and lineAgree
}

// Flags of oneVoteLines.flags beyond voterLine's: the vote was decisive
// between two rated contenders, and it went to the higher-rated one.
const (
	lineDecisive uint8 = 1 << (iota + 3)
	lineAgree
)

// newVoterLines makes room for the lines of voters voters whose votes are
// by voter number.
func newVoterLines(voter []int32, voters int) voterLines {
	once, twice := make([]uint64, (voters+63)/64), make([]uint64, (voters+63)/64)
	for _, u := range voter {
		w, b := u>>6, uint64(1)<<(u&63)
		if once[w]&b != 0 {
			twice[w] |= b
		} else {
			once[w] |= b
		}
	}
	ls := voterLines{n: voters, several: twice, before: make([]uint32, len(twice))}
	n := 0
	for w, x := range twice {
		ls.before[w] = uint32(n)
		n += bits.OnesCount64(x)
	}
	solo := voters - n
	ls.full = make([]voterLine, n)
	ls.one = oneVoteLines{at: make([]int64, solo), read: make([]float64, solo), testP: make([]float64, solo),
		pos: make([]int32, solo), flags: make([]uint8, solo)}
	return ls
}

// where is voter u's place in full when several, in one otherwise.
func (ls *voterLines) where(u int) (k int, several bool) {
	w, b := u>>6, uint64(1)<<(u&63)
	r := int(ls.before[w]) + bits.OnesCount64(ls.several[w]&(b-1))
	if ls.several[w]&b != 0 {
		return r, true
	}
	return u - r, false
}

// fullLine is voter u's full line, nil for a voter with one vote (whose
// counts follow their vote's state).
func (ls *voterLines) fullLine(u int) *voterLine {
	if k, several := ls.where(u); several {
		return &ls.full[k]
	}
	return nil
}

// setBlocked sets voter u's block.
func (ls *voterLines) setBlocked(u int, on bool) {
	if k, several := ls.where(u); several {
		ls.full[k].setFlag(lineBlocked, on)
	} else if on {
		ls.one.flags[k] |= lineBlocked
	} else {
		ls.one.flags[k] &^= lineBlocked
	}
}

// setOne fills the line of a voter with one vote, the k-th such, from
// their verdict, as summarise would.
func (o *oneVoteLines) setOne(k int, v *voterVerdict, cols *voteColumns, scores map[uint]float64) {
	i := v.votes[0]
	o.at[k], o.read[k], o.testP[k], o.pos[k] = cols.at[i], cols.read[i], v.test.P, i
	var l voterLine
	l.agreement(cols, i, scores)
	l.setFlag(lineTested, v.enough)
	l.setFlag(lineFlagged, v.flagged)
	l.setFlag(lineDecisive, l.decisive > 0)
	l.setFlag(lineAgree, l.agree > 0)
	o.flags[k] = l.flags
}

// line is voter u's line; call it under rep.mu.
func (rep *Report) line(u int) voterLine {
	k, several := rep.lines.where(u)
	if several {
		return rep.lines.full[k]
	}
	o := &rep.lines.one
	i, f := o.pos[k], o.flags[k]
	b := rep.votes.bits[i]
	l := voterLine{first: o.at[k], last: o.at[k], medianRead: o.read[k], testP: o.testP[k], votes: 1, maxBits: b,
		flags: f &^ (lineDecisive | lineAgree)}
	l.count(rep.votes.state[i], 1)
	if f&lineDecisive != 0 {
		l.decisive = 1
	}
	if f&lineAgree != 0 {
		l.agree = 1
	}
	if riskScore(b) >= rep.Options.Threshold-1e-9 {
		l.risky = 1
	}
	return l
}
