package integrity

import "math/bits"

// voterLines are every voter's line in one of two forms. A voter with
// several votes has a full line (64 bytes). A voter with one vote (every
// voter, on an arena whose voters do not keep their cookie) keeps about 7
// bytes: what their vote's position in the report does not give (its
// time, read time, p-value and the agreement), packed, the counts and the
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
	// building are the one-vote lines while the report is computed.
	building *oneVoteBuilder
}

// oneVoteLines are the lines of the voters with one vote, by column. In
// voter order their times do not decrease and their votes' positions
// nearly increase, which packs them in a few bytes; read times and
// p-values take few distinct values (one of three per pair of contenders
// for the p-value of a single vote).
type oneVoteLines struct {
	at          packedInts // Unix nanoseconds
	read, testP floatColumn
	pos         packedInts // the vote's position in the report's votes
	flags       []uint8    // voterLine's flags, and lineDecisive and lineAgree
}

// oneVoteBuilder builds oneVoteLines a line at a time, in voter order.
type oneVoteBuilder struct {
	at, pos     intPacker
	read, testP floatPacker
	flags       []uint8
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
	ls.full = make([]voterLine, n)
	ls.building = &oneVoteBuilder{read: floatPacker{limit: readTimeCodes}, flags: make([]uint8, 0, voters-n)}
	return ls
}

// finish packs the one-vote lines built.
func (ls *voterLines) finish() {
	b := ls.building
	ls.one = oneVoteLines{at: b.at.done(), read: b.read.done(), testP: b.testP.done(), pos: b.pos.done(), flags: b.flags}
	ls.building = nil
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
// their verdict, as summarise would. The lines are packed as they come, so
// they must come in order.
func (o *oneVoteBuilder) setOne(k int, v *voterVerdict, cols *voteColumns, scores map[uint]float64) {
	if k != len(o.flags) {
		panic("integrity: one-vote lines out of order")
	}
	i := v.votes[0]
	o.at.add(cols.at.at(int(i)))
	o.read.add(cols.read.at(int(i)))
	o.testP.add(v.test.P)
	o.pos.add(int64(i))
	var l voterLine
	l.agreement(cols, i, scores)
	l.setFlag(lineTested, v.enough)
	l.setFlag(lineFlagged, v.flagged)
	l.setFlag(lineDecisive, l.decisive > 0)
	l.setFlag(lineAgree, l.agree > 0)
	o.flags = append(o.flags, l.flags)
}

// line is voter u's line; call it under rep.mu.
func (rep *Report) line(u int) voterLine {
	k, several := rep.lines.where(u)
	if several {
		return rep.lines.full[k]
	}
	o := &rep.lines.one
	i, f, at := o.pos.at(k), o.flags[k], o.at.at(k)
	b := rep.votes.bits[i]
	l := voterLine{first: at, last: at, medianRead: o.read.at(k), testP: o.testP.at(k), votes: 1, maxBits: b,
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
