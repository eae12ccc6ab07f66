package handlers

// This file reads and writes the leaderboard query string, so each view
// has one address (its permalink).

import (
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// boardRequest is a parsed leaderboard query: the view and the format.
type boardRequest struct {
	q      boards.BoardQuery
	format string
}

// maxFilterLen bounds a filter value; metadata fields are at most 256.
const maxFilterLen = 256

// parseBoardRequest reads the query string every leaderboard address
// shares. Unknown values are refused with a message, so a mistyped
// permalink says what is wrong instead of showing another view.
func parseBoardRequest(c echo.Context) (boardRequest, error) {
	qs := c.QueryParams()
	var r boardRequest
	bad := func(format string, args ...any) error {
		return fault.Newf(fault.Invalid, format, args...)
	}
	r.q.Category = qs.Get("category")
	if r.q.Category == "" {
		r.q.Category = models.CategoryOverall
	}
	if !categories.Known(r.q.Category) && len(r.q.Category) > 64 {
		return r, bad("The category name is too long.")
	}
	flag := func(name string, on ...string) (bool, error) {
		v := strings.ToLower(qs.Get(name))
		switch v {
		case "", "0", "off", "false", "no", "show":
			return false, nil
		}
		for _, o := range append(on, "1", "on", "true", "yes") {
			if v == o {
				return true, nil
			}
		}
		return false, bad("%s=%q is not understood: use %s=on or leave it out.", name, qs.Get(name), name)
	}
	var err error
	if r.q.Style, err = flag("style"); err != nil {
		return r, err
	}
	if r.q.OpenWeights, err = flag("open"); err != nil {
		return r, err
	}
	if r.q.HidePreliminary, err = flag("prelim", "hide"); err != nil {
		return r, err
	}
	if r.q.ShowRetired, err = flag("retired"); err != nil {
		return r, err
	}
	for name, dst := range map[string]*string{"org": &r.q.Organization, "country": &r.q.Country, "license": &r.q.License} {
		*dst = strings.TrimSpace(qs.Get(name))
		if len(*dst) > maxFilterLen {
			return r, bad("The %s filter is too long.", name)
		}
	}
	r.q.Sort = qs.Get("sort")
	if r.q.Sort == "" {
		r.q.Sort = "rank"
	}
	if !contains(boards.BoardSorts, r.q.Sort) {
		return r, bad("sort=%q is not a column: use one of %s.", r.q.Sort, strings.Join(boards.BoardSorts, ", "))
	}
	switch qs.Get("dir") {
	case "", "asc":
	case "desc":
		r.q.Desc = true
	default:
		return r, bad("dir=%q is not understood: use asc or desc.", qs.Get("dir"))
	}
	if r.q.At, err = parseAt(qs.Get("at")); err != nil {
		return r, err
	}
	r.format = qs.Get("format")
	switch r.format {
	case "", "html", "json", "csv":
	default:
		return r, bad("format=%q is not offered: use html, json or csv.", r.format)
	}
	return r, nil
}

// parseAt reads at=YYYY-MM-DD, a day in UTC, as the end of that day: the
// board shown is the last one stored before the next day began.
func parseAt(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fault.Newf(fault.Invalid, "at=%q is not a date: use YYYY-MM-DD, such as 2025-07-01.", v)
	}
	return d.AddDate(0, 0, 1), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// boardQueryString writes q in a fixed order with defaults left out, so
// each view has one address (the permalink) and parsing it gives q back.
func boardQueryString(q boards.BoardQuery) string {
	v := url.Values{}
	if q.Category != "" && q.Category != models.CategoryOverall {
		v.Set("category", q.Category)
	}
	if q.Style {
		v.Set("style", "on")
	}
	if q.OpenWeights {
		v.Set("open", "1")
	}
	if q.Organization != "" {
		v.Set("org", q.Organization)
	}
	if q.Country != "" {
		v.Set("country", q.Country)
	}
	if q.License != "" {
		v.Set("license", q.License)
	}
	if q.HidePreliminary {
		v.Set("prelim", "hide")
	}
	if q.ShowRetired {
		v.Set("retired", "1")
	}
	if q.Sort != "" && q.Sort != "rank" {
		v.Set("sort", q.Sort)
	}
	if q.Desc {
		v.Set("dir", "desc")
	}
	if !q.At.IsZero() {
		v.Set("at", q.At.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// boardURL is path with q's query string, plus extra parameters (format).
func boardURL(path string, q boards.BoardQuery, extra ...string) string {
	qs := boardQueryString(q)
	for i := 0; i+1 < len(extra); i += 2 {
		sep := "&"
		if qs == "" {
			sep = "?"
		}
		qs += sep + url.QueryEscape(extra[i]) + "=" + url.QueryEscape(extra[i+1])
	}
	return path + qs
}
