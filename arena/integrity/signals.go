package integrity

import (
	"slices"

	"openarena.dev/arena/rating"
)

// Bits of a vote's signal byte, in the order of signalOrder.
const (
	bitFast uint8 = 1 << iota
	bitBurst
	bitShared
	bitOneSided
	bitSelective
	bitFavours
	bitAnomalous
	bitUnusual
)

// signalOrder lists the signals in the order of their bits, which is the
// order a risk adds them in, with their weights, so that a vote's risk is
// kept as one byte and rebuilt exactly: the same signals in the same
// order, the same sum.
var signalOrder = [...]struct {
	name   string
	weight float64
}{
	{SignalFast, weightFast}, {SignalBurst, weightBurst}, {SignalShared, weightShared},
	{SignalOneSided, weightOneSided}, {SignalSelective, weightSelective}, {SignalFavours, weightFavours},
	{SignalAnomalous, weightAnomalous}, {SignalUnusual, weightUnusual},
}

// riskOf rebuilds a risk from its signal bits.
func riskOf(bits uint8) Risk {
	var r Risk
	for i, s := range signalOrder {
		if bits&(1<<i) != 0 {
			r.add(s.name, s.weight)
		}
	}
	return r
}

// pairKey names a pair of contenders, the lower id first.
type pairKey struct{ lo, hi int }

// population is what every voter's tested votes add up to, which each
// voter is compared against.
type population struct {
	// dense numbers the contenders of tested votes 0..contenders-1.
	dense      map[int]int
	contenders int
	// total is how many votes are tested; byContender how many of them
	// each contender is in; pairs the outcomes per pair by class.
	total       int
	byContender []int
	pairs       map[pairKey][3]int
}

// tallyPopulation counts the tested votes.
func tallyPopulation(in *scoreInput) *population {
	p := &population{dense: map[int]int{}, pairs: map[pairKey][3]int{}}
	num := func(c int) int {
		d, ok := p.dense[c]
		if !ok {
			d = len(p.dense)
			p.dense[c] = d
			p.byContender = append(p.byContender, 0)
		}
		return d
	}
	for i := range int32(len(in.state)) {
		if !in.tested(i) {
			continue
		}
		o := in.outcome(i)
		p.byContender[num(o.A)]++
		p.byContender[num(o.B)]++
		p.total++
		lo, hi, c := rating.PairClass(o)
		t := p.pairs[pairKey{lo, hi}]
		t[c]++
		p.pairs[pairKey{lo, hi}] = t
	}
	p.contenders = len(p.dense)
	return p
}

// levels are the Bonferroni-corrected test levels of the selective and
// favours signals.
type levels struct{ selective, favours float64 }

// voterWork holds one voter's counts, by pair and by dense contender
// number. It is reused from voter to voter and reset only where the voter
// touched it, so a voter costs their own votes, not the number of
// contenders.
type voterWork struct {
	v  voterVerdict
	ps []float64
	// own are the voter's tested votes per pair by class.
	own map[pairKey][3]int
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
}

func newVoterWork(nc int) *voterWork {
	return &voterWork{
		involve: make([]int, nc), forC: make([]int, nc), againstC: make([]int, nc),
		chances: make([][]float64, nc), winsC: make([]int, nc),
		selective: make([]bool, nc), favDir: make([]int, nc), own: map[pairKey][3]int{},
	}
}

// judgeVoter sets every signal of one voter's votes idx (in the order
// cast) that the fast and shared signals have not set, tested being how
// many voters are tested, and returns the verdict.
func (w *voterWork) judgeVoter(in *scoreInput, idx []int32, p *population, o Options, tested int, lv levels, bits []uint8) *voterVerdict {
	burstSignals(in, idx, o, bits)
	v := &w.v
	v.votes, v.tested = idx, v.tested[:0]
	for _, i := range idx {
		if in.tested(i) {
			v.tested = append(v.tested, i)
		}
	}
	w.test(in, p)
	v.enough, v.flagged, v.unusual = len(v.tested) >= o.MinTestVotes, false, false
	if tested > 0 {
		v.flagged = v.enough && v.test.P < o.Alpha/float64(tested)
		v.unusual = v.enough && !v.flagged && v.test.P < o.Alpha
	}
	if len(v.tested) > 0 {
		w.tally(in, p.dense)
		w.weighChances(in, p)
		w.judge(len(v.tested), p, o, lv)
		w.flag(in, p.dense, o, bits)
		w.reset()
	}
	for _, i := range idx {
		switch {
		case v.flagged:
			bits[i] |= bitAnomalous
		case v.unusual:
			bits[i] |= bitUnusual
		}
	}
	return v
}

// test runs the per-voter test (rating.TestVoters) over the voter's tested
// votes: each vote's p-value against the other voters' record of its pair,
// combined by Fisher's method in the order cast.
func (w *voterWork) test(in *scoreInput, p *population) {
	clear(w.own)
	for _, i := range w.v.tested {
		lo, hi, c := rating.PairClass(in.outcome(i))
		t := w.own[pairKey{lo, hi}]
		t[c]++
		w.own[pairKey{lo, hi}] = t
	}
	w.ps = w.ps[:0]
	for _, i := range w.v.tested {
		lo, hi, c := rating.PairClass(in.outcome(i))
		all, mine := p.pairs[pairKey{lo, hi}], w.own[pairKey{lo, hi}]
		w.ps = append(w.ps, rating.PairOutcomeP([3]int{all[0] - mine[0], all[1] - mine[1], all[2] - mine[2]}, c))
	}
	stat, pv := rating.FisherCombine(w.ps)
	w.v.test = rating.VoterTest{Votes: len(w.ps), Stat: stat, P: pv, VoteP: w.ps}
}

// tally counts the voter's tested votes per contender.
func (w *voterWork) tally(in *scoreInput, dense map[int]int) {
	w.touched = w.touched[:0]
	for _, i := range w.v.tested {
		o := in.outcome(i)
		for _, c := range [2]int{dense[o.A], dense[o.B]} {
			if w.involve[c] == 0 {
				w.touched = append(w.touched, c)
			}
			w.involve[c]++
		}
		if win, l, ok := decisive(o); ok {
			w.forC[dense[win]]++
			w.againstC[dense[l]]++
		}
	}
}

// weighChances gives each of the voter's decisive votes its chance that
// its lower contender wins, by the other voters' record of the pair (the
// voter's own votes taken out, so a rigger cannot set their own odds).
func (w *voterWork) weighChances(in *scoreInput, p *population) {
	for _, i := range w.v.tested {
		o := in.outcome(i)
		win, _, ok := decisive(o)
		if !ok {
			continue
		}
		k := pairKey{min(o.A, o.B), max(o.A, o.B)}
		t, m := p.pairs[k], w.own[k]
		loWins, hiWins := t[rating.PairLowerWon]-m[rating.PairLowerWon], t[rating.PairHigherWon]-m[rating.PairHigherWon]
		pLo := float64(loWins+1) / float64(loWins+hiWins+2)
		dl, dh := p.dense[k.lo], p.dense[k.hi]
		w.chances[dl] = append(w.chances[dl], pLo)
		w.chances[dh] = append(w.chances[dh], 1-pLo)
		if win == k.lo {
			w.winsC[dl]++
		} else {
			w.winsC[dh]++
		}
	}
}

// judge decides, for each contender the voter's n votes touched, whether
// the voter is selective about it and whether they favour it.
func (w *voterWork) judge(n int, p *population, o Options, lv levels) {
	for _, c := range w.touched {
		k := w.involve[c]
		others, withC := p.total-n, p.byContender[c]-k
		w.selective[c] = n >= o.MinTestVotes && others > 0 && withC > 0 &&
			rating.BinomialUpperTail(k, n, float64(withC)/float64(others)) < lv.selective
		w.favDir[c] = w.favours(c, o, lv)
	}
}

// favours is 1 when the voter's wins for contender c are beyond chance,
// −1 when their losses are, and 0 when neither or too few votes.
func (w *voterWork) favours(c int, o Options, lv levels) int {
	m := len(w.chances[c])
	if m < o.OneSidedMin {
		return 0
	}
	if rating.PoissonBinomialUpperTail(w.chances[c], w.winsC[c]) < lv.favours {
		return 1
	}
	against := slices.Clone(w.chances[c])
	for j, p := range against {
		against[j] = 1 - p
	}
	if rating.PoissonBinomialUpperTail(against, m-w.winsC[c]) < lv.favours {
		return -1
	}
	return 0
}

// lopsided says whether the voter's decisive votes on contender c went
// its way (side 0) or against it (side 1) at least OneSidedShare of the
// time, over at least OneSidedMin of them.
func (w *voterWork) lopsided(c, side int, o Options) bool {
	n := w.forC[c] + w.againstC[c]
	mine := w.forC[c]
	if side == 1 {
		mine = w.againstC[c]
	}
	return n >= o.OneSidedMin && float64(mine) >= o.OneSidedShare*float64(n)
}

// flag sets the one-sided, selective and favours signals of each of the
// voter's tested votes from the verdicts.
func (w *voterWork) flag(in *scoreInput, dense map[int]int, o Options, bits []uint8) {
	for _, i := range w.v.tested {
		o2 := in.outcome(i)
		if w.selective[dense[o2.A]] || w.selective[dense[o2.B]] {
			bits[i] |= bitSelective
		}
		win, l, ok := decisive(o2)
		if !ok {
			continue
		}
		dw, dl := dense[win], dense[l]
		if w.lopsided(dw, 0, o) || w.lopsided(dl, 1, o) {
			bits[i] |= bitOneSided
		}
		if w.favDir[dw] == 1 || w.favDir[dl] == -1 {
			bits[i] |= bitFavours
		}
	}
}

// reset clears what the last voter touched.
func (w *voterWork) reset() {
	for _, c := range w.touched {
		w.involve[c], w.forC[c], w.againstC[c], w.winsC[c] = 0, 0, 0, 0
		w.chances[c] = w.chances[c][:0]
		w.selective[c], w.favDir[c] = false, 0
	}
}

// riskScore is riskOf(bits).Score without building the signals.
func riskScore(bits uint8) float64 {
	var score float64
	for i, s := range signalOrder {
		if bits&(1<<i) != 0 {
			score += s.weight
		}
	}
	return score
}
