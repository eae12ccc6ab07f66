package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// boardRowJSON keeps the field names of the first board and adds those of
// the ratings command. The interval, rank and style fields are absent from
// the online-Elo board shown before the first ratings snapshot. Score,
// interval and rank_ub are the view's: style-controlled with style=on.
type boardRowJSON struct {
	Model        string     `json:"model"`
	DisplayName  string     `json:"display_name"`
	Organization string     `json:"organization"`
	Country      string     `json:"country"`
	License      string     `json:"license"`
	OpenWeights  bool       `json:"open_weights"`
	Score        float64    `json:"score"`
	CILower      *float64   `json:"ci_lower,omitempty"`
	CIUpper      *float64   `json:"ci_upper,omitempty"`
	RankUB       int        `json:"rank_ub,omitempty"`
	RankUBPlain  int        `json:"rank_ub_plain,omitempty"`
	RankUBStyle  int        `json:"rank_ub_style,omitempty"`
	Votes        int        `json:"votes"`
	Wins         int        `json:"wins"`
	Ties         int        `json:"ties"`
	Losses       int        `json:"losses"`
	WinRate      float64    `json:"win_rate"`
	OnlineElo    float64    `json:"online_elo"`
	Preliminary  bool       `json:"preliminary"`
	Style        *styleJSON `json:"style,omitempty"`
}

type styleJSON struct {
	Score   float64 `json:"score"`
	CILower float64 `json:"ci_lower"`
	CIUpper float64 `json:"ci_upper"`
	RankUB  int     `json:"rank_ub"`
}

type boardJSON struct {
	// Method is "bradley_terry" for published ratings, "online_elo" before
	// the first snapshot.
	Method       string    `json:"method"`
	Category     string    `json:"category"`
	StyleControl bool      `json:"style_control"`
	Votes        int       `json:"votes"`
	ComputedAt   time.Time `json:"computed_at"`
	CI           string    `json:"ci,omitempty"`
	Rounds       int       `json:"rounds,omitempty"`
	MinVotes     int       `json:"min_votes,omitempty"`
	// Total is the number of models on the board; Models are those shown.
	Total int `json:"total"`
	// Permalink is the page of this view.
	Permalink string `json:"permalink"`
	// StyleCoefficients use the ratings command's names.
	StyleCoefficients *arena.StyleVector `json:"style_coefficients,omitempty"`
	Models            []boardRowJSON     `json:"models"`
	Categories        []categoryJSON     `json:"categories"`
}

type categoryJSON struct {
	Name   string `json:"name"`
	Votes  int    `json:"votes"`
	Models int    `json:"models"`
}

// boardRequest is a parsed leaderboard query: the view and the format.
type boardRequest struct {
	q      arena.BoardQuery
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
	if !contains(arena.BoardSorts, r.q.Sort) {
		return r, bad("sort=%q is not a column: use one of %s.", r.q.Sort, strings.Join(arena.BoardSorts, ", "))
	}
	switch qs.Get("dir") {
	case "", "asc":
	case "desc":
		r.q.Desc = true
	default:
		return r, bad("dir=%q is not understood: use asc or desc.", qs.Get("dir"))
	}
	r.format = qs.Get("format")
	switch r.format {
	case "", "html", "json", "csv":
	default:
		return r, bad("format=%q is not offered: use html, json or csv.", r.format)
	}
	return r, nil
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
func boardQueryString(q arena.BoardQuery) string {
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
	if q.Sort != "" && q.Sort != "rank" {
		v.Set("sort", q.Sort)
	}
	if q.Desc {
		v.Set("dir", "desc")
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// boardURL is path with q's query string, plus extra parameters (format).
func boardURL(path string, q arena.BoardQuery, extra ...string) string {
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

// boardData is what all three formats of a view are made from: the rated
// view when the category has a board, else (overall only) the online-Elo
// board of the first seconds.
type boardData struct {
	req  boardRequest
	view *arena.BoardView
	elo  *arena.Board
	cats []arena.CategorySummary
}

func (s *Server) boardData(ctx context.Context, req boardRequest) (*boardData, error) {
	d := &boardData{req: req}
	var err error
	if d.cats, err = s.arena.BoardCategories(ctx); err != nil {
		return nil, err
	}
	if d.view, err = s.arena.ViewBoard(ctx, req.q); err != nil {
		return nil, err
	}
	if d.view != nil && d.view.Board.Votes > 0 {
		return d, nil
	}
	if req.q.Category == models.CategoryOverall {
		d.view = nil
		d.elo, err = s.arena.Leaderboard(ctx)
		return d, err
	}
	if !categories.Known(req.q.Category) && d.view == nil {
		return nil, fault.Newf(fault.NotFound, "There is no category %q on the leaderboard.", req.q.Category)
	}
	return d, nil
}

func (s *Server) leaderboardPage(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	switch req.format {
	case "json":
		return s.serveBoard(c, req, "json")
	case "csv":
		return s.serveBoard(c, req, "csv")
	}
	// The filter form sends every field, empty or not, in form order:
	// send the browser on to the view's one address, so what the address
	// bar shows is the permalink.
	if canonical := boardQueryString(req.q); "?"+c.Request().URL.RawQuery != canonical && !(canonical == "" && c.Request().URL.RawQuery == "") {
		return c.Redirect(http.StatusFound, "/leaderboard"+canonical)
	}
	return s.serveBoard(c, req, "html")
}

func (s *Server) apiLeaderboard(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	if req.format == "csv" {
		return s.serveBoard(c, req, "csv")
	}
	return s.serveBoard(c, req, "json")
}

// leaderboardCSV is /leaderboard.csv: the view of the same query string as
// CSV.
func (s *Server) leaderboardCSV(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	return s.serveBoard(c, req, "csv")
}

// serveBoard answers a board view in a format from the cache of rendered
// views, rendering it on a miss. The key holds the board's version, so a
// new snapshot is shown as soon as the arena sees it.
func (s *Server) serveBoard(c echo.Context, req boardRequest, format string) error {
	ctx := c.Request().Context()
	version, err := s.boardVersion(ctx, req.q.Category)
	if err != nil {
		return err
	}
	key := format + " " + version + " " + boardQueryString(req.q)
	now := time.Now()
	e, ok := s.boards.get(key, now)
	if !ok {
		if e, err = s.renderBoard(c, req, format); err != nil {
			return err
		}
		e.at = now
		// Before the first snapshot the board is the online Elo of every
		// counted vote, and its version does not change with them: caching
		// it would hide the vote a voter has just cast.
		if version != noSnapshotVersion {
			s.boards.put(key, e)
		}
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, e.contentType)
	h.Set("Cache-Control", "no-store")
	for k, v := range e.header {
		h.Set(k, v)
	}
	return c.Blob(http.StatusOK, e.contentType, e.body)
}

// renderBoard builds one view's bytes.
func (s *Server) renderBoard(c echo.Context, req boardRequest, format string) (boardEntry, error) {
	d, err := s.boardData(c.Request().Context(), req)
	if err != nil {
		return boardEntry{}, err
	}
	var buf bytes.Buffer
	switch format {
	case "json":
		enc := json.NewEncoder(&buf)
		if err := enc.Encode(d.json()); err != nil {
			return boardEntry{}, err
		}
		return boardEntry{body: buf.Bytes(), contentType: echo.MIMEApplicationJSON}, nil
	case "csv":
		if err := d.writeCSV(&buf); err != nil {
			return boardEntry{}, err
		}
		return boardEntry{body: buf.Bytes(), contentType: "text/csv; charset=utf-8",
			header: map[string]string{"Content-Disposition": fmt.Sprintf("inline; filename=%q", "leaderboard-"+csvName(req.q.Category)+".csv")}}, nil
	}
	v, err := s.pageView(c.Request().Context(), d)
	if err != nil {
		return boardEntry{}, err
	}
	if err := views.LeaderboardPage(s.meta("Leaderboard", "leaderboard"), v).Render(c.Request().Context(), &buf); err != nil {
		return boardEntry{}, err
	}
	return boardEntry{body: buf.Bytes(), contentType: echo.MIMETextHTMLCharsetUTF8}, nil
}

// leaderboardVersion answers the page's freshness poll: the ids of the
// newest overall and category snapshots, from the board cache.
func (s *Server) leaderboardVersion(c echo.Context) error {
	cat := c.QueryParam("category")
	if cat == "" {
		cat = models.CategoryOverall
	}
	if len(cat) > 64 {
		return fault.New(fault.Invalid, "The category name is too long.")
	}
	v, err := s.boardVersion(c.Request().Context(), cat)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]string{"version": v})
}

// noSnapshotVersion is the board version while no ratings are stored.
const noSnapshotVersion = "0.0"

func (s *Server) boardVersion(ctx context.Context, category string) (string, error) {
	o, cat, err := s.arena.BoardVersion(ctx, category)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d.%d", o, cat), nil
}

func (d *boardData) json() boardJSON {
	out := boardJSON{Category: d.req.q.Category, StyleControl: d.req.q.Style, Models: []boardRowJSON{},
		Permalink: boardURL("/leaderboard", d.req.q), Categories: make([]categoryJSON, len(d.cats))}
	for i, c := range d.cats {
		out.Categories[i] = categoryJSON{Name: c.Name, Votes: c.Votes, Models: c.Models}
	}
	switch {
	case d.view != nil:
		b := d.view.Board
		out.Method, out.Votes, out.ComputedAt, out.CI, out.Rounds, out.MinVotes, out.Total =
			b.Method, b.Votes, b.ComputedAt, b.CI, b.Rounds, b.MinVotes, len(b.Models)
		if b.Style != nil {
			out.StyleCoefficients = &b.Style.Coefficients
		}
		for _, r := range d.view.Rows {
			row := boardRowJSON{Model: r.Slug, DisplayName: r.DisplayName, Organization: r.Organization,
				Country: r.Country, License: r.License, OpenWeights: r.OpenWeights, Score: r.Score,
				CILower: &r.CILower, CIUpper: &r.CIUpper, RankUB: r.RankUB, RankUBPlain: r.PlainRankUB,
				RankUBStyle: r.StyleRankUB, Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses,
				WinRate: r.WinRate(), OnlineElo: r.OnlineElo, Preliminary: r.Preliminary}
			if st := r.RatedRow.Style; st != nil {
				row.Style = &styleJSON{Score: st.Score, CILower: st.CILower, CIUpper: st.CIUpper, RankUB: r.StyleRankUB}
			}
			out.Models = append(out.Models, row)
		}
	case d.elo != nil:
		b := d.elo
		out.Method, out.Votes, out.ComputedAt, out.Total = arena.MethodOnlineElo, b.Votes, b.ComputedAt, len(b.Rows)
		for _, r := range b.Rows {
			c := r.Contender
			out.Models = append(out.Models, boardRowJSON{Model: c.Slug, DisplayName: c.DisplayName,
				Organization: c.Organization, Country: c.Country, License: c.License, OpenWeights: c.OpenWeights,
				Score: r.Elo, Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses, WinRate: r.WinRate(),
				OnlineElo: r.Elo, Preliminary: r.Preliminary})
		}
	default:
		out.Method = arena.MethodBradleyTerry
	}
	return out
}

// csvHeader names the CSV columns: the JSON rows' field names.
var csvHeader = []string{"rank_ub", "model", "display_name", "score", "ci_lower", "ci_upper", "votes",
	"organization", "country", "license", "open_weights", "preliminary", "rank_ub_plain", "rank_ub_style"}

// writeCSV writes the view's rows as the JSON has them, numbers with two
// decimals. The online-Elo board has no intervals or ranks: those cells
// are empty.
func (d *boardData) writeCSV(out io.Writer) error {
	j := d.json()
	w := csv.NewWriter(out)
	if err := w.Write(csvHeader); err != nil {
		return err
	}
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 2, 64)
	}
	rank := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, r := range j.Models {
		score := r.Score
		rec := []string{rank(r.RankUB), r.Model, r.DisplayName, num(&score), num(r.CILower), num(r.CIUpper),
			strconv.Itoa(r.Votes), r.Organization, r.Country, r.License, strconv.FormatBool(r.OpenWeights),
			strconv.FormatBool(r.Preliminary), rank(r.RankUBPlain), rank(r.RankUBStyle)}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// csvName keeps a category name safe inside a file name.
func csvName(cat string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, cat)
}

// pageView builds the page's view model from the same data as the JSON.
func (s *Server) pageView(ctx context.Context, d *boardData) (views.LeaderboardView, error) {
	q := d.req.q
	v := views.LeaderboardView{Category: q.Category, CategoryLabel: boardCategoryLabel(q.Category), Style: q.Style,
		Permalink: boardURL("/leaderboard", q), JSONURL: boardURL("/api/v1/leaderboard", q),
		CSVURL:     boardURL("/leaderboard.csv", q),
		VersionURL: "/api/v1/leaderboard/version?category=" + url.QueryEscape(q.Category),
		Rows:       []views.LeaderboardRow{}, Sorts: map[string]views.SortLink{}}
	var err error
	if v.Version, err = s.boardVersion(ctx, q.Category); err != nil {
		return v, err
	}
	for _, c := range d.cats {
		t := q
		t.Category = c.Name
		v.Tabs = append(v.Tabs, views.CategoryTab{Label: boardCategoryLabel(c.Name), URL: boardURL("/leaderboard", t),
			Votes: c.Votes, Models: c.Models, Active: c.Name == q.Category})
	}
	for _, key := range arena.BoardSorts {
		t := q
		t.Sort, t.Desc = key, false
		link := views.SortLink{Aria: "none"}
		if key == q.Sort {
			t.Desc = !q.Desc
			link.Mark, link.Aria = "▲", "ascending"
			if q.Desc {
				link.Mark, link.Aria = "▼", "descending"
			}
		}
		link.URL = boardURL("/leaderboard", t)
		v.Sorts[key] = link
	}
	switch {
	case d.view != nil:
		fillRated(&v, d.view, q)
		if v.Charts, err = s.leaderboardCharts(ctx, d.view.Board); err != nil {
			return v, err
		}
	case d.elo != nil:
		fillElo(&v, d.elo)
	}
	return v, nil
}

func fillRated(v *views.LeaderboardView, bv *arena.BoardView, q arena.BoardQuery) {
	b := bv.Board
	v.Rated, v.Votes, v.MinVotes, v.Rounds, v.NoStyle, v.Total = true, b.Votes, b.MinVotes, b.Rounds, b.Style == nil, len(b.Models)
	v.ComputedAt, v.ComputedISO = when(b.ComputedAt)
	clear := q
	clear.OpenWeights, clear.HidePreliminary, clear.Organization, clear.Country, clear.License = false, false, "", "", ""
	v.Filters = views.BoardFilters{OpenWeights: q.OpenWeights, HidePreliminary: q.HidePreliminary,
		Organization: q.Organization, Country: q.Country, License: q.License,
		Organizations: bv.Organizations, Countries: bv.Countries, Licenses: bv.Licenses,
		ClearURL: boardURL("/leaderboard", clear),
		Active:   q.OpenWeights || q.HidePreliminary || q.Organization != "" || q.Country != "" || q.License != ""}
	if q.Category != models.CategoryOverall {
		v.Filters.Hidden = append(v.Filters.Hidden, views.HiddenField{Name: "category", Value: q.Category})
	}
	if q.Sort != "rank" {
		v.Filters.Hidden = append(v.Filters.Hidden, views.HiddenField{Name: "sort", Value: q.Sort})
	}
	if q.Desc {
		v.Filters.Hidden = append(v.Filters.Hidden, views.HiddenField{Name: "dir", Value: "desc"})
	}
	for _, r := range bv.Rows {
		row := views.LeaderboardRow{
			Rank: r.RankUB, OtherRank: r.StyleRankUB, Slug: r.Slug, DisplayName: r.DisplayName,
			Organization: r.Organization, Country: r.Country, License: r.License, OpenWeights: r.OpenWeights,
			Score: score(r.Score), CIPlus: "+" + score(r.CIUpper-r.Score), CIMinus: "−" + score(r.Score-r.CILower),
			Votes: r.Votes, Preliminary: r.Preliminary, ModelURL: "/models/" + url.PathEscape(r.Slug),
		}
		if q.Style {
			row.OtherRank = r.PlainRankUB
		}
		if st := r.RatedRow.Style; st != nil {
			row.StyleRank, row.StyleScore = r.StyleRankUB, score(st.Score)
		}
		v.Rows = append(v.Rows, row)
	}
}

func fillElo(v *views.LeaderboardView, b *arena.Board) {
	v.Votes, v.Total = b.Votes, len(b.Rows)
	v.ComputedAt, v.ComputedISO = when(b.ComputedAt)
	for i, r := range b.Rows {
		c := r.Contender
		v.Rows = append(v.Rows, views.LeaderboardRow{
			Rank: i + 1, DisplayName: c.DisplayName, Slug: c.Slug, Organization: c.Organization,
			Country: c.Country, License: c.License, OpenWeights: c.OpenWeights, Score: score(r.Elo),
			Votes: r.Votes, WinRate: fmt.Sprintf("%.1f%%", 100*r.WinRate()),
		})
	}
}

// boardCategoryLabel names a category for people: "Coding", "Multi-turn",
// "German".
func boardCategoryLabel(name string) string {
	switch name {
	case models.CategoryOverall:
		return "Overall"
	case categories.Coding:
		return "Coding"
	case categories.Math:
		return "Math"
	case categories.CreativeWriting:
		return "Creative writing"
	case categories.LongQuery:
		return "Long query"
	case categories.MultiTurn:
		return "Multi-turn"
	}
	if code, ok := strings.CutPrefix(name, categories.LanguagePrefix); ok {
		if tag, err := language.Parse(code); err == nil {
			if n := display.English.Languages().Name(tag); n != "" {
				return n
			}
		}
		return "Language " + code
	}
	return strings.ReplaceAll(name, "_", " ")
}

// score rounds to whole points, as the arena shows them, without a "-0".
func score(x float64) string {
	r := math.Round(x)
	if r == 0 {
		r = 0 // turns -0 into 0
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// when formats a time for people (UTC, to the minute) and for machines.
func when(t time.Time) (human, iso string) {
	if t.IsZero() {
		return "", ""
	}
	t = t.UTC()
	return t.Format("2 Jan 2006 15:04 UTC"), t.Format(time.RFC3339)
}
