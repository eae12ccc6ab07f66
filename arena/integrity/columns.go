package integrity

import (
	"cmp"
	"context"
	"slices"
	"time"

	"openarena.dev/arena/models"
)

// Vote state bits of voteColumns.state.
const (
	stateCounted uint8 = 1 << iota
	stateInRatings
	stateCleared
)

// voteColumns is every stored vote as the report needs it, column by column
// in id order: about 40 bytes a vote, where a stored row with its strings
// takes several hundred. Voters and addresses are interned once.
type voteColumns struct {
	ids        []uint
	voter      []int32 // index into voterIDs, in id order of first vote
	addr       []int32 // −1 without an address
	a, b       []int32
	result     []float64
	read       []float64
	at         []int64 // Unix nanoseconds
	state      []uint8
	voterIDs   []string
	voterIdx   map[string]int32
	addressIdx map[string]int32
}

// readColumns streams every stored vote into columns.
func readColumns(ctx context.Context, each voteSource) (*voteColumns, error) {
	c := &voteColumns{voterIdx: map[string]int32{}, addressIdx: map[string]int32{}}
	err := each(ctx, func(v *models.IntegrityVote) error {
		c.add(v)
		return nil
	})
	return c, err
}

// add appends one vote.
func (c *voteColumns) add(v *models.IntegrityVote) {
	u, ok := c.voterIdx[v.VoterID]
	if !ok {
		u = int32(len(c.voterIDs))
		c.voterIdx[v.VoterID] = u
		c.voterIDs = append(c.voterIDs, v.VoterID)
	}
	addr := int32(-1)
	if v.IPHash != "" {
		k, ok := c.addressIdx[v.IPHash]
		if !ok {
			k = int32(len(c.addressIdx))
			c.addressIdx[v.IPHash] = k
		}
		addr = k
	}
	var st uint8
	if v.Counted {
		st |= stateCounted
	}
	if v.InRatings() {
		st |= stateInRatings
	}
	if v.Cleared {
		st |= stateCleared
	}
	o := outcomeOf(*v)
	c.ids, c.voter, c.addr = append(c.ids, v.ID), append(c.voter, u), append(c.addr, addr)
	c.a, c.b, c.result = append(c.a, int32(o.A)), append(c.b, int32(o.B)), append(c.result, o.Result)
	c.read, c.at, c.state = append(c.read, v.ReadSeconds), append(c.at, v.CreatedAt.UnixNano()), append(c.state, st)
}

// timeOrder is the votes' positions in the order cast: by time, ties in id
// order (votes come in id order, the order cast up to clock skew between
// replicas; the sliding windows want time order).
func (c *voteColumns) timeOrder() []int32 {
	order := make([]int32, len(c.ids))
	for i := range order {
		order[i] = int32(i)
	}
	if !slices.IsSorted(c.at) {
		slices.SortStableFunc(order, func(i, j int32) int { return cmp.Compare(c.at[i], c.at[j]) })
	}
	return order
}

// riskVotes are the votes in the given order for ScoreVotes, with voters
// numbered in order of first vote in that order and times in seconds from
// the first vote; voterIDs names the new numbers.
func (c *voteColumns) riskVotes(order []int32) (rv []RiskVote, voterIDs []string) {
	renum := make([]int32, len(c.voterIDs))
	for i := range renum {
		renum[i] = -1
	}
	voterIDs = make([]string, 0, len(c.voterIDs))
	rv = make([]RiskVote, len(order))
	var origin int64
	if len(order) > 0 {
		origin = c.at[order[0]]
	}
	for k, i := range order {
		u := c.voter[i]
		if renum[u] < 0 {
			renum[u] = int32(len(voterIDs))
			voterIDs = append(voterIDs, c.voterIDs[u])
		}
		rv[k] = RiskVote{Voter: int(renum[u]), Address: int(c.addr[i]), ReadSeconds: c.read[i],
			At: time.Duration(c.at[i] - origin).Seconds(), Tested: c.state[i]&stateCounted != 0}
		rv[k].A, rv[k].B, rv[k].Result = int(c.a[i]), int(c.b[i]), c.result[i]
	}
	return rv, voterIDs
}
