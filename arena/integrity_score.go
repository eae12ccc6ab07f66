package arena

import (
	"fmt"
	"math"
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

	oneSided := oneSidedTally(votes, o)
	favours := favourTally(votes, o, rep.Tested, len(oneSided.byContender))
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
		if v.Tested && oneSided.flags(v) {
			r.add(SignalOneSided, weightOneSided)
		}
		if v.Tested && oneSided.selective(v, rep.Tested) {
			r.add(SignalSelective, weightSelective)
		}
		if v.Tested && favours.flags(v) {
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

// oneSided counts, per voter and contender, decisive tested votes for and
// against the contender, and all tested votes involving it.
type oneSided struct {
	o      IntegrityOptions
	counts map[[2]int][2]int // (voter, contender) → (for, against)
	// involve counts tested votes with the contender per (voter,
	// contender); byVoter, byContender and total are the margins.
	involve     map[[2]int]int
	byVoter     map[int]int
	byContender map[int]int
	total       int
	// tails caches the selective test per (voter, contender).
	tails map[[2]int]bool
}

func oneSidedTally(votes []RiskVote, o IntegrityOptions) *oneSided {
	t := &oneSided{o: o, counts: map[[2]int][2]int{}, involve: map[[2]int]int{}, byVoter: map[int]int{},
		byContender: map[int]int{}, tails: map[[2]int]bool{}}
	for _, v := range votes {
		if !v.Tested {
			continue
		}
		t.total++
		t.byVoter[v.Voter]++
		for _, c := range [2]int{v.A, v.B} {
			t.involve[[2]int{v.Voter, c}]++
			t.byContender[c]++
		}
		if w, l, ok := decisive(v.Outcome); ok {
			c := t.counts[[2]int{v.Voter, w}]
			c[0]++
			t.counts[[2]int{v.Voter, w}] = c
			c = t.counts[[2]int{v.Voter, l}]
			c[1]++
			t.counts[[2]int{v.Voter, l}] = c
		}
	}
	return t
}

// flags reports whether the vote goes the way its voter almost always goes
// about either of its contenders.
func (t *oneSided) flags(v RiskVote) bool {
	w, l, ok := decisive(v.Outcome)
	if !ok {
		return false
	}
	lopsided := func(c [2]int, k int) bool {
		n := c[0] + c[1]
		return n >= t.o.OneSidedMin && float64(c[k]) >= t.o.OneSidedShare*float64(n)
	}
	return lopsided(t.counts[[2]int{v.Voter, w}], 0) || lopsided(t.counts[[2]int{v.Voter, l}], 1)
}

// selective reports whether either contender of the vote is in far more of
// the voter's votes than chance allows, given how often it is in everyone
// else's votes; tested is the number of voters tested, for the correction.
func (t *oneSided) selective(v RiskVote, tested int) bool {
	for _, c := range [2]int{v.A, v.B} {
		key := [2]int{v.Voter, c}
		hit, ok := t.tails[key]
		if !ok {
			n, k := t.byVoter[v.Voter], t.involve[key]
			others, withC := t.total-n, t.byContender[c]-k
			if n >= t.o.MinTestVotes && others > 0 && withC > 0 {
				level := t.o.Alpha / float64(max(tested, 1)*max(len(t.byContender), 1))
				hit = rating.BinomialUpperTail(k, n, float64(withC)/float64(others)) < level
			}
			t.tails[key] = hit
		}
		if hit {
			return true
		}
	}
	return false
}

// favour holds, per (voter, contender), the voter's decisive votes about
// the contender: for each, the contender's chance to win it by the other
// voters' record of the pair, and whether it won.
type favour struct {
	chances []float64
	wins    int
}

// favourTest is the favours test (see IntegrityOptions) of every voter
// and contender.
type favourTest struct {
	// dir is +1 when the voter's votes favour the contender beyond chance,
	// −1 when they go against it beyond chance.
	dir map[[2]int]int
}

// favourTally runs the favours test over the tested votes.
func favourTally(votes []RiskVote, o IntegrityOptions, tested, contenders int) *favourTest {
	type pair struct{ lo, hi int }
	totals := map[pair][2]int{}      // decisive wins of lo, of hi
	own := map[int]map[pair][2]int{} // per voter
	for _, v := range votes {
		w, _, ok := decisive(v.Outcome)
		if !ok || !v.Tested {
			continue
		}
		lo, hi := min(v.A, v.B), max(v.A, v.B)
		side := 0
		if w == hi {
			side = 1
		}
		t := totals[pair{lo, hi}]
		t[side]++
		totals[pair{lo, hi}] = t
		if own[v.Voter] == nil {
			own[v.Voter] = map[pair][2]int{}
		}
		m := own[v.Voter][pair{lo, hi}]
		m[side]++
		own[v.Voter][pair{lo, hi}] = m
	}
	per := map[[2]int]*favour{}
	for _, v := range votes {
		w, _, ok := decisive(v.Outcome)
		if !ok || !v.Tested {
			continue
		}
		lo, hi := min(v.A, v.B), max(v.A, v.B)
		t, m := totals[pair{lo, hi}], own[v.Voter][pair{lo, hi}]
		loWins, hiWins := t[0]-m[0], t[1]-m[1]
		pLo := float64(loWins+1) / float64(loWins+hiWins+2)
		for _, c := range [2]int{lo, hi} {
			key := [2]int{v.Voter, c}
			f := per[key]
			if f == nil {
				f = &favour{}
				per[key] = f
			}
			p := pLo
			if c == hi {
				p = 1 - pLo
			}
			f.chances = append(f.chances, p)
			if w == c {
				f.wins++
			}
		}
	}
	level := o.Alpha / float64(max(tested, 1)*max(contenders, 1)*2)
	ft := &favourTest{dir: map[[2]int]int{}}
	for key, f := range per {
		n := len(f.chances)
		if n < o.OneSidedMin {
			continue
		}
		if rating.PoissonBinomialUpperTail(f.chances, f.wins) < level {
			ft.dir[key] = 1
			continue
		}
		against := make([]float64, n)
		for i, p := range f.chances {
			against[i] = 1 - p
		}
		if rating.PoissonBinomialUpperTail(against, n-f.wins) < level {
			ft.dir[key] = -1
		}
	}
	return ft
}

// flags reports whether the vote goes the lopsided way about one of its
// contenders.
func (ft *favourTest) flags(v RiskVote) bool {
	w, l, ok := decisive(v.Outcome)
	return ok && (ft.dir[[2]int{v.Voter, w}] == 1 || ft.dir[[2]int{v.Voter, l}] == -1)
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
