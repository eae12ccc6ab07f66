package integrity

import (
	"context"
	"sort"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// voteRisks are the scored votes in id order: about 4 bytes a vote (the
// id and the voter packed, a byte or two each, the state bits and the
// signal bits), which is what the sweep, a voter's page and an admin
// action's update of the report need of every vote.
type voteRisks struct {
	ids   packedInts // increasing
	voter packedInts
	state []uint8
	bits  []uint8
}

// find returns the position of the vote with the id, or −1 when the report
// does not know it (cast since).
func (vr *voteRisks) find(id uint) int {
	i, ok := vr.ids.search(int64(id))
	if !ok {
		return -1
	}
	return i
}

// VotesOf returns the voter's votes, in the order cast, each
// with its risk and p-value. The votes are read afresh for the one voter
// (an index walk); their scores come from the report, and their p-values
// are worked out again from the report's pair counts, so a vote cast since
// is unscored (and left out of the p-values) until the next report, as on
// the report's other lines.
func (s *Service) VotesOf(ctx context.Context, rep *Report, voterID string) ([]VoteRiskLine, error) {
	votes, err := s.store.IntegrityVotes(ctx, voterID)
	if err != nil {
		return nil, err
	}
	return rep.riskLines(votes), nil
}

// riskLines are the votes (one voter's), with their risks and p-values
// from the report, in the order cast; those it does not know unscored.
func (rep *Report) riskLines(votes []models.IntegrityVote) []VoteRiskLine {
	var out []VoteRiskLine
	var tested []bool
	own := map[pairKey][3]int{}
	rep.mu.Lock()
	for _, v := range votes {
		i := rep.votes.find(v.ID)
		if i < 0 {
			out, tested = append(out, VoteRiskLine{Vote: v, P: 1, Unscored: true}), append(tested, false)
			continue
		}
		// The test took the votes counted when cast, as the report knew them.
		t := rep.votes.state[i]&stateCounted != 0
		out, tested = append(out, VoteRiskLine{Vote: v, Risk: riskOf(rep.votes.bits[i]), P: 1}), append(tested, t)
		if t {
			lo, hi, c := rating.PairClass(outcomeOf(v))
			n := own[pairKey{lo, hi}]
			n[c]++
			own[pairKey{lo, hi}] = n
		}
	}
	rep.mu.Unlock()
	for k := range out {
		if !tested[k] {
			continue
		}
		lo, hi, c := rating.PairClass(outcomeOf(out[k].Vote))
		all, mine := rep.pairs[pairKey{lo, hi}], own[pairKey{lo, hi}]
		out[k].P = rating.PairOutcomeP([3]int{all[0] - mine[0], all[1] - mine[1], all[2] - mine[2]}, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Vote.CreatedAt.Before(out[j].Vote.CreatedAt) })
	return out
}

// outcomeOf converts a stored vote to a rating outcome between contender ids.
func outcomeOf(v models.IntegrityVote) rating.Outcome {
	res := 0.5
	switch v.Winner {
	case models.WinnerA:
		res = 1
	case models.WinnerB:
		res = 0
	}
	return rating.Outcome{A: int(v.ContenderAID), B: int(v.ContenderBID), Result: res}
}

// sweepReasons returns the exclusion reason of every vote whose risk
// reaches the threshold and that is in the ratings and not cleared by an
// admin, and how many votes reach the threshold in all.
func (rep *Report) sweepReasons() (reasons map[uint]string, risky int64) {
	reasons = map[uint]string{}
	th := rep.Options.Threshold - 1e-9
	rep.mu.Lock()
	defer rep.mu.Unlock()
	for i, bits := range rep.votes.bits {
		if riskScore(bits) < th {
			continue
		}
		risky++
		if st := rep.votes.state[i]; st&stateInRatings != 0 && st&stateCleared == 0 {
			reasons[uint(rep.votes.ids.at(i))] = riskOf(bits).Reason()
		}
	}
	return reasons, risky
}

// excluded updates the report for votes just left out of the ratings.
func (rep *Report) excluded(ids []uint) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	for _, id := range ids {
		i := rep.votes.find(id)
		if i < 0 || rep.votes.state[i]&stateInRatings == 0 {
			continue
		}
		l := rep.lines.fullLine(int(rep.votes.voter.at(i)))
		l.count(rep.votes.state[i], -1)
		rep.votes.state[i] &^= stateInRatings
		l.count(rep.votes.state[i], 1)
	}
}

// voterChanged updates the report for an admin action on one voter, given
// the voter's votes and block as they are now: the votes' states, the
// line's rated and excluded counts and its block. Nothing else in the
// report depends on them (the risk scores take every vote counted when
// cast, whatever happened to it since). It returns false when the voter
// has votes the report does not know (cast since): the votes it knows and
// the block are updated all the same, and only a new report shows the
// others.
func (rep *Report) voterChanged(voterID string, votes []models.IntegrityVote, blocked bool) bool {
	u, ok := rep.Find(voterID)
	if !ok {
		return len(votes) == 0
	}
	rep.mu.Lock()
	defer rep.mu.Unlock()
	complete := true
	l := rep.lines.fullLine(u)
	for _, v := range votes {
		i := rep.votes.find(v.ID)
		if i < 0 {
			complete = false
			continue
		}
		l.count(rep.votes.state[i], -1)
		rep.votes.state[i] &^= stateInRatings | stateCleared
		if v.InRatings() {
			rep.votes.state[i] |= stateInRatings
		}
		if v.Cleared {
			rep.votes.state[i] |= stateCleared
		}
		l.count(rep.votes.state[i], 1)
	}
	if was := rep.line(u); was.has(lineBlocked) != blocked {
		rep.lines.setBlocked(u, blocked)
		rep.rank = nil
	}
	return complete
}
