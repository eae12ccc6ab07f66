package boards

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/models"
)

// ratedVotes holds the votes in the ratings as the recomputer last read
// them, column-wise and in ascending vote id, the canonical order every
// board is rated in (the order of a full read). Per vote it keeps 31 bytes:
// the id, both contenders' ids, the result, both answers' four style counts
// (narrowed, see styleRow) and the index of the vote's category set, which
// holds the categories ForBattle gives for it (prompts share few distinct
// sets).
type ratedVotes struct {
	id     []uint64
	a, b   []uint32
	result []uint8
	// style holds each vote's counts: A's tokens, headers, lists and
	// bold, then B's, as read (tokens -1 when never measured), narrowed;
	// wide holds by vote id the counts of the rows too large to narrow.
	// wideLent says a lent view reads wide, which is then copied before
	// it changes (see writeWide).
	style    []styleRow
	wide     map[uint64][styleWidth]int32
	wideLent bool
	cat      []uint32

	sets   [][]string
	setIdx map[string]uint32

	// slugs names the contenders for the inputs digest; sums[k] is the
	// digest multiset (with style counts) of the votes held in category
	// set k, kept up to date by push, patch and rehash, so a board's
	// digest costs no pass over the votes. missing says a vote named a
	// contender slugs did not know: sums then leave it out and must not
	// be used until rehash.
	slugs   map[uint32]string
	sums    []digestSum
	missing bool

	// lent counts the views of these columns out to slow jobs (see
	// lend); while any is, a row is never changed in place.
	lent *atomic.Int32
	// lentLen is the most rows any view lent since the columns were last
	// copied holds: rows from there on are seen by no view, so they may
	// change in place while views are out.
	lentLen int
	// edits counts the changes other than appending a vote newer than
	// every one held: a row changed, dropped or inserted below the newest.
	// What was derived from the first rows stays valid while it is the
	// same (see cellCount).
	edits uint64
}

// lend returns a view of the votes held, which a slow job rates without
// computeMu while these change, and the function that gives it back.
// Appending never touches the rows a view holds (its slices end at its
// length); patch copies the columns before it changes in place a row a
// view holds while the view is out (see own and ownFrom), so a view needs
// no copy of its own.
func (rv *ratedVotes) lend() (*ratedVotes, func()) {
	if rv.lent == nil {
		rv.lent = new(atomic.Int32)
	}
	lent := rv.lent
	lent.Add(1)
	n := rv.len()
	rv.lentLen = max(rv.lentLen, n)
	v := &ratedVotes{
		id: rv.id[:n:n], a: rv.a[:n:n], b: rv.b[:n:n], result: rv.result[:n:n], cat: rv.cat[:n:n],
		style: rv.style[:n:n], wide: rv.wide, sets: slices.Clip(rv.sets),
	}
	rv.wideLent = rv.wide != nil
	return v, sync.OnceFunc(func() { lent.Add(-1) })
}

// own makes the columns this ratedVotes' alone before a row is changed in
// place: while a view of them is out it copies them, capacity kept.
func (rv *ratedVotes) own() {
	if rv.lent == nil || rv.lent.Load() == 0 {
		return
	}
	rv.id, rv.a, rv.b, rv.result = cloneCap(rv.id), cloneCap(rv.a), cloneCap(rv.b), cloneCap(rv.result)
	rv.style, rv.cat = cloneCap(rv.style), cloneCap(rv.cat)
	rv.writeWide()
	rv.lent, rv.lentLen = nil, 0
}

// ownFrom is own for a change to rows from index i on: those past every
// lent view's rows change in place, whatever views are out.
func (rv *ratedVotes) ownFrom(i int) {
	if i < rv.lentLen {
		rv.own()
	}
}

func cloneCap[T any](s []T) []T { return append(make([]T, 0, cap(s)), s...) }

// styleWidth is the number of style counts kept per vote.
const styleWidth = 8

// Results as kept in ratedVotes.result.
const (
	resultB uint8 = iota
	resultA
	resultTie
)

// voteRow is one vote on its way into ratedVotes.
type voteRow struct {
	id     uint64
	a, b   uint32
	result uint8
	style  [styleWidth]int32
	cat    uint32
}

// rowOf translates a vote read from the store, interning its category set.
func (rv *ratedVotes) rowOf(c *models.CountedBattle) voteRow {
	r := voteRow{id: uint64(c.VoteID), a: uint32(c.ContenderAID), b: uint32(c.ContenderBID)}
	switch c.Winner {
	case models.WinnerA:
		r.result = resultA
	case models.WinnerB:
		r.result = resultB
	default:
		r.result = resultTie
	}
	sa, sb := c.StyleA, c.StyleB
	r.style = [styleWidth]int32{int32(sa.Tokens), int32(sa.Headers), int32(sa.Lists), int32(sa.Bold),
		int32(sb.Tokens), int32(sb.Headers), int32(sb.Lists), int32(sb.Bold)}
	r.cat = rv.intern(categories.ForBattle(c.Categories, c.Turns))
	return r
}

// intern returns the index of a category set, adding it when new.
func (rv *ratedVotes) intern(set []string) uint32 {
	key := strings.Join(set, "\x00")
	if i, ok := rv.setIdx[key]; ok {
		return i
	}
	if rv.setIdx == nil {
		rv.setIdx = map[string]uint32{}
	}
	i := uint32(len(rv.sets))
	rv.sets = append(rv.sets, slices.Clone(set))
	rv.setIdx[key] = i
	return i
}

func (rv *ratedVotes) len() int { return len(rv.id) }

// reserve makes room for n votes in all, so appending up to n allocates
// nothing more.
func (rv *ratedVotes) reserve(n int) {
	if n <= cap(rv.id) {
		return
	}
	rv.id = slices.Grow(rv.id, n-rv.len())
	rv.a = slices.Grow(rv.a, n-rv.len())
	rv.b = slices.Grow(rv.b, n-rv.len())
	rv.result = slices.Grow(rv.result, n-rv.len())
	rv.cat = slices.Grow(rv.cat, n-rv.len())
	rv.style = slices.Grow(rv.style, n-rv.len())
}

// add appends a row; its id must be above every id held.
func (rv *ratedVotes) add(r voteRow) {
	rv.id = append(rv.id, r.id)
	rv.a = append(rv.a, r.a)
	rv.b = append(rv.b, r.b)
	rv.result = append(rv.result, r.result)
	rv.style = append(rv.style, styleRow{})
	rv.cat = append(rv.cat, r.cat)
	rv.setStyle(rv.len()-1, &r.style)
}

// push appends a row and puts it into the digest sums; its id must be
// above every id held.
func (rv *ratedVotes) push(r voteRow) {
	rv.add(r)
	rv.account(r, true)
}

// row returns the row at index i.
func (rv *ratedVotes) row(i int) voteRow {
	return voteRow{id: rv.id[i], a: rv.a[i], b: rv.b[i], result: rv.result[i], style: rv.styleAt(i), cat: rv.cat[i]}
}

// set overwrites the row at index i with the same vote's new row.
func (rv *ratedVotes) set(i int, r voteRow) {
	rv.id[i], rv.a[i], rv.b[i], rv.result[i], rv.cat[i] = r.id, r.a, r.b, r.result, r.cat
	rv.setStyle(i, &r.style)
}

// patch applies what one catch-up read: up rows to insert or replace and
// gone ids to remove (ids not held are ignored), keeping the id order. It
// reports whether anything held changed.
func (rv *ratedVotes) patch(up []voteRow, gone []uint64) bool {
	changed := false
	var inserts []voteRow
	for _, r := range up {
		i, found := slices.BinarySearch(rv.id, r.id)
		switch {
		case !found:
			inserts = append(inserts, r)
		case rv.row(i) != r:
			rv.account(rv.row(i), false)
			rv.ownFrom(i)
			rv.edits++
			rv.set(i, r)
			rv.account(r, true)
			changed = true
		}
	}
	var drop []int
	for _, id := range gone {
		if i, found := slices.BinarySearch(rv.id, id); found {
			drop = append(drop, i)
		}
	}
	if len(drop) > 0 {
		slices.Sort(drop)
		drop = slices.Compact(drop)
		for _, i := range drop {
			rv.account(rv.row(i), false)
		}
		rv.ownFrom(drop[0])
		rv.edits++
		rv.compact(drop)
		changed = true
	}
	if len(inserts) > 0 {
		slices.SortFunc(inserts, func(x, y voteRow) int { return cmpID(x.id, y.id) })
		for _, r := range inserts {
			rv.account(r, true)
		}
		rv.insert(inserts)
		changed = true
	}
	return changed
}

func cmpID(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// compact removes the rows at the indices in drop (sorted, distinct), in
// place, moving each run of kept rows once.
func (rv *ratedVotes) compact(drop []int) {
	for _, d := range drop {
		if rv.style[d].tok[0] == wideRow {
			rv.dropWide(rv.id[d])
		}
	}
	n := drop[0]
	for k, d := range drop {
		end := rv.len()
		if k+1 < len(drop) {
			end = drop[k+1]
		}
		copy(rv.id[n:], rv.id[d+1:end])
		copy(rv.a[n:], rv.a[d+1:end])
		copy(rv.b[n:], rv.b[d+1:end])
		copy(rv.result[n:], rv.result[d+1:end])
		copy(rv.cat[n:], rv.cat[d+1:end])
		copy(rv.style[n:], rv.style[d+1:end])
		n += end - d - 1
	}
	rv.truncate(n)
}

// insert adds rows sorted by id, none of them held: appended when all are
// newer than the newest held (the usual case, new votes), else merged in
// place from the first row's position on. A vote committed after a newer
// one (concurrent voters) lands near the end, so the merge moves a few
// rows, not every vote, and touches no row a lent view holds.
func (rv *ratedVotes) insert(rows []voteRow) {
	if rv.len() == 0 || rows[0].id > rv.id[rv.len()-1] {
		for _, r := range rows {
			rv.add(r)
		}
		return
	}
	p, _ := slices.BinarySearch(rv.id, rows[0].id)
	rv.ownFrom(p)
	rv.edits++
	tail := make([]voteRow, rv.len()-p)
	for k := range tail {
		tail[k] = rv.row(p + k)
	}
	rv.truncate(p)
	i := 0
	for _, r := range rows {
		for ; i < len(tail) && tail[i].id < r.id; i++ {
			rv.add(tail[i])
		}
		rv.add(r)
	}
	for ; i < len(tail); i++ {
		rv.add(tail[i])
	}
}

// truncate keeps the first n rows.
func (rv *ratedVotes) truncate(n int) {
	rv.id, rv.a, rv.b, rv.result, rv.cat = rv.id[:n], rv.a[:n], rv.b[:n], rv.result[:n], rv.cat[:n]
	rv.style = rv.style[:n]
}

// mark identifies the votes held as models.VoteMark does the stored ones.
func (rv *ratedVotes) mark() models.VoteMark {
	m := models.VoteMark{Count: rv.len()}
	if m.Count > 0 {
		m.LastID = uint(rv.id[m.Count-1])
	}
	return m
}
