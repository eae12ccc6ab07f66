package boards

import (
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
	if len(cs) > min(rating.MaxCounterModels, denseModels) {
		return plainInput(cs, rv)
	}
	in := ratingsInput{contenders: cs, names: make([]string, len(cs)), tallies: make([]tallies, len(cs))}
	pos := newModelIndex(cs)
	for i, c := range cs {
		in.names[i] = c.Slug
	}
	counter := rating.NewCellCounter(len(cs))
	replay := rating.NewEloReplay(len(cs), elo)
	n := rv.len()
	in.mark.Count = n
	if n > 0 {
		in.mark.LastID = uint(rv.id[n-1])
	}
	for j := range n {
		ia, ib := pos.of(rv.a[j]), pos.of(rv.b[j])
		if ia < 0 || ib < 0 || ia == ib {
			continue
		}
		res := resultValue(rv.result[j])
		counter.Add(ia, ib, res)
		replay.Add(ia, ib, res)
		in.tallies[ia].add(res)
		in.tallies[ib].add(1 - res)
		in.cellBattles++
	}
	in.cells, in.elo = counter.Cells(), replay.Ratings
	return in
}
