package integrity

import (
	"math"

	"openarena.dev/arena/rating"
)

// scoreInput is the votes as the scoring reads them, column by column by
// position, so that it costs a few bytes a vote instead of a struct with
// ints and an outcome (RiskVote).
type scoreInput struct {
	voter []int32     // 0..voters−1
	addr  *packedInts // −1 without an address
	a, b  *packedInts
	read  *floatColumn
	// state holds stateCounted (the vote is tested) and the outcome
	// (stateAWon, stateBWon, neither for a tie).
	state  []uint8
	voters int
	// at is a vote's time in seconds from a fixed origin.
	at func(i int32) float64
}

// outcome is the vote's outcome between its contenders.
func (in *scoreInput) outcome(i int32) rating.Outcome {
	res := 0.5
	switch {
	case in.state[i]&stateAWon != 0:
		res = 1
	case in.state[i]&stateBWon != 0:
		res = 0
	}
	return rating.Outcome{A: int(in.a.at(int(i))), B: int(in.b.at(int(i))), Result: res}
}

// outcomeState is the state bits of an outcome's result.
func outcomeState(result float64) uint8 {
	switch {
	case result > 0.5:
		return stateAWon
	case result < 0.5:
		return stateBWon
	}
	return 0
}

func (in *scoreInput) tested(i int32) bool { return in.state[i]&stateCounted != 0 }

// voterVerdict is what the scoring found about one voter.
type voterVerdict struct {
	// votes are all the voter's votes in the order cast, tested those in
	// the per-voter test; both are scratch, valid during the call only.
	votes, tested []int32
	// bits are every vote's signals by position; the voter's are final.
	bits []uint8
	// test is the per-voter test over tested (its VoteP is scratch too).
	test rating.VoterTest
	// enough says the voter had enough votes to be tested; flagged and
	// unusual are the test's verdicts (see RiskReport).
	enough, flagged, unusual bool
}

// scored is what scoreVotes leaves besides the verdicts.
type scored struct {
	// bits are each vote's signals by position (see signalOrder).
	bits []uint8
	// tested is how many voters had enough votes to be tested.
	tested int
	// pairs are the tested votes' outcomes per pair by class
	// (rating.PairClass), what a vote's p-value is worked out from.
	pairs map[pairKey][3]int
}

// scoreVotes scores every vote of in, order being the positions in the
// order cast (times not decreasing), and calls verdict once per voter, in
// voter order, when the voter's votes have all their signals. It is the
// computation ScoreVotes documents, taken voter by voter (and address by
// address for the shared signal) over groupings of positions, so that what
// it holds per vote is its columns, its signal byte and two int32 lists.
func scoreVotes(in *scoreInput, order []int32, o Options, verdict func(u int, v *voterVerdict)) scored {
	sc := scored{bits: make([]uint8, len(in.state))}
	for i := range sc.bits {
		if in.read.at(i) < o.FastRead.Seconds() {
			sc.bits[i] |= bitFast
		}
	}
	sharedSignals(in, order, o, sc.bits)
	byVoter, start := groupBy(order, func(i int32) int32 { return in.voter[i] }, in.voters)
	p := tallyPopulation(in)
	sc.pairs = p.pairs
	for u := range in.voters {
		if countTested(in, byVoter[start[u]:start[u+1]]) >= o.MinTestVotes {
			sc.tested++
		}
	}
	w := newVoterWork(p.contenders)
	w.v.bits = sc.bits
	lv := levels{
		selective: o.Alpha / float64(max(sc.tested, 1)*max(p.contenders, 1)),
		favours:   o.Alpha / float64(max(sc.tested, 1)*max(p.contenders, 1)*2),
	}
	for u := range in.voters {
		v := w.judgeVoter(in, byVoter[start[u]:start[u+1]], p, o, sc.tested, lv, sc.bits)
		verdict(u, v)
	}
	return sc
}

// countTested is how many of the votes idx are tested.
func countTested(in *scoreInput, idx []int32) int {
	n := 0
	for _, i := range idx {
		if in.tested(i) {
			n++
		}
	}
	return n
}

// groupBy sorts the positions of order by key (a counting sort, keeping
// order within a key; negative keys are left out): key k's are
// out[start[k]:start[k+1]].
func groupBy(order []int32, key func(i int32) int32, keys int) (out, start []int32) {
	start = make([]int32, keys+1)
	for _, i := range order {
		if k := key(i); k >= 0 {
			start[k+1]++
		}
	}
	for k := 1; k <= keys; k++ {
		start[k] += start[k-1]
	}
	out = make([]int32, start[keys])
	// start[k+1] is key k's next place while filling (no second array of
	// a number a key), and key k's end after it: where k+1's begin.
	for k := keys; k > 0; k-- {
		start[k] = start[k-1]
	}
	for _, i := range order {
		if k := key(i); k >= 0 {
			out[start[k+1]] = i
			start[k+1]++
		}
	}
	return out, start
}

// sharedSignals sets the shared signal of every vote cast from an address
// that more than AddressVoters voter ids used within AddressWindow up to
// it, going address by address through each one's votes in the order cast.
func sharedSignals(in *scoreInput, order []int32, o Options, bits []uint8) {
	addrs := int32(0)
	for i := range in.addr.Len() {
		addrs = max(addrs, int32(in.addr.at(i))+1)
	}
	byAddr, start := groupBy(order, func(i int32) int32 { return int32(in.addr.at(int(i))) }, int(addrs))
	span := o.AddressWindow.Seconds()
	voters := map[int32]int{}
	for a := range addrs {
		idx := byAddr[start[a]:start[a+1]]
		clear(voters)
		lo := 0
		for j, i := range idx {
			t := in.at(i)
			voters[in.voter[i]]++
			for lo <= j && in.at(idx[lo]) <= t-span {
				old := in.voter[idx[lo]]
				if voters[old]--; voters[old] == 0 {
					delete(voters, old)
				}
				lo++
			}
			if len(voters) > o.AddressVoters {
				bits[i] |= bitShared
			}
		}
	}
}

// burstSignals sets the burst signal of each of one voter's votes idx (in
// the order cast) that is the BurstVotes-th or later within BurstWindow.
func burstSignals(in *scoreInput, idx []int32, o Options, bits []uint8) {
	span := o.BurstWindow.Seconds()
	lo := 0
	for j, i := range idx {
		from := math.Nextafter(in.at(i)-span, math.Inf(1))
		for lo <= j && in.at(idx[lo]) < from {
			lo++
		}
		if j-lo+1 > o.BurstVotes {
			bits[i] |= bitBurst
		}
	}
}
