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
	// Flush, when set, is called once the opening bracket and then each
	// batch of votes has been handed to the writer, so a download goes
	// out as it is made rather than as a buffer fills.
	Flush func() error
}

// ExportStats says what a release holds and what it left out.
type ExportStats struct {
	Exported int
	// LeftOut counts the votes left out by reason.
	LeftOut map[string]int
	// Void and Unvoted count battles that never took a vote, as Export
	// finds them once the votes are written; Run.Write leaves them 0.
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
// LMArena's battle schema, oldest vote first (see Begin and Run.Write). On
// error w holds a partial array: a caller that must not publish one writes
// to a temporary file and publishes it only on success, or cuts its
// connection (see handlers).
func (s *Service) Export(ctx context.Context, w io.Writer, opt ExportOptions) (ExportStats, error) {
	run, err := s.Begin(ctx, opt)
	if err != nil {
		return ExportStats{LeftOut: map[string]int{}}, err
	}
	st, err := run.Write(ctx, w)
	if err != nil {
		return st, err
	}
	// Counted after the votes, not in Begin: a count of every battle
	// takes seconds at millions, and a download, which does not report
	// it, must not wait for it before its first byte.
	st.Void, st.Unvoted, err = s.store.BattlesWithoutVote(ctx)
	return st, err
}

// Run is an export that has read its filter and the last vote it will
// hold, and no battle yet: whatever can fail before the first
// byte has, so a download can still answer with an error page.
type Run struct {
	s      *Service
	opt    ExportOptions
	screen Screen
	served map[uint]bool
	// Through is the newest vote the release holds. Votes cast while it
	// is written are left for the next release, so a long export reads
	// a fixed set of votes by id, in batches that each are their own
	// short read: no transaction stays open for the minutes a large
	// export takes, which would hold back PostgreSQL's vacuum (or
	// SQLite's checkpoints) and a migration's locks. What a vote says
	// (counted, excluded) is read as it is when its batch is read.
	Through uint
}

// Begin prepares the export of the release: the screen, the served bank
// prompts and the last vote. The release leaves out votes not counted or
// excluded, void battles, battles whose prompt is not approved (rejected,
// flagged or pending), battles missing an answer, battles whose prompt or
// any answer the screen refuses, and named battles unless opt.IncludeNamed.
func (s *Service) Begin(ctx context.Context, opt ExportOptions) (*Run, error) {
	if len(opt.JudgeKey) == 0 {
		return nil, ErrNoJudgeKey
	}
	r := &Run{s: s, opt: opt, screen: opt.Screen}
	var err error
	if r.screen == nil {
		if r.screen, err = s.Screen(ctx); err != nil {
			return nil, err
		}
	}
	if r.served, err = s.servedBank(ctx, opt.IncludeServedBank); err != nil {
		return nil, err
	}
	if r.Through, err = s.store.LastVoteID(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// Write writes the release to w, reading the votes in batches and
// encoding as it goes: it holds one batch of votes, the served bank
// prompts and one count per reason, whatever the number of votes. The
// stats it returns on error count what was written before it.
func (r *Run) Write(ctx context.Context, w io.Writer) (ExportStats, error) {
	st := ExportStats{LeftOut: map[string]int{}}
	if r.Through == 0 {
		// No vote yet: the query must not read "no bound" as the bound.
		return st, newArrayWriter(w).close()
	}
	aw := newArrayWriter(w)
	if err := r.flush(aw); err != nil {
		return st, err
	}
	q := models.ReleaseQuery{Through: r.Through, Limit: batch}
	for {
		rows, err := r.s.store.ReleaseBatch(ctx, q)
		if err != nil {
			return st, err
		}
		if err := r.writeBatch(aw, rows, &st); err != nil {
			return st, err
		}
		if err := r.flush(aw); err != nil {
			return st, err
		}
		if len(rows) < q.Limit {
			break
		}
		q.After = rows[len(rows)-1].VoteID
	}
	return st, aw.close()
}

// writeBatch releases or leaves out each vote of rows, counting in st.
func (r *Run) writeBatch(aw *arrayWriter, rows []models.ReleaseRow, st *ExportStats) error {
	opt := r.opt
	for _, row := range rows {
		if opt.Progress != nil {
			opt.Progress()
		}
		b, reason, err := releasable(row, r.screen, opt.JudgeKey, opt.IncludeNamed)
		if err != nil {
			return err
		}
		if reason == "" && row.Mode == models.ModeBank && r.served[row.PromptID] {
			reason = LeftOutServedBank
		}
		if reason != "" {
			st.LeftOut[reason]++
			continue
		}
		if err := aw.add(b); err != nil {
			return err
		}
		if opt.Each != nil {
			opt.Each(b)
		}
		st.Exported++
	}
	return nil
}

// flush hands what was written to the writer and calls opt.Flush, when
// set. A batch that released nothing sends a newline instead, which JSON
// reads as whitespace: a client or proxy waiting for bytes through a long
// run of left-out votes sees the download is alive.
func (r *Run) flush(aw *arrayWriter) error {
	if r.opt.Flush == nil {
		return nil
	}
	if aw.n == aw.flushedN {
		aw.bw.WriteString("\n")
	}
	aw.flushedN = aw.n
	if err := aw.bw.Flush(); err != nil {
		return err
	}
	return r.opt.Flush()
}

// arrayWriter writes a JSON array one element at a time, so an export of
// millions of battles never holds them all in memory.
type arrayWriter struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
	// flushedN is n at the last flush; -1 before the first, so the
	// opening bracket goes out alone.
	flushedN int
}

func newArrayWriter(w io.Writer) *arrayWriter {
	aw := &arrayWriter{bw: bufio.NewWriterSize(w, 64<<10), flushedN: -1}
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
