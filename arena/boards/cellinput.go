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
	pos := newContenderIndex(cs)
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

// contenderIndex maps a contender id to its position in the contenders
// rated, −1 when absent: a slice indexed by id when ids are small (they
// are a table's serial), a map otherwise.
type contenderIndex struct {
	dense  []int32
	sparse map[uint32]int
}

// maxDenseID bounds the slice of a contenderIndex (4 MB).
const maxDenseID = 1 << 20

func newContenderIndex(cs []models.Contender) contenderIndex {
	top := uint(0)
	for _, c := range cs {
		top = max(top, c.ID)
	}
	if top >= maxDenseID {
		m := make(map[uint32]int, len(cs))
		for i, c := range cs {
			m[uint32(c.ID)] = i
		}
		return contenderIndex{sparse: m}
	}
	d := make([]int32, top+1)
	for i := range d {
		d[i] = -1
	}
	for i, c := range cs {
		d[c.ID] = int32(i)
	}
	return contenderIndex{dense: d}
}

func (x contenderIndex) of(id uint32) int {
	if x.sparse != nil {
		if i, ok := x.sparse[id]; ok {
			return i
		}
		return -1
	}
	if int(id) >= len(x.dense) {
		return -1
	}
	return int(x.dense[id])
}
