package boards

import (
	"sort"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// tallies are a model's wins, ties and losses, shown beside its score.
type tallies struct{ wins, ties, losses int }

// ratingsInput is the counted votes translated for the rating package:
// contenders become indices into names (the slice of all contenders), so
// contenders[i] and names[i] are the same model.
type ratingsInput struct {
	contenders []models.Contender
	names      []string
	outcomes   []rating.Outcome
	style      []rating.StyleCounts
	tallies    []tallies
	// mark identifies the counted votes read, rated or not, so that it
	// compares equal with the store's VoteMark when nothing changed.
	mark models.VoteMark
	// digest is the inputs digest multiset of the outcomes (with style
	// counts), kept by ratedVotes; nil means compute it from them.
	digest *digestSum
	// cells, elo and cellBattles stand for outcomes when set (cellInput):
	// the fast part rates them without a slice of every vote.
	cells       []rating.Cell
	elo         []float64
	cellBattles int
}

// rated is the number of votes the input rates.
func (in *ratingsInput) rated() int {
	if in.cells != nil {
		return in.cellBattles
	}
	return len(in.outcomes)
}

// pairs lists the head-to-head records of the input's votes.
func (in *ratingsInput) pairs() []RatedPair {
	if in.cells != nil {
		return cellPairRecords(in.names, in.cells)
	}
	return pairRecords(in.names, in.outcomes)
}

// ratingInput turns the counted votes into outcomes with both answers'
// style counts, skipping votes on contenders that no longer exist. With
// idx not nil only the votes at those indices are taken (one category's).
func ratingInput(cs []models.Contender, rv *ratedVotes, idx []int) ratingsInput {
	return buildInput(cs, rv, idx, true)
}

// plainInput is ratingInput without the style counts (64 bytes a vote),
// for the overall board's fast part, which does not fit style; the inputs
// digest then must come from the sums ratedVotes keeps.
func plainInput(cs []models.Contender, rv *ratedVotes) ratingsInput {
	return buildInput(cs, rv, nil, false)
}

func buildInput(cs []models.Contender, rv *ratedVotes, idx []int, withStyle bool) ratingsInput {
	in := ratingsInput{contenders: cs, names: make([]string, len(cs)), tallies: make([]tallies, len(cs))}
	index := make(map[uint32]int, len(cs))
	for i, c := range cs {
		index[uint32(c.ID)], in.names[i] = i, c.Slug
	}
	n := rv.len()
	if idx != nil {
		n = len(idx)
	}
	in.outcomes = make([]rating.Outcome, 0, n)
	if withStyle {
		in.style = make([]rating.StyleCounts, 0, n)
	}
	in.mark.Count = n
	for k := range n {
		j := k
		if idx != nil {
			j = idx[k]
		}
		in.mark.LastID = max(in.mark.LastID, uint(rv.id[j]))
		ia, okA := index[rv.a[j]]
		ib, okB := index[rv.b[j]]
		if !okA || !okB || ia == ib {
			continue
		}
		res := resultValue(rv.result[j])
		in.outcomes = append(in.outcomes, rating.Outcome{A: ia, B: ib, Result: res})
		if withStyle {
			st := rv.style[j*styleWidth : (j+1)*styleWidth]
			in.style = append(in.style, rating.StyleCounts{A: styleVector(st[:4]), B: styleVector(st[4:])})
		}
		in.tallies[ia].add(res)
		in.tallies[ib].add(1 - res)
	}
	return in
}

// resultValue is a kept result as the rating package scores it for A.
func resultValue(r uint8) float64 {
	switch r {
	case resultA:
		return 1
	case resultB:
		return 0
	}
	return 0.5
}

// styleVector orders one answer's counts (tokens, headers, lists, bold) as
// rating.StyleFeatureNames does. An answer still unmeasured (measuring
// runs just before, so only one stored in the meantime) counts as empty
// rather than negative.
func styleVector(c []int32) [rating.NumStyleFeatures]float64 {
	return [rating.NumStyleFeatures]float64{
		float64(max(c[0], 0)), float64(c[1]), float64(c[2]), float64(c[3]),
	}
}

func (t *tallies) add(res float64) {
	switch res {
	case 1:
		t.wins++
	case 0:
		t.losses++
	default:
		t.ties++
	}
}

// denseModels is the most models whose pair tallies are kept in a dense
// table (denseModels² cells of 12 bytes, 12 MB); more use a map.
const denseModels = 1000

// pairRecords tallies the outcomes of every pair of models that met, in a
// stable order (by A's slug, then B's).
func pairRecords(names []string, outcomes []rating.Outcome) []RatedPair {
	n := len(names)
	if n > denseModels {
		return sparsePairRecords(names, outcomes)
	}
	t := newPairTable(names)
	for _, o := range outcomes {
		t.add(o.A, o.B, o.Result, 1)
	}
	return t.records()
}

// cellPairRecords is pairRecords over the cells of the same outcomes, for
// at most denseModels names.
func cellPairRecords(names []string, cells []rating.Cell) []RatedPair {
	t := newPairTable(names)
	for _, c := range cells {
		t.add(c.A, c.B, c.Result, int32(c.Count))
	}
	return t.records()
}

// pairTable holds, at a*n+b, a's wins, ties and b's wins, for a's slug
// first.
type pairTable struct {
	names []string
	cells [][3]int32
}

func newPairTable(names []string) *pairTable {
	return &pairTable{names: names, cells: make([][3]int32, len(names)*len(names))}
}

// add tallies k battles of a against b with a's result res.
func (t *pairTable) add(a, b int, res float64, k int32) {
	if t.names[a] > t.names[b] {
		a, b, res = b, a, 1-res
	}
	t.cells[a*len(t.names)+b][outcomeSlot(res)] += k
}

// records lists the pairs that met, by A's slug, then B's.
func (t *pairTable) records() []RatedPair {
	n := len(t.names)
	out := []RatedPair{}
	for a := range n {
		for b := range n {
			if c := t.cells[a*n+b]; c != [3]int32{} {
				out = append(out, RatedPair{A: t.names[a], B: t.names[b], AWins: int(c[0]), Ties: int(c[1]), BWins: int(c[2])})
			}
		}
	}
	sortPairs(out)
	return out
}

// outcomeSlot is where a result for A is tallied: its wins, ties, losses.
func outcomeSlot(res float64) int {
	switch res {
	case 1:
		return 0
	case 0:
		return 2
	}
	return 1
}

// sparsePairRecords is pairRecords for many models.
func sparsePairRecords(names []string, outcomes []rating.Outcome) []RatedPair {
	type key struct{ a, b int }
	cells := map[key]*[3]int{}
	for _, o := range outcomes {
		a, b, res := o.A, o.B, o.Result
		if names[a] > names[b] {
			a, b, res = b, a, 1-res
		}
		c := cells[key{a, b}]
		if c == nil {
			c = new([3]int)
			cells[key{a, b}] = c
		}
		c[outcomeSlot(res)]++
	}
	out := make([]RatedPair, 0, len(cells))
	for k, c := range cells {
		out = append(out, RatedPair{A: names[k.a], B: names[k.b], AWins: c[0], Ties: c[1], BWins: c[2]})
	}
	sortPairs(out)
	return out
}

// sortPairs orders pairs by A's slug, then B's.
func sortPairs(out []RatedPair) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
}
