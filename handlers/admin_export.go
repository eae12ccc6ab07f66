package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
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

// exportAction names downloads in the audit log.
const exportAction = "export.battles"

// exportAudit is what the audit log keeps of a download.
type exportAudit struct {
	Exported int            `json:"exported"`
	LeftOut  map[string]int `json:"left_out"`
}

// adminExportBattles makes the release into a temporary file first and
// sends it only when the whole export, filter included, succeeded: a
// failure midway must not have sent half a file. The download is audited
// before a byte of it goes out.
func (s *Server) adminExportBattles(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := os.CreateTemp("", "arena-release-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	st, err := s.arena.Release().Export(ctx, f, release.ExportOptions{JudgeKey: s.cfg.Secret,
		IncludeServedBank: includeServedBank(c), IncludeNamed: includeNamed(c)})
	if err != nil {
		return err
	}
	if err := s.arena.Audit(ctx, adminName(c), exportAction, "battles.json", nil,
		exportAudit{Exported: st.Exported, LeftOut: st.LeftOut}); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	name := "arena-battles-" + time.Now().UTC().Format("20060102-150405") + ".json"
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	// The charset parameter is kept for clients that saved exports before;
	// Echo's constant for it is deprecated.
	return c.Stream(http.StatusOK, "application/json; charset=UTF-8", f)
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
