package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

const (
	auditPageSize = 50
	auditMaxLimit = 500
	dateLayout    = "2006-01-02"
)

// auditFilter reads the audit log filters shared by the page and the API:
// actor, action, target (substring), from and to (dates, to inclusive).
func auditFilter(c echo.Context) (models.AuditFilter, error) {
	f := models.AuditFilter{
		Actor:  strings.TrimSpace(c.QueryParam("actor")),
		Action: strings.TrimSpace(c.QueryParam("action")),
		Target: strings.TrimSpace(c.QueryParam("target")),
	}
	var err error
	if f.From, err = queryDate(c, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryDate(c, "to"); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // the whole "to" day is included
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, fault.New(fault.Invalid, `"from" must be on or before "to".`)
	}
	return f, nil
}

func queryDate(c echo.Context, name string) (time.Time, error) {
	v := strings.TrimSpace(c.QueryParam(name))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, v)
	if err != nil {
		return time.Time{}, fault.New(fault.Invalid, `"`+name+`" must be a date like 2026-01-31.`)
	}
	return t, nil
}

// queryInt reads a non-negative integer parameter; absent is def.
func queryInt(c echo.Context, name string, def int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fault.New(fault.Invalid, `"`+name+`" must be a whole number of 0 or more.`)
	}
	return n, nil
}

// adminAuditPage lists the audit log, newest first, filtered and paginated.
func (s *Server) adminAuditPage(c echo.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	page, err := queryInt(c, "page", 1)
	if err != nil {
		return err
	}
	page = max(page, 1)
	f.Offset, f.Limit = (page-1)*auditPageSize, auditPageSize
	entries, total, err := s.arena.AuditLog(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := views.AuditView{
		Actor: f.Actor, Action: f.Action, Target: f.Target,
		From: c.QueryParam("from"), To: c.QueryParam("to"),
		Total: total, Page: page,
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, views.AuditRow{
			At: e.At.UTC().Format("2006-01-02 15:04:05"), Actor: e.Actor, Action: e.Action,
			Target: e.Target, Before: e.Before, After: e.After,
		})
	}
	q := c.QueryParams()
	if page > 1 {
		v.PrevURL = auditPageURL(q, page-1)
	}
	if int64(page*auditPageSize) < total {
		v.NextURL = auditPageURL(q, page+1)
	}
	return render(c, http.StatusOK, views.AdminAuditPage(s.meta(c, "Audit log", "admin"), v))
}

func auditPageURL(q url.Values, page int) string {
	q2 := url.Values{}
	for k, vs := range q {
		q2[k] = vs
	}
	q2.Set("page", strconv.Itoa(page))
	return "/admin/audit?" + q2.Encode()
}

// auditEntryJSON is one audit entry in the API; before and after are the
// stored JSON, or null.
type auditEntryJSON struct {
	ID     uint            `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Target string          `json:"target"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// apiAdminAudit is the audit log as JSON: the same filters as the page,
// with offset and limit (at most 500).
func (s *Server) apiAdminAudit(c echo.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	if f.Offset, err = queryInt(c, "offset", 0); err != nil {
		return err
	}
	if f.Limit, err = queryInt(c, "limit", auditPageSize); err != nil {
		return err
	}
	if f.Limit == 0 || f.Limit > auditMaxLimit {
		return fault.New(fault.Invalid, `"limit" must be between 1 and 500.`)
	}
	entries, total, err := s.arena.AuditLog(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]auditEntryJSON, len(entries))
	for i, e := range entries {
		out[i] = auditEntryJSON{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Target: e.Target,
			Before: rawOrNull(e.Before), After: rawOrNull(e.After)}
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": out, "total": total, "offset": f.Offset, "limit": f.Limit})
}

func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}
