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
	// battles gives the outcomes again with their style counts, read from
	// the votes held, so that the counts are never copied for all votes
	// at once and the style fit can run once outcomes is dropped; style
	// lists the counts (ratingInput), as InputsDigest takes them.
	battles rating.Battles
	style   []rating.StyleCounts
	tallies []tallies
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

// voteSelection picks the held votes an input takes: those at idx when
// it is set, else those whose category set is marked in sets when that is
// set, else every vote.
type voteSelection struct {
	idx  []int
	sets []bool
}

// ratingInput is styledInput with the style counts listed as well, taking
// the votes at idx (every vote when nil).
func ratingInput(cs []models.Contender, rv *ratedVotes, idx []int) ratingsInput {
	in := styledInput(cs, rv, voteSelection{idx: idx})
	in.style = styleList(in.battles)
	return in
}

// styledInput turns the selected counted votes into outcomes with both
// answers' style counts, skipping votes on contenders that no longer
// exist. The style counts stay in rv, which must not change while the
// input is rated.
func styledInput(cs []models.Contender, rv *ratedVotes, sel voteSelection) ratingsInput {
	return buildInput(cs, rv, sel, true)
}

// plainInput is the input without the style counts, for the overall
// board's fast part, which does not fit style; the inputs digest then
// must come from the sums ratedVotes keeps.
func plainInput(cs []models.Contender, rv *ratedVotes) ratingsInput {
	return buildInput(cs, rv, voteSelection{}, false)
}

func buildInput(cs []models.Contender, rv *ratedVotes, sel voteSelection, withStyle bool) ratingsInput {
	in := ratingsInput{contenders: cs, names: make([]string, len(cs)), tallies: make([]tallies, len(cs))}
	index := newModelIndex(cs)
	for i, c := range cs {
		in.names[i] = c.Slug
	}
	n := rv.len()
	if sel.idx != nil {
		n = len(sel.idx)
	}
	in.outcomes = make([]rating.Outcome, 0, sel.count(rv))
	held := heldBattles{rv: rv, index: index}
	for k := range n {
		j := k
		if sel.idx != nil {
			j = sel.idx[k]
		} else if sel.sets != nil && !sel.sets[rv.cat[j]] {
			continue
		}
		in.mark.Count++
		in.mark.LastID = max(in.mark.LastID, uint(rv.id[j]))
		ia, ib := index.of(rv.a[j]), index.of(rv.b[j])
		if ia < 0 || ib < 0 || ia == ib {
			continue
		}
		res := resultValue(rv.result[j])
		held.take(len(in.outcomes), j)
		in.outcomes = append(in.outcomes, rating.Outcome{A: ia, B: ib, Result: res})
		in.tallies[ia].add(res)
		in.tallies[ib].add(1 - res)
	}
	if withStyle {
		held.n = len(in.outcomes)
		in.battles = held
	}
	return in
}

// count is the number of votes selected.
func (sel voteSelection) count(rv *ratedVotes) int {
	switch {
	case sel.idx != nil:
		return len(sel.idx)
	case sel.sets == nil:
		return rv.len()
	}
	n := 0
	for _, k := range rv.cat {
		if sel.sets[k] {
			n++
		}
	}
	return n
}

// heldBattles gives the rating package an input's battles again from the
// held columns: outcome i is held vote rows[i], or vote i while rows is
// nil (every vote taken, in order), so the common case costs nothing a
// vote.
type heldBattles struct {
	rv    *ratedVotes
	index modelIndex
	rows  []int32
	n     int
}

// take records that outcome i is held vote j.
func (h *heldBattles) take(i, j int) {
	if h.rows == nil && i == j {
		return
	}
	if h.rows == nil {
		h.rows = make([]int32, i, i+1024)
		for k := range h.rows {
			h.rows[k] = int32(k)
		}
	}
	h.rows = append(h.rows, int32(j))
}

func (h heldBattles) Len() int { return h.n }

func (h heldBattles) Battle(i int) (rating.Outcome, rating.StyleCounts) {
	j := i
	if h.rows != nil {
		j = int(h.rows[i])
	}
	o := rating.Outcome{A: h.index.of(h.rv.a[j]), B: h.index.of(h.rv.b[j]), Result: resultValue(h.rv.result[j])}
	st := h.rv.styleAt(j)
	return o, rating.StyleCounts{A: styleVector(st[:4]), B: styleVector(st[4:])}
}

// styleList lists the style counts of battles (nil for none).
func styleList(battles rating.Battles) []rating.StyleCounts {
	if battles == nil {
		return nil
	}
	out := make([]rating.StyleCounts, battles.Len())
	for i := range out {
		_, out[i] = battles.Battle(i)
	}
	return out
}

// modelIndex finds a contender's model index by id, -1 for none: in a
// table while the ids are few enough (database ids of contenders are),
// which the style fit reads every vote through, else in a map.
type modelIndex struct {
	dense  []int32
	sparse map[uint32]int
}

// denseIDs bounds the table: 4 MB of int32.
const denseIDs = 1 << 20

func newModelIndex(cs []models.Contender) modelIndex {
	top := uint(0)
	for _, c := range cs {
		top = max(top, c.ID)
	}
	var m modelIndex
	if top >= denseIDs {
		m.sparse = make(map[uint32]int, len(cs))
		for i, c := range cs {
			m.sparse[uint32(c.ID)] = i
		}
		return m
	}
	m.dense = make([]int32, top+1)
	for i := range m.dense {
		m.dense[i] = -1
	}
	for i, c := range cs {
		m.dense[c.ID] = int32(i)
	}
	return m
}

func (m modelIndex) of(id uint32) int {
	if m.sparse != nil {
		if i, ok := m.sparse[id]; ok {
			return i
		}
		return -1
	}
	if int(id) < len(m.dense) {
		return int(m.dense[id])
	}
	return -1
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
