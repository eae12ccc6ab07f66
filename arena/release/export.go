package release

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// ExportOptions tune Export.
type ExportOptions struct {
	// JudgeKey keys the voter pseudonyms (the server secret); required.
	JudgeKey []byte
	// Screen replaces Service.Screen, for tests.
	Screen Screen
	// Progress, when set, is called once per vote read.
	Progress func()
	// IncludeServedBank keeps bank battles whose prompt the bank still
	// serves. Left out by default: the bank shows the same stored answers
	// again, so a voter holding the release could look an answer up and
	// know both models before voting.
	IncludeServedBank bool
	// IncludeNamed releases side-by-side battles, whose voter chose and
	// saw both models, with "anony": false. Left out by default: their
	// votes are not blind preferences, and their voters were told they
	// would not count.
	IncludeNamed bool
	// Each, when set, is called with every battle released, in order, as
	// it is written; the transparency page rates them without a file.
	Each func(Battle)
}

// ExportStats says what a release holds and what it left out.
type ExportStats struct {
	Exported int
	// LeftOut counts the votes left out by reason.
	LeftOut map[string]int
	// Void and Unvoted count battles that never took a vote.
	Void, Unvoted int64
}

// LeftOutTotal is the number of votes left out for any reason.
func (s ExportStats) LeftOutTotal() int {
	n := 0
	for _, c := range s.LeftOut {
		n += c
	}
	return n
}

// ErrNoJudgeKey means an export was asked for without the key that makes
// voter pseudonyms.
var ErrNoJudgeKey = fault.New(fault.Unavailable, "export needs the server secret to make voter pseudonyms")

// Export writes the public battle release to w as one JSON array in
// LMArena's battle schema, oldest vote first, reading the votes in batches
// and encoding as it goes. It leaves out votes not counted or excluded,
// void battles, battles whose prompt is not approved (rejected, flagged or
// pending), battles missing an answer, battles whose prompt or any answer
// the screen refuses, and named battles unless opt.IncludeNamed. On error w holds a partial array: callers
// write to a temporary file and publish it only on success.
func (s *Service) Export(ctx context.Context, w io.Writer, opt ExportOptions) (ExportStats, error) {
	st := ExportStats{LeftOut: map[string]int{}}
	if len(opt.JudgeKey) == 0 {
		return st, ErrNoJudgeKey
	}
	screen := opt.Screen
	var err error
	if screen == nil {
		if screen, err = s.Screen(ctx); err != nil {
			return st, err
		}
	}
	if st.Void, st.Unvoted, err = s.store.BattlesWithoutVote(ctx); err != nil {
		return st, err
	}
	aw := newArrayWriter(w)
	served, err := s.servedBank(ctx, opt.IncludeServedBank)
	if err != nil {
		return st, err
	}
	q := models.ReleaseQuery{Limit: batch}
	for {
		rows, err := s.store.ReleaseBatch(ctx, q)
		if err != nil {
			return st, err
		}
		for _, r := range rows {
			if opt.Progress != nil {
				opt.Progress()
			}
			b, reason, err := releasable(r, screen, opt.JudgeKey, opt.IncludeNamed)
			if err != nil {
				return st, err
			}
			if reason == "" && r.Mode == models.ModeBank && served[r.PromptID] {
				reason = LeftOutServedBank
			}
			if reason != "" {
				st.LeftOut[reason]++
				continue
			}
			if err := aw.add(b); err != nil {
				return st, err
			}
			if opt.Each != nil {
				opt.Each(b)
			}
			st.Exported++
		}
		if len(rows) < q.Limit {
			break
		}
		q.After = rows[len(rows)-1].VoteID
	}
	return st, aw.close()
}

// arrayWriter writes a JSON array one element at a time, so an export of
// millions of battles never holds them all in memory.
type arrayWriter struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newArrayWriter(w io.Writer) *arrayWriter {
	aw := &arrayWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	aw.enc = json.NewEncoder(&aw.buf)
	// Answers are full of < and &; escaping them would only make the
	// release harder to read.
	aw.enc.SetEscapeHTML(false)
	aw.bw.WriteString("[")
	return aw
}

// add writes one element.
func (aw *arrayWriter) add(v any) error {
	aw.buf.Reset()
	if err := aw.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n"
	if aw.n == 0 {
		sep = "\n"
	}
	aw.bw.WriteString(sep)
	// bufio keeps the first write error; stop at once on a full disk
	// rather than read every remaining vote.
	if _, err := aw.bw.Write(bytes.TrimSuffix(aw.buf.Bytes(), []byte("\n"))); err != nil {
		return err
	}
	aw.n++
	return nil
}

// close ends the array and flushes it.
func (aw *arrayWriter) close() error {
	aw.bw.WriteString("\n]\n")
	return aw.bw.Flush()
}

// servedBank returns the prompts the bank serves now, whose battles a
// release leaves out unless include is set (see IncludeServedBank).
func (s *Service) servedBank(ctx context.Context, include bool) (map[uint]bool, error) {
	if include {
		return nil, nil
	}
	ids, err := s.store.BankPromptIDs(ctx)
	if err != nil {
		return nil, err
	}
	served := make(map[uint]bool, len(ids))
	for _, id := range ids {
		served[id] = true
	}
	return served, nil
}
