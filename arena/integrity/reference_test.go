package integrity

// The scoring as it was before it went voter by voter over columns, kept
// as the reference that the present scoring must match exactly.

import (
	"math"
	"slices"
	"sort"

	"openarena.dev/arena/rating"
)

// refScoreVotes scores every vote of nVoters voters. Votes must be in the
// order cast (At not decreasing).
func refScoreVotes(votes []RiskVote, nVoters int, o Options) RiskReport {
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

	flags := refModelSignals(votes, nVoters, o, rep.Tested)
	burst := refNewWindowCounter(o.BurstWindow.Seconds())
	shared := refNewAddressWindow(o.AddressWindow.Seconds())
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
		if flags[i]&refFlagOneSided != 0 {
			r.add(SignalOneSided, weightOneSided)
		}
		if flags[i]&refFlagSelective != 0 {
			r.add(SignalSelective, weightSelective)
		}
		if flags[i]&refFlagFavours != 0 {
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

// refWindowCounter counts each key's events in a sliding time window.
type refWindowCounter struct {
	span  float64
	times map[int][]float64
}

func refNewWindowCounter(span float64) *refWindowCounter {
	return &refWindowCounter{span: span, times: map[int][]float64{}}
}

// add records an event at t and returns how many of the key's events,
// this one included, fall in (t − span, t].
func (w *refWindowCounter) add(key int, t float64) int {
	ts := append(w.times[key], t)
	k := sort.SearchFloat64s(ts, math.Nextafter(t-w.span, math.Inf(1)))
	ts = ts[k:]
	w.times[key] = ts
	return len(ts)
}

// refAddressWindow counts the distinct voters of each address in a sliding
// time window, keeping per address the events in the window and how many
// of them each voter has, so each vote costs amortised O(1).
type refAddressWindow struct {
	span  float64
	addrs map[int]*refAddressState
}

type refAddressState struct {
	events []refAddressEvent
	voters map[int]int
}

type refAddressEvent struct {
	at    float64
	voter int
}

func refNewAddressWindow(span float64) *refAddressWindow {
	return &refAddressWindow{span: span, addrs: map[int]*refAddressState{}}
}

// add records voter at t on the address and returns the distinct voters
// of the address in (t − span, t].
func (w *refAddressWindow) add(addr, voter int, t float64) int {
	st := w.addrs[addr]
	if st == nil {
		st = &refAddressState{voters: map[int]int{}}
		w.addrs[addr] = st
	}
	st.events = append(st.events, refAddressEvent{t, voter})
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

// Per-vote flags of the signals about one model (see Options).
const (
	refFlagOneSided uint8 = 1 << iota
	refFlagSelective
	refFlagFavours
)

// refModelSignals works out, for every tested vote, the three signals about
// one of its models: one-sided, selective and favours. It goes voter by
// voter with scratch arrays over densely numbered contenders, so that its
// cost is linear in the votes rather than in lookups of maps keyed by
// voter and contender (which made a million votes take tens of seconds).
func refModelSignals(votes []RiskVote, nVoters int, o Options, tested int) []uint8 {
	flags := make([]uint8, len(votes))
	p := refTallyPopulation(votes, nVoters)
	lv := refLevels{
		selective: o.Alpha / float64(max(tested, 1)*max(p.contenders, 1)),
		favours:   o.Alpha / float64(max(tested, 1)*max(p.contenders, 1)*2),
	}
	s := refNewVoterScratch(p.contenders)
	for u := range nVoters {
		idx := p.order[p.byVoter[u]:p.byVoter[u+1]]
		if len(idx) == 0 {
			continue
		}
		s.tally(votes, idx, p.dense)
		s.weighChances(votes, idx, p)
		s.judge(len(idx), p, o, lv)
		s.flag(votes, idx, p.dense, o, flags)
		s.reset()
	}
	return flags
}

// refPairKey names a pair of contenders, the lower id first.
type refPairKey struct{ lo, hi int }

// refPairOf is the pair a vote is about.
func refPairOf(o rating.Outcome) refPairKey { return refPairKey{min(o.A, o.B), max(o.A, o.B)} }

// refPairWins counts, per pair, the decisive wins of the lower and of the
// higher contender.
type refPairWins map[refPairKey][2]int

// add counts a vote if it is decisive.
func (t refPairWins) add(o rating.Outcome) {
	w, _, ok := decisive(o)
	if !ok {
		return
	}
	k := refPairOf(o)
	c := t[k]
	if w == k.lo {
		c[0]++
	} else {
		c[1]++
	}
	t[k] = c
}

// refPopulation is what every voter's tested votes add up to, which each
// voter is compared against.
type refPopulation struct {
	// dense numbers the contenders of tested votes 0..contenders-1.
	dense      map[int]int
	contenders int
	// order lists the tested votes' indices grouped by voter (a counting
	// sort); voter u's are order[byVoter[u]:byVoter[u+1]].
	order   []int
	byVoter []int
	// total is how many votes are tested; byContender how many of them
	// each contender is in; wins the decisive wins per pair.
	total       int
	byContender []int
	wins        refPairWins
}

// refTallyPopulation counts the tested votes of nVoters voters.
func refTallyPopulation(votes []RiskVote, nVoters int) *refPopulation {
	p := &refPopulation{dense: map[int]int{}, byVoter: make([]int, nVoters+1), wins: refPairWins{}}
	num := func(c int) {
		if _, ok := p.dense[c]; !ok {
			p.dense[c] = len(p.dense)
		}
	}
	for _, v := range votes {
		if !v.Tested {
			continue
		}
		num(v.A)
		num(v.B)
		p.byVoter[v.Voter+1]++
		p.total++
	}
	p.contenders = len(p.dense)
	p.byContender = make([]int, p.contenders)
	for u := 1; u <= nVoters; u++ {
		p.byVoter[u] += p.byVoter[u-1]
	}
	p.order = make([]int, p.total)
	fill := slices.Clone(p.byVoter[:nVoters])
	for i, v := range votes {
		if !v.Tested {
			continue
		}
		p.order[fill[v.Voter]] = i
		fill[v.Voter]++
		p.byContender[p.dense[v.A]]++
		p.byContender[p.dense[v.B]]++
		p.wins.add(v.Outcome)
	}
	return p
}

// refLevels are the Bonferroni-corrected test refLevels of the selective and
// favours signals.
type refLevels struct{ selective, favours float64 }

// refVoterScratch holds one voter's counts by dense contender number. It is
// reused from voter to voter and reset only where the voter touched it, so
// a voter costs their own votes, not the number of contenders.
type refVoterScratch struct {
	// involve is how many of the voter's votes each contender is in;
	// forC and againstC how many decisive ones went for and against it.
	involve, forC, againstC []int
	// chances are each decisive vote's chance that the contender wins by
	// the other voters' record, and winsC how many it did win.
	chances [][]float64
	winsC   []int
	// selective and favDir are the verdicts: favDir is 1 when the voter
	// favours the contender, −1 when they disfavour it, 0 otherwise.
	selective []bool
	favDir    []int
	touched   []int
	own       refPairWins
}

func refNewVoterScratch(nc int) *refVoterScratch {
	return &refVoterScratch{
		involve: make([]int, nc), forC: make([]int, nc), againstC: make([]int, nc),
		chances: make([][]float64, nc), winsC: make([]int, nc),
		selective: make([]bool, nc), favDir: make([]int, nc), own: refPairWins{},
	}
}

// tally counts the voter's votes idx per contender and per pair.
func (s *refVoterScratch) tally(votes []RiskVote, idx []int, dense map[int]int) {
	s.touched = s.touched[:0]
	clear(s.own)
	for _, i := range idx {
		v := votes[i]
		for _, c := range [2]int{dense[v.A], dense[v.B]} {
			if s.involve[c] == 0 {
				s.touched = append(s.touched, c)
			}
			s.involve[c]++
		}
		if w, l, ok := decisive(v.Outcome); ok {
			s.forC[dense[w]]++
			s.againstC[dense[l]]++
			s.own.add(v.Outcome)
		}
	}
}

// weighChances gives each of the voter's decisive votes its chance that
// its lower contender wins, by the other voters' record of the pair (the
// voter's own votes taken out, so a rigger cannot set their own odds).
func (s *refVoterScratch) weighChances(votes []RiskVote, idx []int, p *refPopulation) {
	for _, i := range idx {
		v := votes[i]
		w, _, ok := decisive(v.Outcome)
		if !ok {
			continue
		}
		k := refPairOf(v.Outcome)
		t, m := p.wins[k], s.own[k]
		loWins, hiWins := t[0]-m[0], t[1]-m[1]
		pLo := float64(loWins+1) / float64(loWins+hiWins+2)
		dl, dh := p.dense[k.lo], p.dense[k.hi]
		s.chances[dl] = append(s.chances[dl], pLo)
		s.chances[dh] = append(s.chances[dh], 1-pLo)
		if w == k.lo {
			s.winsC[dl]++
		} else {
			s.winsC[dh]++
		}
	}
}

// judge decides, for each contender the voter's n votes touched, whether
// the voter is selective about it and whether they favour it.
func (s *refVoterScratch) judge(n int, p *refPopulation, o Options, lv refLevels) {
	for _, c := range s.touched {
		k := s.involve[c]
		others, withC := p.total-n, p.byContender[c]-k
		s.selective[c] = n >= o.MinTestVotes && others > 0 && withC > 0 &&
			rating.BinomialUpperTail(k, n, float64(withC)/float64(others)) < lv.selective
		s.favDir[c] = s.favours(c, o, lv)
	}
}

// favours is 1 when the voter's wins for contender c are beyond chance,
// −1 when their losses are, and 0 when neither or too few votes.
func (s *refVoterScratch) favours(c int, o Options, lv refLevels) int {
	m := len(s.chances[c])
	if m < o.OneSidedMin {
		return 0
	}
	if rating.PoissonBinomialUpperTail(s.chances[c], s.winsC[c]) < lv.favours {
		return 1
	}
	against := make([]float64, m)
	for j, p := range s.chances[c] {
		against[j] = 1 - p
	}
	if rating.PoissonBinomialUpperTail(against, m-s.winsC[c]) < lv.favours {
		return -1
	}
	return 0
}

// lopsided says whether the voter's decisive votes on contender c went
// its way (side 0) or against it (side 1) at least OneSidedShare of the
// time, over at least OneSidedMin of them.
func (s *refVoterScratch) lopsided(c, side int, o Options) bool {
	n := s.forC[c] + s.againstC[c]
	mine := s.forC[c]
	if side == 1 {
		mine = s.againstC[c]
	}
	return n >= o.OneSidedMin && float64(mine) >= o.OneSidedShare*float64(n)
}

// flag sets the signals of each of the voter's votes idx from the verdicts.
func (s *refVoterScratch) flag(votes []RiskVote, idx []int, dense map[int]int, o Options, flags []uint8) {
	for _, i := range idx {
		v := votes[i]
		if s.selective[dense[v.A]] || s.selective[dense[v.B]] {
			flags[i] |= refFlagSelective
		}
		w, l, ok := decisive(v.Outcome)
		if !ok {
			continue
		}
		dw, dl := dense[w], dense[l]
		if s.lopsided(dw, 0, o) || s.lopsided(dl, 1, o) {
			flags[i] |= refFlagOneSided
		}
		if s.favDir[dw] == 1 || s.favDir[dl] == -1 {
			flags[i] |= refFlagFavours
		}
	}
}

// reset clears what the last voter touched.
func (s *refVoterScratch) reset() {
	for _, c := range s.touched {
		s.involve[c], s.forC[c], s.againstC[c], s.winsC[c] = 0, 0, 0, 0
		s.chances[c] = s.chances[c][:0]
		s.selective[c], s.favDir[c] = false, 0
	}
}
