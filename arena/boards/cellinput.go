package boards

import (
	"slices"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// cellInput is plainInput reduced in the same pass to what the fast part
// rates: the cells, the online Elo and the tallies, without a slice of
// outcomes (24 bytes a vote, and a second copy inside the rating engine).
// The board it gives is the one plainInput's outcomes give. It returns
// plainInput when there are more contenders than a cell counter or a dense
// pair table takes.
func cellInput(cs []models.Contender, rv *ratedVotes, elo rating.EloParams) ratingsInput {
	var c *cellCount
	return c.input(cs, rv, elo)
}

// cellCount is cellInput's pass over the held votes, kept between
// computations: while votes are only appended (new votes, the usual change
// under voting) the next computation counts the new rows alone instead of
// every vote again, so its cost no longer grows with the votes ever cast.
// Any other change to the columns (a vote changed, dropped, or inserted
// below the newest; a full read) or to the contenders or the Elo settings
// starts it over. Counts are integers and the Elo replay takes the same
// votes in the same order with the same arithmetic, so the input is the
// one a pass over every vote gives, bit for bit.
type cellCount struct {
	rv    *ratedVotes
	edits uint64 // rv.edits when last counted
	n     int    // rows of rv counted
	ids   []uint // the contenders' ids, by position
	elo   rating.EloParams
	pos   modelIndex

	counter     *rating.CellCounter
	replay      *rating.EloReplay
	tallies     []tallies
	cellBattles int
}

// input brings the count up to rv and returns the fast part's input from
// it, leaving the count in c for the next computation; a nil c counts
// afresh and keeps nothing.
func (c *cellCount) input(cs []models.Contender, rv *ratedVotes, elo rating.EloParams) ratingsInput {
	if len(cs) > min(rating.MaxCounterModels, denseModels) {
		return plainInput(cs, rv)
	}
	if c == nil {
		c = &cellCount{}
	}
	if !c.continues(cs, rv, elo) {
		c.start(cs, rv, elo)
	}
	c.count(rv)
	in := ratingsInput{contenders: cs, names: make([]string, len(cs)), mark: rv.mark(),
		tallies: slices.Clone(c.tallies), cells: c.counter.Cells(), elo: slices.Clone(c.replay.Ratings),
		cellBattles: c.cellBattles}
	for i, x := range cs {
		in.names[i] = x.Slug
	}
	return in
}

// continues says whether the votes counted are still rv's first c.n rows
// over the same contenders and Elo settings.
func (c *cellCount) continues(cs []models.Contender, rv *ratedVotes, elo rating.EloParams) bool {
	if c.rv != rv || c.edits != rv.edits || c.n > rv.len() || c.elo != elo || len(c.ids) != len(cs) {
		return false
	}
	for i, x := range cs {
		if c.ids[i] != x.ID {
			return false
		}
	}
	return true
}

// start forgets what was counted.
func (c *cellCount) start(cs []models.Contender, rv *ratedVotes, elo rating.EloParams) {
	*c = cellCount{rv: rv, edits: rv.edits, elo: elo, pos: newModelIndex(cs), ids: make([]uint, len(cs)),
		counter: rating.NewCellCounter(len(cs)), replay: rating.NewEloReplay(len(cs), elo), tallies: make([]tallies, len(cs))}
	for i, x := range cs {
		c.ids[i] = x.ID
	}
}

// count adds rv's rows from c.n on.
func (c *cellCount) count(rv *ratedVotes) {
	for j := c.n; j < rv.len(); j++ {
		ia, ib := c.pos.of(rv.a[j]), c.pos.of(rv.b[j])
		if ia < 0 || ib < 0 || ia == ib {
			continue
		}
		res := resultValue(rv.result[j])
		c.counter.Add(ia, ib, res)
		c.replay.Add(ia, ib, res)
		c.tallies[ia].add(res)
		c.tallies[ib].add(1 - res)
		c.cellBattles++
	}
	c.n = rv.len()
}
