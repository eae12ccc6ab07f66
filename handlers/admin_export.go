package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// exportCountLimit bounds the page's dry run: it reads every vote, which
// takes seconds per hundred thousand; past this the page shows the last
// download's counts instead of keeping the admin waiting.
const exportCountLimit = 15 * time.Second

// adminExportPage counts what the data release holds and leaves out, by a
// dry run of the export itself so the numbers are the download's, and shows
// what the last audited download held.
func (s *Server) adminExportPage(c echo.Context) error {
	ctx := c.Request().Context()
	include, named := includeServedBank(c), includeNamed(c)
	v := views.ExportView{NowLimit: exportCountLimit.String(), IncludeServedBank: include, IncludeNamed: named}
	dry, cancel := context.WithTimeout(ctx, exportCountLimit)
	defer cancel()
	st, err := s.arena.Release().Export(dry, io.Discard, release.ExportOptions{JudgeKey: s.cfg.Secret, IncludeServedBank: include, IncludeNamed: named})
	switch {
	case err == nil:
		counts := exportCounts(st.Exported, st.LeftOut)
		counts.Void, counts.Unvoted = st.Void, st.Unvoted
		v.Now = &counts
	case !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return err
	}
	last, _, err := s.arena.AuditLog(ctx, models.AuditFilter{Action: exportAction, Limit: 1})
	if err != nil {
		return err
	}
	if len(last) == 1 {
		var a exportAudit
		if err := json.Unmarshal([]byte(last[0].After), &a); err != nil {
			return fmt.Errorf("audit entry %d: %w", last[0].ID, err)
		}
		v.Last = &views.ExportLast{At: last[0].At.UTC().Format("2006-01-02 15:04:05"), Actor: last[0].Actor,
			Counts: exportCounts(a.Exported, a.LeftOut)}
	}
	return render(c, http.StatusOK, views.AdminExportPage(s.meta(c, "Data release", "admin"), v))
}

// exportCounts sorts the reasons, the most votes first.
func exportCounts(exported int, leftOut map[string]int) views.ExportCounts {
	c := views.ExportCounts{Exported: exported}
	for r, n := range leftOut {
		c.LeftOut = append(c.LeftOut, views.ExportReason{Reason: r, Count: n})
		c.LeftOutTotal += n
	}
	sort.Slice(c.LeftOut, func(i, j int) bool {
		a, b := c.LeftOut[i], c.LeftOut[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reason < b.Reason
	})
	return c
}

// Download actions in the audit log: one entry before the first byte
// (who, and the choices), then one when the download ended, with its
// counts, or failed. The log is append-only, so the end is a second entry;
// exportAction names the finished downloads the page shows as the last.
const (
	exportStartAction  = "export.battles.start"
	exportAction       = "export.battles"
	exportFailedAction = "export.battles.failed"
)

// exportChoice is what was asked for: the download's options and the last
// vote it holds.
type exportChoice struct {
	ServedBank bool `json:"served_bank"`
	Named      bool `json:"named"`
	Through    uint `json:"through_vote"`
}

// exportAudit is what the audit log keeps of a finished or failed
// download; a failed one's counts are those written before it failed.
type exportAudit struct {
	exportChoice
	Exported int            `json:"exported"`
	LeftOut  map[string]int `json:"left_out"`
	Error    string         `json:"error,omitempty"`
}

// adminExportBattles streams the release as it is read, so the first
// byte goes out at once however many votes there are, in memory that does
// not grow with them. Whatever can fail before a battle is read (the
// filter's lists, the counts) fails with an error page. The download is
// audited before its first byte. A failure after it cuts the connection
// without ending the chunked body, so the browser or curl reports a broken
// download rather than saving half a file as if whole.
func (s *Server) adminExportBattles(c echo.Context) error {
	ctx := c.Request().Context()
	res := c.Response()
	opt := release.ExportOptions{JudgeKey: s.cfg.Secret, IncludeServedBank: includeServedBank(c), IncludeNamed: includeNamed(c),
		Flush: http.NewResponseController(res).Flush}
	run, err := s.arena.Release().Begin(ctx, opt)
	if err != nil {
		return err
	}
	who, what := adminName(c), exportChoice{ServedBank: opt.IncludeServedBank, Named: opt.IncludeNamed, Through: run.Through}
	if err := s.arena.Audit(ctx, who, exportStartAction, "battles.json", nil, what); err != nil {
		return err
	}
	name := "arena-battles-" + time.Now().UTC().Format("20060102-150405") + ".json"
	h := res.Header()
	h.Set("Cache-Control", "no-store")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	// The charset parameter is kept for clients that saved exports before;
	// Echo's constant for it is deprecated.
	h.Set(echo.HeaderContentType, "application/json; charset=UTF-8")
	res.WriteHeader(http.StatusOK)
	st, err := run.Write(ctx, res)
	s.endExport(ctx, who, exportAudit{exportChoice: what, Exported: st.Exported, LeftOut: st.LeftOut}, err)
	return nil
}

// endExport records how a download ended. On failure it logs, audits and
// aborts the response: the status and part of the body are sent, and
// returning an error now would let the server end the body properly.
// The audit entries outlive the request, whose context a client that
// went away has cancelled.
func (s *Server) endExport(ctx context.Context, who string, a exportAudit, failed error) {
	ctx = context.WithoutCancel(ctx)
	if failed == nil {
		if err := s.arena.Audit(ctx, who, exportAction, "battles.json", nil, a); err != nil {
			s.log.Error("export sent but not audited", "admin", who, "exported", a.Exported, "err", err)
		}
		return
	}
	a.Error = failed.Error()
	if clientWentAway(failed) {
		// The admin's client went away (closed, cut off by a timeout):
		// nothing for the operator to fix, but the audit says it.
		s.log.Info("export stopped by the client", "admin", who, "exported", a.Exported)
	} else {
		s.log.Error("export failed midway, connection cut", "admin", who, "exported", a.Exported, "err", failed)
	}
	if err := s.arena.Audit(ctx, who, exportFailedAction, "battles.json", nil, a); err != nil {
		s.log.Error("failed export not audited", "admin", who, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// includeServedBank reads the choice to keep bank battles whose prompt is
// still served (see release.ExportOptions.IncludeServedBank).
func includeServedBank(c echo.Context) bool {
	return c.QueryParam("served_bank") == "include"
}

// includeNamed reads the choice to release side-by-side battles (see
// release.ExportOptions.IncludeNamed).
func includeNamed(c echo.Context) bool {
	return c.QueryParam("named") == "include"
}

// clientWentAway says whether a failed write was the client closing the
// connection (the request cancelled, or the socket gone under a write)
// rather than a fault of the server's.
func clientWentAway(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}
