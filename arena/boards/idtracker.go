package boards

import (
	"maps"
	"slices"
	"time"
)

// idTracker follows a table whose ids come from a sequence (votes, the
// ratings change log). On PostgreSQL a row may commit after a row with a
// higher id was read, so reading "everything above the newest id seen"
// alone could skip it for good. The tracker remembers the ids below its
// position it has not seen, and the caller reads them again each time
// until they appear or gapWait has passed (a rolled-back insert leaves an
// id that never appears; no transaction that writes votes or changes runs
// that long).
type idTracker struct {
	pos  uint
	gaps map[uint]time.Time
	// overflow says more ids went missing than maxGaps: the caller should
	// read everything again rather than trust the tracker.
	overflow bool
}

// gapWait is how long a missing id is waited for.
const gapWait = 10 * time.Minute

// maxGaps bounds the ids waited for at once.
const maxGaps = 10_000

// reset puts the position at pos and forgets every gap.
func (t *idTracker) reset(pos uint) {
	t.pos, t.gaps, t.overflow = pos, nil, false
}

// pending returns the ids still waited for, forgetting those waited for
// longer than gapWait.
func (t *idTracker) pending(now time.Time) []uint {
	for id, since := range t.gaps {
		if now.Sub(since) > gapWait {
			delete(t.gaps, id)
		}
	}
	return slices.Sorted(maps.Keys(t.gaps))
}

// saw records the ids read (those above the position and any gap that
// appeared): the position moves to the highest, and ids skipped on the
// way become gaps.
func (t *idTracker) saw(ids []uint, now time.Time) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	next := t.pos
	for _, id := range ids {
		if id <= t.pos {
			delete(t.gaps, id)
			continue
		}
		if id <= next {
			continue
		}
		if id-next-1 > maxGaps-uint(len(t.gaps)) {
			t.overflow = true
		}
		for missing := next + 1; missing < id && !t.overflow; missing++ {
			if t.gaps == nil {
				t.gaps = map[uint]time.Time{}
			}
			t.gaps[missing] = now
		}
		next = id
	}
	t.pos = next
}
