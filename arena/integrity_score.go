package arena

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"openarena.dev/arena/rating"
)

// IntegrityOptions tune the voter-integrity checks. Zero fields take
// DefaultIntegrity.
//
// A vote's risk score is the sum of the weights of the signals it shows:
//
//	fast      0.3  read for less than FastRead before voting
//	burst     0.3  the voter's BurstVotes-th or later vote within BurstWindow
//	shared    0.3  more than AddressVoters voter ids voted from the keyed
//	               address within AddressWindow
//	one-sided 0.3  of the voter's at least OneSidedMin decisive votes on
//	               battles with one contender, OneSidedShare or more went
//	               the same way (for it, or against it), and this one too
//	favours   0.4  the vote goes the way the voter's decisive votes about
//	               one contender go far more often than others' votes on
//	               the same pairs predict: with each vote's chance that
//	               the contender wins taken from the other voters' record
//	               of that pair ((wins + 1)/(decisive + 2)), the
//	               Poisson-binomial tail of the voter's wins (or losses)
//	               is below Alpha / (voters tested × contenders × 2)
//	selective 0.4  the vote involves a contender that is in far more of
//	               the voter's votes than in everyone else's: the binomial
//	               tail P(X ≥ k), X ~ Bin(n, share in others' votes), is
//	               below Alpha / (voters tested × contenders) — a voter who
//	               only votes when one model appears (and skips the rest)
//	anomalous 0.7  the voter fails the per-voter test (rating.TestVoters)
//	               at Alpha, Bonferroni-corrected over the voters tested
//	unusual   0.4  the voter fails the same test at Alpha uncorrected
//	               (not counted when anomalous applies)
//
// A vote whose score reaches Threshold (default 0.7: three of the weak
// signals, the corrected statistical test alone, or one of the 0.4
// signals with a weak one such as one-sided voting) is stored but left
// out of the ratings. Two weak signals are not enough on purpose: a quick reader
// behind a shared address (a campus, a mobile carrier) is common and
// honest. The first three signals are cheap and checked as the vote is
// cast; all five are checked by the sweep.
type IntegrityOptions struct {
	FastRead      time.Duration
	BurstWindow   time.Duration
	BurstVotes    int
	AddressWindow time.Duration
	AddressVoters int
	OneSidedMin   int
	OneSidedShare float64
	// Alpha is the family-wise false-alarm rate of the per-voter test.
	Alpha float64
	// MinTestVotes is how many counted votes a voter needs to be tested.
	MinTestVotes int
	Threshold    float64
}

// DefaultIntegrity are the documented defaults (README, ARENA_RISK_*).
var DefaultIntegrity = IntegrityOptions{
	FastRead: 3 * time.Second, BurstWindow: time.Hour, BurstVotes: 60,
	AddressWindow: 24 * time.Hour, AddressVoters: 5,
	OneSidedMin: 8, OneSidedShare: 0.9,
	Alpha: 0.05, MinTestVotes: 5, Threshold: 0.7,
}

// withDefaults fills zero fields from DefaultIntegrity.
func (o IntegrityOptions) withDefaults() IntegrityOptions {
	d := DefaultIntegrity
	if o.FastRead == 0 {
		o.FastRead = d.FastRead
	}
	if o.BurstWindow == 0 {
		o.BurstWindow = d.BurstWindow
	}
	if o.BurstVotes == 0 {
		o.BurstVotes = d.BurstVotes
	}
	if o.AddressWindow == 0 {
		o.AddressWindow = d.AddressWindow
	}
	if o.AddressVoters == 0 {
		o.AddressVoters = d.AddressVoters
	}
	if o.OneSidedMin == 0 {
		o.OneSidedMin = d.OneSidedMin
	}
	if o.OneSidedShare == 0 {
		o.OneSidedShare = d.OneSidedShare
	}
	if o.Alpha == 0 {
		o.Alpha = d.Alpha
	}
	if o.MinTestVotes == 0 {
		o.MinTestVotes = d.MinTestVotes
	}
	if o.Threshold == 0 {
		o.Threshold = d.Threshold
	}
	return o
}

// Signal weights; see IntegrityOptions.
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
func ScoreVotes(votes []RiskVote, nVoters int, o IntegrityOptions) RiskReport {
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
func VoteTimeRisk(readSeconds float64, recentVotes, addressVoters int, o IntegrityOptions) Risk {
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

// Per-vote flags of the signals about one model (see IntegrityOptions).
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
func modelSignals(votes []RiskVote, nVoters int, o IntegrityOptions, tested int) []uint8 {
	flags := make([]uint8, len(votes))
	// Contenders get dense numbers; only tested votes matter here.
	dense := map[int]int{}
	num := func(c int) int {
		k, ok := dense[c]
		if !ok {
			k = len(dense)
			dense[c] = k
		}
		return k
	}
	type pairKey struct{ lo, hi int }
	byVoter := make([]int, nVoters+1) // counting sort of tested votes by voter
	var total int
	for _, v := range votes {
		if !v.Tested {
			continue
		}
		num(v.A)
		num(v.B)
		byVoter[v.Voter+1]++
		total++
	}
	nc := len(dense)
	byContender := make([]int, nc)
	pairWins := map[pairKey][2]int{} // decisive wins of the lower, of the higher contender
	for u := 1; u <= nVoters; u++ {
		byVoter[u] += byVoter[u-1]
	}
	order := make([]int, total)
	fill := slices.Clone(byVoter[:nVoters])
	for i, v := range votes {
		if !v.Tested {
			continue
		}
		order[fill[v.Voter]] = i
		fill[v.Voter]++
		byContender[dense[v.A]]++
		byContender[dense[v.B]]++
		if w, _, ok := decisive(v.Outcome); ok {
			lo, hi := min(v.A, v.B), max(v.A, v.B)
			pw := pairWins[pairKey{lo, hi}]
			if w == lo {
				pw[0]++
			} else {
				pw[1]++
			}
			pairWins[pairKey{lo, hi}] = pw
		}
	}
	selectiveLevel := o.Alpha / float64(max(tested, 1)*max(nc, 1))
	favoursLevel := o.Alpha / float64(max(tested, 1)*max(nc, 1)*2)

	// Scratch, reset for each voter over the contenders it touched.
	involve := make([]int, nc)
	forC := make([]int, nc)
	againstC := make([]int, nc)
	chances := make([][]float64, nc)
	winsC := make([]int, nc)
	selective := make([]bool, nc)
	favDir := make([]int, nc)
	var touched []int
	own := map[pairKey][2]int{}
	for u := range nVoters {
		idx := order[byVoter[u]:byVoter[u+1]]
		if len(idx) == 0 {
			continue
		}
		touched = touched[:0]
		clear(own)
		for _, i := range idx {
			v := votes[i]
			for _, c := range [2]int{dense[v.A], dense[v.B]} {
				if involve[c] == 0 {
					touched = append(touched, c)
				}
				involve[c]++
			}
			if w, l, ok := decisive(v.Outcome); ok {
				forC[dense[w]]++
				againstC[dense[l]]++
				lo, hi := min(v.A, v.B), max(v.A, v.B)
				m := own[pairKey{lo, hi}]
				if w == lo {
					m[0]++
				} else {
					m[1]++
				}
				own[pairKey{lo, hi}] = m
			}
		}
		// Each decisive vote's chance that its lower contender wins, by
		// the other voters' record of the pair.
		for _, i := range idx {
			v := votes[i]
			w, _, ok := decisive(v.Outcome)
			if !ok {
				continue
			}
			lo, hi := min(v.A, v.B), max(v.A, v.B)
			t, m := pairWins[pairKey{lo, hi}], own[pairKey{lo, hi}]
			loWins, hiWins := t[0]-m[0], t[1]-m[1]
			pLo := float64(loWins+1) / float64(loWins+hiWins+2)
			dl, dh := dense[lo], dense[hi]
			chances[dl] = append(chances[dl], pLo)
			chances[dh] = append(chances[dh], 1-pLo)
			if w == lo {
				winsC[dl]++
			} else {
				winsC[dh]++
			}
		}
		n := len(idx)
		for _, c := range touched {
			k := involve[c]
			others, withC := total-n, byContender[c]-k
			selective[c] = n >= o.MinTestVotes && others > 0 && withC > 0 &&
				rating.BinomialUpperTail(k, n, float64(withC)/float64(others)) < selectiveLevel
			favDir[c] = 0
			if m := len(chances[c]); m >= o.OneSidedMin {
				if rating.PoissonBinomialUpperTail(chances[c], winsC[c]) < favoursLevel {
					favDir[c] = 1
				} else {
					against := make([]float64, m)
					for j, p := range chances[c] {
						against[j] = 1 - p
					}
					if rating.PoissonBinomialUpperTail(against, m-winsC[c]) < favoursLevel {
						favDir[c] = -1
					}
				}
			}
		}
		lopsided := func(c, k int) bool {
			n := forC[c] + againstC[c]
			mine := forC[c]
			if k == 1 {
				mine = againstC[c]
			}
			return n >= o.OneSidedMin && float64(mine) >= o.OneSidedShare*float64(n)
		}
		for _, i := range idx {
			v := votes[i]
			a, b := dense[v.A], dense[v.B]
			if selective[a] || selective[b] {
				flags[i] |= flagSelective
			}
			w, l, ok := decisive(v.Outcome)
			if !ok {
				continue
			}
			dw, dl := dense[w], dense[l]
			if lopsided(dw, 0) || lopsided(dl, 1) {
				flags[i] |= flagOneSided
			}
			if favDir[dw] == 1 || favDir[dl] == -1 {
				flags[i] |= flagFavours
			}
		}
		for _, c := range touched {
			involve[c], forC[c], againstC[c], winsC[c] = 0, 0, 0, 0
			chances[c] = chances[c][:0]
			selective[c], favDir[c] = false, 0
		}
	}
	return flags
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
