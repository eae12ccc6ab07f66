package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// votersPageSize is how many voters one page lists.
const votersPageSize = 50

// voterIDPattern is what a voter id looks like (the cookie's 32 hex digits,
// or a seeded or imported voter's name); anything else cannot be a voter.
var voterIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// integrityNotices are the messages a redirect after an integrity action
// may ask for; only these codes are shown.
var integrityNotices = map[string]string{
	"blocked":   "Blocked: %s vote(s) left out of the ratings; later votes are stored but left out too.",
	"unblocked": "Unblocked: %s vote(s) back in the ratings.",
	"cleared":   "Cleared: unblocked, and %s vote(s) back in the ratings.",
	"included":  "Vote %s is back in the ratings.",
	"excluded":  "Vote %s is left out of the ratings.",
	"swept":     "Risk sweep: %s vote(s) newly left out.",
}

func integrityNotice(c echo.Context) string {
	f, ok := integrityNotices[c.QueryParam("done")]
	if !ok {
		return ""
	}
	n := c.QueryParam("n")
	if _, err := strconv.Atoi(n); err != nil {
		n = "?"
	}
	return fmt.Sprintf(f, n)
}

func voterPageURL(id string) string { return "/admin/voters/" + id }

// fmtNum formats a statistic, "—" when undefined.
func fmtNum(x float64, format string) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf(format, x)
}

func voterRow(v integrity.VoterSummary) views.VoterRow {
	r := views.VoterRow{ID: v.VoterID, URL: voterPageURL(v.VoterID), Blocked: v.Blocked, Votes: v.Votes, Rated: v.Rated,
		Excluded: v.Excluded, PerHour: fmtNum(v.PerHour, "%.1f"), MedianRead: fmtNum(v.MedianRead, "%.0f s"),
		Agreement: "—", TestP: "untested", Flagged: v.Flagged, MaxRisk: fmtNum(v.MaxRisk, "%.1f"), Risky: v.Risky}
	if v.Decisive > 0 {
		r.Agreement = fmt.Sprintf("%.0f%% of %d", 100*v.Agreement, v.Decisive)
	}
	if v.Tested {
		r.TestP = fmtP(v.TestP)
	}
	if !v.Last.IsZero() {
		r.Last = v.Last.UTC().Format("2006-01-02 15:04")
	}
	return r
}

func fmtP(p float64) string {
	if p < 0.001 {
		return fmt.Sprintf("%.1e", p)
	}
	return fmt.Sprintf("%.3f", p)
}

// adminVoters lists voters, riskiest first, filtered and paginated.
func (s *Server) adminVoters(c echo.Context) error {
	only := c.QueryParam("only")
	switch only {
	case integrity.FilterAll, integrity.FilterRisky, integrity.FilterFlagged, integrity.FilterBlocked:
	default:
		return fault.New(fault.Invalid, `"only" must be risky, flagged or blocked (or empty for all voters).`)
	}
	page, err := queryInt(c, "page", 1)
	if err != nil {
		return err
	}
	page = max(page, 1)
	rep, refreshing, err := s.arena.Integrity().Latest(c.Request().Context())
	if errors.Is(err, integrity.ErrFirstReport) {
		o := s.arena.Integrity().Options()
		return render(c, http.StatusOK, views.AdminVotersPage(s.meta(c, "Voters", ""), views.VotersView{
			Threshold: fmt.Sprintf("%.1f", o.Threshold), Alpha: fmt.Sprintf("%g", o.Alpha), Only: only,
			Notice: integrityNotice(c), Computing: true}))
	}
	if err != nil {
		return err
	}
	// The ranked order is worked out once per report; a page takes its rows.
	rows := rep.Ranked(only)
	o := rep.Options
	v := views.VotersView{Threshold: fmt.Sprintf("%.1f", o.Threshold), Alpha: fmt.Sprintf("%g", o.Alpha), Tested: rep.Tested,
		Total: len(rows), Page: page, Only: only, Notice: integrityNotice(c), Freshness: freshness(rep.At, refreshing)}
	for _, i := range rows[min((page-1)*votersPageSize, len(rows)):min(page*votersPageSize, len(rows))] {
		v.Rows = append(v.Rows, voterRow(rep.Voter(int(i))))
	}
	q := url.Values{}
	if only != "" {
		q.Set("only", only)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		v.PrevURL = "/admin/voters?" + q.Encode()
	}
	if page*votersPageSize < len(rows) {
		q.Set("page", strconv.Itoa(page+1))
		v.NextURL = "/admin/voters?" + q.Encode()
	}
	return render(c, http.StatusOK, views.AdminVotersPage(s.meta(c, "Voters", ""), v))
}

// freshness says how old a report computed at is, and whether a newer one
// is on its way.
func freshness(at time.Time, refreshing bool) string {
	age := time.Since(at)
	var s string
	switch {
	case age < time.Minute:
		s = "Report as of less than a minute ago"
	case age < time.Hour:
		s = fmt.Sprintf("Report as of %d min ago", int(age.Minutes()))
	default:
		s = fmt.Sprintf("Report as of %s UTC", at.UTC().Format("2006-01-02 15:04"))
	}
	if refreshing {
		return s + ", refreshing in the background."
	}
	return s + "."
}

// voterParam reads and checks the :id of the path.
func voterParam(c echo.Context) (string, error) {
	id := c.Param("id")
	if !voterIDPattern.MatchString(id) {
		return "", integrity.ErrNoSuchVoter
	}
	return id, nil
}

// adminVoter shows one voter's votes with their risk.
func (s *Server) adminVoter(c echo.Context) error {
	id, err := voterParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rep, _, err := s.arena.Integrity().Latest(ctx)
	if err != nil {
		return err
	}
	k, ok := rep.Find(id)
	var sum integrity.VoterSummary
	if ok {
		sum = rep.Voter(k)
	} else {
		// A voter who has not voted (or voted since the report) has no
		// line yet; an unknown id is not found.
		vt, err := s.arena.Integrity().Voter(ctx, id)
		if err != nil {
			return err
		}
		sum = integrity.VoterSummary{VoterID: id, Blocked: vt.Blocked, MedianRead: math.NaN(), TestP: 1}
	}
	slugs, err := s.arena.ContenderSlugs(ctx)
	if err != nil {
		return err
	}
	v := views.VoterDetailView{Row: voterRow(sum), Notice: integrityNotice(c), BlockURL: voterPageURL(id) + "/block",
		ClearURL: voterPageURL(id) + "/clear", Threshold: fmt.Sprintf("%.1f", rep.Options.Threshold)}
	lines, err := s.arena.Integrity().VotesOf(ctx, rep, id)
	if err != nil {
		return err
	}
	for _, l := range lines {
		vid := strconv.FormatUint(uint64(l.Vote.ID), 10)
		row := views.VoteRiskRow{ID: l.Vote.ID, When: l.Vote.CreatedAt.UTC().Format("2006-01-02 15:04:05"),
			ModelA: slugs[l.Vote.ContenderAID], ModelB: slugs[l.Vote.ContenderBID], Winner: l.Vote.Winner,
			Read: fmt.Sprintf("%.0f s", l.Vote.ReadSeconds), Risk: fmt.Sprintf("%.1f", l.Risk.Score),
			Signals: strings.Join(l.Risk.Signals, ", "), P: fmtP(l.P),
			Status: voteStatus(true, l.Vote.Counted, l.Vote.Excluded, l.Vote.Reason),
			Risky:  l.Risk.Score >= rep.Options.Threshold-1e-9}
		if l.Unscored {
			row.Risk, row.Signals, row.P = "—", "cast since the report: scored in the next", "—"
		}
		switch {
		case models.IntegrityReason(l.Vote.Excluded):
			row.IncludeURL = "/admin/votes/" + vid + "/include"
		case l.Vote.InRatings():
			row.ExcludeURL = "/admin/votes/" + vid + "/exclude"
		}
		v.Votes = append(v.Votes, row)
	}
	return render(c, http.StatusOK, views.AdminVoterPage(s.meta(c, "Voter", ""), v))
}

// adminBlockVoter blocks or unblocks a voter.
func (s *Server) adminBlockVoter(c echo.Context) error {
	id, err := voterParam(c)
	if err != nil {
		return err
	}
	var block bool
	switch c.FormValue("blocked") {
	case "true":
		block = true
	case "false":
	default:
		return fault.New(fault.Invalid, `"blocked" must be true or false.`)
	}
	ch, err := s.arena.Integrity().BlockVoter(c.Request().Context(), adminName(c), id, block)
	if err != nil {
		return err
	}
	done := "unblocked"
	if block {
		done = "blocked"
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?done=%s&n=%d", voterPageURL(id), done, ch.Votes))
}

// adminClearVoter undoes every integrity exclusion of a voter.
func (s *Server) adminClearVoter(c echo.Context) error {
	id, err := voterParam(c)
	if err != nil {
		return err
	}
	ch, err := s.arena.Integrity().ClearVoter(c.Request().Context(), adminName(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?done=cleared&n=%d", voterPageURL(id), ch.Votes))
}

// voteParam reads the :id of a vote.
func voteParam(c echo.Context) (uint, error) {
	n, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || n == 0 {
		return 0, integrity.ErrNoSuchVote
	}
	return uint(n), nil
}

// adminIncludeVote lifts one vote's integrity exclusion and goes back to
// its voter's page.
func (s *Server) adminIncludeVote(c echo.Context) error {
	id, err := voteParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.arena.Integrity().IncludeVote(ctx, adminName(c), id); err != nil {
		return err
	}
	return s.backToVoter(c, id, "included")
}

// adminExcludeVote leaves one vote out with the admin's reason.
func (s *Server) adminExcludeVote(c echo.Context) error {
	id, err := voteParam(c)
	if err != nil {
		return err
	}
	if err := s.arena.Integrity().ExcludeVote(c.Request().Context(), adminName(c), id, c.FormValue("reason")); err != nil {
		return err
	}
	return s.backToVoter(c, id, "excluded")
}

func (s *Server) backToVoter(c echo.Context, voteID uint, done string) error {
	v, err := s.arena.Integrity().VoteByID(c.Request().Context(), voteID)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s?done=%s&n=%d#vote-%d", voterPageURL(v.VoterID), done, voteID, voteID))
}

// adminSweepRisk runs the risk sweep now.
func (s *Server) adminSweepRisk(c echo.Context) error {
	res, err := s.arena.Integrity().SweepRiskAudited(c.Request().Context(), adminName(c))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/voters?done=swept&n=%d", res.Excluded))
}

// voterJSON is one voter's integrity summary in the admin API.
type voterJSON struct {
	ID         string   `json:"id"`
	Blocked    bool     `json:"blocked"`
	Votes      int      `json:"votes"`
	Rated      int      `json:"rated"`
	Excluded   int      `json:"excluded"`
	PerHour    float64  `json:"votes_per_hour"`
	MedianRead *float64 `json:"median_read_seconds"`
	Agreement  *float64 `json:"agreement"`
	Decisive   int      `json:"decisive_votes_on_rated_pairs"`
	Tested     bool     `json:"tested"`
	TestP      float64  `json:"test_p"`
	Flagged    bool     `json:"flagged"`
	MaxRisk    float64  `json:"max_risk"`
	Risky      int      `json:"risky_votes"`
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// votersAPIMaxLimit bounds one page of the voters API.
const votersAPIMaxLimit = 10000

// apiAdminVoters is the voters' integrity summaries as JSON, in the order
// of their first vote, paged by limit (default 1000, at most 10000) and
// either after (the last voter id of the previous page: a cursor that
// stays put when voters are added) or offset. "next" is the cursor of the
// next page, empty on the last. The report is the last computed
// ("computed_at"); "refreshing" says a newer one is being computed. With no
// report to serve (before the first, or once one went unread for two
// minutes and was let go) the answer is 503, the next being computed.
func (s *Server) apiAdminVoters(c echo.Context) error {
	offset, err := queryInt(c, "offset", 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 1000)
	if err != nil {
		return err
	}
	if limit == 0 || limit > votersAPIMaxLimit {
		return fault.New(fault.Invalid, `"limit" must be between 1 and 10000.`)
	}
	rep, refreshing, err := s.arena.Integrity().Latest(c.Request().Context())
	if err != nil {
		return err
	}
	if after := c.QueryParam("after"); after != "" {
		k, ok := rep.Find(after)
		if !ok {
			return fault.New(fault.Invalid, `"after" must be the id of a voter in the report (the last of the previous page).`)
		}
		offset = k + 1
	}
	total := rep.Len()
	from, to := min(offset, total), min(offset+limit, total)
	out := make([]voterJSON, to-from)
	next := ""
	for i := range out {
		v := rep.Voter(from + i)
		if i == len(out)-1 && to < total {
			next = v.VoterID
		}
		out[i] = voterJSON{ID: v.VoterID, Blocked: v.Blocked, Votes: v.Votes, Rated: v.Rated, Excluded: v.Excluded,
			PerHour: v.PerHour, MedianRead: finite(v.MedianRead), Agreement: finite(v.Agreement), Decisive: v.Decisive,
			Tested: v.Tested, TestP: v.TestP, Flagged: v.Flagged, MaxRisk: v.MaxRisk, Risky: v.Risky}
	}
	o := rep.Options
	return c.JSON(http.StatusOK, map[string]any{"voters": out, "total": total, "offset": offset, "limit": limit, "next": next,
		"threshold": o.Threshold, "alpha": o.Alpha, "tested": rep.Tested, "computed_at": rep.At, "refreshing": refreshing})
}
