package integrity

import (
	"cmp"
	"context"
	"slices"
	"time"

	"openarena.dev/arena/models"
)

// Vote state bits of voteColumns.state and voteRisks.state.
const (
	stateCounted uint8 = 1 << iota
	stateInRatings
	stateCleared
	stateAWon
	stateBWon
)

// voteColumns is every stored vote as the report needs it, column by column
// in id order: 34 bytes a vote, where a stored row with its strings takes
// several hundred. Voters and addresses are interned once; the ids, which
// only the report keeps, are packed as they come (about a byte each).
type voteColumns struct {
	ids       intPacker
	voter     []int32 // a number of voters
	addr      []int32 // −1 without an address
	a, b      []int32
	read      []float64
	at        []int64 // Unix nanoseconds
	state     []uint8
	voters    *interner
	addresses *interner
}

// readColumns streams every vote of each into columns, sized for about
// hint votes (more take their room as they come).
func readColumns(ctx context.Context, each voteSource, hint int) (*voteColumns, error) {
	c := &voteColumns{voters: newInterner(), addresses: newInterner(),
		voter: make([]int32, 0, hint), addr: make([]int32, 0, hint), a: make([]int32, 0, hint), b: make([]int32, 0, hint),
		read: make([]float64, 0, hint), at: make([]int64, 0, hint), state: make([]uint8, 0, hint)}
	err := each(ctx, func(v *models.IntegrityVote) error {
		c.add(v)
		return nil
	})
	c.addresses = nil
	return c, err
}

// add appends one vote.
func (c *voteColumns) add(v *models.IntegrityVote) {
	u := c.voters.index(v.VoterID)
	addr := int32(-1)
	if v.IPHash != "" {
		addr = c.addresses.index(v.IPHash)
	}
	var st uint8
	switch v.Winner {
	case models.WinnerA:
		st |= stateAWon
	case models.WinnerB:
		st |= stateBWon
	}
	if v.Counted {
		st |= stateCounted
	}
	if v.InRatings() {
		st |= stateInRatings
	}
	if v.Cleared {
		st |= stateCleared
	}
	c.ids.add(int64(v.ID))
	c.voter, c.addr = append(c.voter, u), append(c.addr, addr)
	c.a, c.b = append(c.a, int32(v.ContenderAID)), append(c.b, int32(v.ContenderBID))
	c.read, c.at, c.state = append(c.read, v.ReadSeconds), append(c.at, v.CreatedAt.UnixNano()), append(c.state, st)
}

// timeOrder is the votes' positions in the order cast: by time, ties in id
// order (votes come in id order, the order cast up to clock skew between
// replicas; the sliding windows want time order).
func (c *voteColumns) timeOrder() []int32 {
	order := make([]int32, len(c.at))
	for i := range order {
		order[i] = int32(i)
	}
	if !slices.IsSorted(c.at) {
		slices.SortStableFunc(order, func(i, j int32) int { return cmp.Compare(c.at[i], c.at[j]) })
	}
	return order
}

// renumber numbers the voters in the order of their first vote in order,
// in place, and returns their ids in that order.
func (c *voteColumns) renumber(order []int32) voterNames {
	n := c.voters.Len()
	perm := make([]int32, 0, n) // the voters' numbers as read, in the new order
	renum := make([]int32, n)
	for i := range renum {
		renum[i] = -1
	}
	identity := true
	for _, i := range order {
		if k := c.voter[i]; renum[k] < 0 {
			renum[k] = int32(len(perm))
			identity = identity && k == int32(len(perm))
			perm = append(perm, k)
		}
	}
	if !identity {
		for i, k := range c.voter {
			c.voter[i] = renum[k]
		}
	} else {
		perm = nil
	}
	c.voters.slot = nil // the ids are all numbered: the table can go first
	names := newVoterNames(c.voters, perm)
	c.voters = nil
	return names
}

// scoreInput is the columns as the scoring reads them, with times in
// seconds from the first vote in order.
func (c *voteColumns) scoreInput(order []int32, voters int) *scoreInput {
	var origin int64
	if len(order) > 0 {
		origin = c.at[order[0]]
	}
	return &scoreInput{voter: c.voter, addr: c.addr, a: c.a, b: c.b, read: c.read, state: c.state, voters: voters,
		at: func(i int32) float64 { return time.Duration(c.at[i] - origin).Seconds() }}
}
