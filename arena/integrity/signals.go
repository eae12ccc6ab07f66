package integrity

import (
	"slices"

	"openarena.dev/arena/rating"
)

// Per-vote flags of the signals about one model (see Options).
const (
	flagOneSided uint8 = 1 << iota
	flagSelective
	flagFavours
)

// modelSignals works out, for every tested vote, the three signals about
// one of its models: one-sided, selective and favours. It goes voter by
// voter with scratch arrays over densely numbered contenders, so that its
// cost is linear in the votes rather than in lookups of maps keyed by
// voter and contender (which made a million votes take tens of seconds).
func modelSignals(votes []RiskVote, nVoters int, o Options, tested int) []uint8 {
	flags := make([]uint8, len(votes))
	p := tallyPopulation(votes, nVoters)
	lv := levels{
		selective: o.Alpha / float64(max(tested, 1)*max(p.contenders, 1)),
		favours:   o.Alpha / float64(max(tested, 1)*max(p.contenders, 1)*2),
	}
	s := newVoterScratch(p.contenders)
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

// pairKey names a pair of contenders, the lower id first.
type pairKey struct{ lo, hi int }

// pairOf is the pair a vote is about.
func pairOf(o rating.Outcome) pairKey { return pairKey{min(o.A, o.B), max(o.A, o.B)} }

// pairWins counts, per pair, the decisive wins of the lower and of the
// higher contender.
type pairWins map[pairKey][2]int

// add counts a vote if it is decisive.
func (t pairWins) add(o rating.Outcome) {
	w, _, ok := decisive(o)
	if !ok {
		return
	}
	k := pairOf(o)
	c := t[k]
	if w == k.lo {
		c[0]++
	} else {
		c[1]++
	}
	t[k] = c
}

// population is what every voter's tested votes add up to, which each
// voter is compared against.
type population struct {
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
	wins        pairWins
}

// tallyPopulation counts the tested votes of nVoters voters.
func tallyPopulation(votes []RiskVote, nVoters int) *population {
	p := &population{dense: map[int]int{}, byVoter: make([]int, nVoters+1), wins: pairWins{}}
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

// levels are the Bonferroni-corrected test levels of the selective and
// favours signals.
type levels struct{ selective, favours float64 }

// voterScratch holds one voter's counts by dense contender number. It is
// reused from voter to voter and reset only where the voter touched it, so
// a voter costs their own votes, not the number of contenders.
type voterScratch struct {
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
	own       pairWins
}

func newVoterScratch(nc int) *voterScratch {
	return &voterScratch{
		involve: make([]int, nc), forC: make([]int, nc), againstC: make([]int, nc),
		chances: make([][]float64, nc), winsC: make([]int, nc),
		selective: make([]bool, nc), favDir: make([]int, nc), own: pairWins{},
	}
}

// tally counts the voter's votes idx per contender and per pair.
func (s *voterScratch) tally(votes []RiskVote, idx []int, dense map[int]int) {
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
func (s *voterScratch) weighChances(votes []RiskVote, idx []int, p *population) {
	for _, i := range idx {
		v := votes[i]
		w, _, ok := decisive(v.Outcome)
		if !ok {
			continue
		}
		k := pairOf(v.Outcome)
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
func (s *voterScratch) judge(n int, p *population, o Options, lv levels) {
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
func (s *voterScratch) favours(c int, o Options, lv levels) int {
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
func (s *voterScratch) lopsided(c, side int, o Options) bool {
	n := s.forC[c] + s.againstC[c]
	mine := s.forC[c]
	if side == 1 {
		mine = s.againstC[c]
	}
	return n >= o.OneSidedMin && float64(mine) >= o.OneSidedShare*float64(n)
}

// flag sets the signals of each of the voter's votes idx from the verdicts.
func (s *voterScratch) flag(votes []RiskVote, idx []int, dense map[int]int, o Options, flags []uint8) {
	for _, i := range idx {
		v := votes[i]
		if s.selective[dense[v.A]] || s.selective[dense[v.B]] {
			flags[i] |= flagSelective
		}
		w, l, ok := decisive(v.Outcome)
		if !ok {
			continue
		}
		dw, dl := dense[w], dense[l]
		if s.lopsided(dw, 0, o) || s.lopsided(dl, 1, o) {
			flags[i] |= flagOneSided
		}
		if s.favDir[dw] == 1 || s.favDir[dl] == -1 {
			flags[i] |= flagFavours
		}
	}
}

// reset clears what the last voter touched.
func (s *voterScratch) reset() {
	for _, c := range s.touched {
		s.involve[c], s.forC[c], s.againstC[c], s.winsC[c] = 0, 0, 0, 0
		s.chances[c] = s.chances[c][:0]
		s.selective[c], s.favDir[c] = false, 0
	}
}
