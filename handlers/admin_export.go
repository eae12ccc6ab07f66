package handlers

import (
	"io"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/views"
)

// adminExportPage counts what the data release holds and leaves out, by a
// dry run of the export itself, so the numbers are the download's.
func (s *Server) adminExportPage(c echo.Context) error {
	st, err := s.arena.ExportBattles(c.Request().Context(), io.Discard, arena.ExportOptions{JudgeKey: s.cfg.Secret})
	if err != nil {
		return err
	}
	v := views.ExportView{Exported: st.Exported, LeftOutTotal: st.LeftOutTotal(), Void: st.Void, Unvoted: st.Unvoted}
	for r, n := range st.LeftOut {
		v.LeftOut = append(v.LeftOut, views.ExportReason{Reason: r, Count: n})
	}
	sort.Slice(v.LeftOut, func(i, j int) bool {
		a, b := v.LeftOut[i], v.LeftOut[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reason < b.Reason
	})
	return render(c, http.StatusOK, views.AdminExportPage(s.meta("Data release", "admin"), v))
}

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
	st, err := s.arena.ExportBattles(ctx, f, arena.ExportOptions{JudgeKey: s.cfg.Secret})
	if err != nil {
		return err
	}
	if err := s.arena.Audit(ctx, adminName(c), "export.battles", "battles.json", nil,
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
	return c.Stream(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, f)
}
