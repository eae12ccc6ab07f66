package arena

import "unicode/utf8"

// Pace is how the two answers of a live battle are released to the voter.
// Both sides advance together by Chars per tick; a side only advances when
// every side still generating has that much buffered, so a slower model
// slows both panes alike and which side finished first is never shown.
type Pace struct {
	Chars int
}

// pacer buffers both sides and decides what each tick releases. buf holds
// only what is generated but not yet released, so adding a chunk costs the
// size of that backlog, not of the whole answer.
type pacer struct {
	pace     Pace
	buf      [2]string
	finished [2]bool
	started  bool
}

// add appends a generated chunk to a side.
func (p *pacer) add(side int, chunk string) { p.buf[side] += chunk }

// finish marks a side's generation complete.
func (p *pacer) finish(side int) { p.finished[side] = true }

// pending is how many bytes of a side are generated but not released.
func (p *pacer) pending(side int) int { return len(p.buf[side]) }

// tick returns what to release now on each side ("" for nothing). Release
// waits until both sides have begun (or finished), so the streams start
// together whatever each model's time to first token.
func (p *pacer) tick() [2]string {
	var out [2]string
	if !p.started {
		for s := range 2 {
			if p.pending(s) == 0 && !p.finished[s] {
				return out
			}
		}
		p.started = true
	}
	for s := range 2 {
		if !p.finished[s] && runesIn(p.buf[s]) < p.pace.Chars {
			return out
		}
	}
	for s := range 2 {
		n := prefixBytes(p.buf[s], p.pace.Chars)
		out[s], p.buf[s] = p.buf[s][:n], p.buf[s][n:]
	}
	return out
}

// drained reports whether both sides are generated and fully released.
func (p *pacer) drained() bool {
	return p.finished[0] && p.finished[1] && p.pending(0) == 0 && p.pending(1) == 0
}

func runesIn(s string) int { return utf8.RuneCountInString(s) }

// prefixBytes is the byte length of the first n runes of s.
func prefixBytes(s string, n int) int {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
