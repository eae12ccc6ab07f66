package integrity

import (
	"context"
	"slices"
	"sort"
)

// signalOrder lists the signals in the order ScoreVotes adds them, with
// their weights, so that a vote's risk is kept as one byte of bits and
// rebuilt exactly: the same signals in the same order, the same sum.
var signalOrder = [...]struct {
	name   string
	weight float64
}{
	{SignalFast, weightFast}, {SignalBurst, weightBurst}, {SignalShared, weightShared},
	{SignalOneSided, weightOneSided}, {SignalSelective, weightSelective}, {SignalFavours, weightFavours},
	{SignalAnomalous, weightAnomalous}, {SignalUnusual, weightUnusual},
}

// signalBit is each signal's bit in a vote's signal byte.
var signalBit = func() map[string]uint8 {
	m := map[string]uint8{}
	for i, s := range signalOrder {
		m[s.name] = 1 << i
	}
	return m
}()

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

// voteRisks are the scored votes in id order: 18 bytes a vote (id, signal
// bits, state bits, p-value), which is what the sweep and a voter's page
// need of every vote.
type voteRisks struct {
	ids     []uint
	signals []uint8
	state   []uint8
	p       []float64
}

func newVoteRisks(cols *voteColumns) voteRisks {
	n := len(cols.ids)
	return voteRisks{ids: cols.ids, state: cols.state, signals: make([]uint8, n), p: make([]float64, n)}
}

// set keeps the risk and p-value of the i-th vote in id order.
func (vr *voteRisks) set(i int, r Risk, p float64) {
	var bits uint8
	for _, s := range r.Signals {
		bits |= signalBit[s]
	}
	vr.signals[i], vr.p[i] = bits, p
}

// find returns the position of the vote with the id, or −1 when the report
// does not know it (cast since).
func (vr *voteRisks) find(id uint) int {
	i, ok := slices.BinarySearch(vr.ids, id)
	if !ok {
		return -1
	}
	return i
}

// VotesOf returns the voter's votes in the report, in the order cast, each
// with its risk and p-value. The votes are read afresh for the one voter
// (an index walk); their scores come from the report, so a vote cast
// since is left out until the next report, as on the report's other lines.
func (s *Service) VotesOf(ctx context.Context, rep *Report, voterID string) ([]VoteRiskLine, error) {
	votes, err := s.store.IntegrityVotes(ctx, voterID)
	if err != nil {
		return nil, err
	}
	var out []VoteRiskLine
	for _, v := range votes {
		if i := rep.votes.find(v.ID); i >= 0 {
			out = append(out, VoteRiskLine{Vote: v, Risk: riskOf(rep.votes.signals[i]), P: rep.votes.p[i]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Vote.CreatedAt.Before(out[j].Vote.CreatedAt) })
	return out, nil
}

// sweepReasons returns the exclusion reason of every vote whose risk
// reaches the threshold and that is in the ratings and not cleared by an
// admin, and how many votes reach the threshold in all.
func (rep *Report) sweepReasons() (reasons map[uint]string, risky int64) {
	reasons = map[uint]string{}
	th := rep.Options.Threshold - 1e-9
	for i, bits := range rep.votes.signals {
		r := riskOf(bits)
		if r.Score < th {
			continue
		}
		risky++
		if st := rep.votes.state[i]; st&stateInRatings != 0 && st&stateCleared == 0 {
			reasons[rep.votes.ids[i]] = r.Reason()
		}
	}
	return reasons, risky
}
