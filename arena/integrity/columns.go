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
// in id order: about 12 bytes a vote, where a stored row with its strings
// takes several hundred. Voters and addresses are interned once. The
// columns that are not rewritten are packed as they come: the ids and
// the times nearly increase, contenders and addresses are small numbers,
// and read times take few distinct values or are kept as they are.
type voteColumns struct {
	ids    packedInts
	voter  []int32    // a number of voters
	addr   packedInts // −1 without an address
	a, b   packedInts
	read   floatColumn
	at     packedInts // Unix nanoseconds
	state  []uint8
	voters *interner
}

// columnsBuilder is voteColumns while the votes are read.
type columnsBuilder struct {
	ids, addr, a, b, at intPacker
	read                floatPacker
	voter               []int32
	state               []uint8
	voters, addresses   *interner
}

// readTimeCodes bounds the distinct read times numbered: a seed writes
// one, real voters a different one each, which are kept as they are.
const readTimeCodes = 1 << 12

// readColumns streams every vote of each into columns, sized for about
// hint votes (more take their room as they come).
func readColumns(ctx context.Context, each voteSource, hint int) (*voteColumns, error) {
	c := &columnsBuilder{voters: newInterner(), addresses: newInterner(), read: floatPacker{limit: readTimeCodes},
		voter: make([]int32, 0, hint), state: make([]uint8, 0, hint)}
	err := each(ctx, func(v *models.IntegrityVote) error {
		c.add(v)
		return nil
	})
	c.voters.slot = nil // every id is numbered: the table can go
	return &voteColumns{ids: c.ids.done(), voter: c.voter, addr: c.addr.done(), a: c.a.done(), b: c.b.done(),
		read: c.read.done(), at: c.at.done(), state: c.state, voters: c.voters}, err
}

// add appends one vote.
func (c *columnsBuilder) add(v *models.IntegrityVote) {
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
	c.voter, c.state = append(c.voter, c.voters.index(v.VoterID)), append(c.state, st)
	c.addr.add(int64(addr))
	c.a.add(int64(v.ContenderAID))
	c.b.add(int64(v.ContenderBID))
	c.read.add(v.ReadSeconds)
	c.at.add(v.CreatedAt.UnixNano())
}

// timeOrder is the votes' positions in the order cast: by time, ties in id
// order (votes come in id order, the order cast up to clock skew between
// replicas; the sliding windows want time order).
func (c *voteColumns) timeOrder() []int32 {
	order := make([]int32, len(c.state))
	sorted := true
	for i := range order {
		order[i] = int32(i)
		sorted = sorted && (i == 0 || c.at.at(i-1) <= c.at.at(i))
	}
	if !sorted {
		slices.SortStableFunc(order, func(i, j int32) int { return cmp.Compare(c.at.at(int(i)), c.at.at(int(j))) })
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
	// The interner goes as soon as the names are copied out of it, before
	// they are sorted.
	ids := c.voters
	c.voters = nil
	return newVoterNames(ids, perm)
}

// scoreInput is the columns as the scoring reads them, with times in
// seconds from the first vote in order.
func (c *voteColumns) scoreInput(order []int32, voters int) *scoreInput {
	var origin int64
	if len(order) > 0 {
		origin = c.at.at(int(order[0]))
	}
	return &scoreInput{voter: c.voter, addr: &c.addr, a: &c.a, b: &c.b, read: &c.read, state: c.state, voters: voters,
		at: func(i int32) float64 { return time.Duration(c.at.at(int(i)) - origin).Seconds() }}
}
