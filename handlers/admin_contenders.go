package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// contenderURL is a contender's admin page. Ids, not slugs, are in the
// address because a slug may contain a slash.
func contenderURL(id uint) string { return "/admin/contenders/" + strconv.FormatUint(uint64(id), 10) }

// contenderNotices are the messages a redirect after a contender action may
// ask for; only these codes are shown, so a link cannot put words on a page.
var contenderNotices = map[string]string{
	"created":   "Added the contender.",
	"saved":     "Saved.",
	"enabled":   "Enabled: it is sampled again.",
	"disabled":  "Disabled: it is no longer sampled for new battles.",
	"retire":    "Retired: no new battles; its last score stays on the board behind \"show retired\".",
	"suspend":   "Suspended: no new battles; the board and its page show it as suspended.",
	"reinstate": "Reinstated: it takes part in new battles again.",
}

// contenderRow formats a contender line for the list.
func contenderRow(l arena.ContenderLine) views.ContenderRow {
	r := views.ContenderRow{URL: contenderURL(l.ID), Slug: l.Slug, Name: l.DisplayName, Organization: l.Organization,
		Enabled: l.Enabled, Weight: strconv.FormatFloat(l.Weight, 'g', -1, 64), Provider: l.Provider.Kind,
		Battles: l.Stat.Battles, Votes: l.Stat.Votes, FailureRate: "—", MedianLatency: "—", P90Latency: "—",
		Status: l.Status, StatusLine: statusLine(&l.Contender), Uncounted: "—", Demoted: l.Uncounted.Demoted}
	if u := l.Uncounted; u.Battles > 0 {
		r.Uncounted = fmt.Sprintf("%s (%d of %d: %d void, %d named)", pct(u.Share()), u.Void+u.Leaked, u.Battles, u.Void, u.Leaked)
	}
	if r.Provider == "" {
		r.Provider = "bank only"
	}
	if l.Stat.Live > 0 {
		r.FailureRate = fmt.Sprintf("%.1f%% (%d of %d)", 100*l.Stat.FailureRate(), l.Stat.Failed, l.Stat.Live)
	}
	if l.Stat.LatencySample > 0 {
		r.MedianLatency = fmtMS(l.Stat.MedianLatencyMS)
		r.P90Latency = fmtMS(l.Stat.P90LatencyMS)
	}
	return r
}

func fmtMS(ms int) string {
	if ms >= 10_000 {
		return fmt.Sprintf("%.0f s", float64(ms)/1000)
	}
	if ms >= 1000 {
		return fmt.Sprintf("%.1f s", float64(ms)/1000)
	}
	return fmt.Sprintf("%d ms", ms)
}

// adminContenders lists every contender with its record.
func (s *Server) adminContenders(c echo.Context) error {
	lines, err := s.arena.ContenderLines(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.ContendersView{Notice: contenderNotices[c.QueryParam("done")]}
	for _, l := range lines {
		v.Rows = append(v.Rows, contenderRow(l))
	}
	return render(c, http.StatusOK, views.AdminContendersPage(s.meta(c, "Contenders", ""), v))
}

// adminContenderNew is the empty add form.
func (s *Server) adminContenderNew(c echo.Context) error {
	f := views.ContenderForm{Action: "/admin/contenders", New: true, Enabled: true, Weight: "1"}
	return render(c, http.StatusOK, views.AdminContenderNewPage(s.meta(c, "Add a contender", ""), f))
}

// contenderFromForm reads the add/edit form. A form that cannot be read
// as numbers or JSON is refused with the form as typed.
func contenderFromForm(c echo.Context) (models.Contender, views.ContenderForm, error) {
	f := views.ContenderForm{
		Slug: strings.TrimSpace(c.FormValue("slug")), DisplayName: c.FormValue("display_name"),
		Organization: c.FormValue("organization"), Country: c.FormValue("country"), License: c.FormValue("license"),
		OpenWeights: c.FormValue("open_weights") == "true", Enabled: c.FormValue("enabled") == "true",
		Aliases: c.FormValue("aliases"), Weight: strings.TrimSpace(c.FormValue("weight")),
		ProviderKind: strings.TrimSpace(c.FormValue("provider_kind")), ProviderBaseURL: strings.TrimSpace(c.FormValue("provider_base_url")),
		ProviderModel: strings.TrimSpace(c.FormValue("provider_model")), ProviderAPIKeyEnv: strings.TrimSpace(c.FormValue("provider_api_key_env")),
		ProviderParams: strings.TrimSpace(c.FormValue("provider_params")),
	}
	m := models.Contender{Slug: f.Slug, DisplayName: f.DisplayName, Organization: strings.TrimSpace(f.Organization),
		Country: strings.TrimSpace(f.Country), License: strings.TrimSpace(f.License), OpenWeights: f.OpenWeights,
		Enabled: f.Enabled, Aliases: strings.Split(strings.ReplaceAll(f.Aliases, "\r\n", "\n"), "\n"),
		Provider: models.Provider{Kind: f.ProviderKind, BaseURL: f.ProviderBaseURL, Model: f.ProviderModel, APIKeyEnv: f.ProviderAPIKeyEnv}}
	w, err := strconv.ParseFloat(f.Weight, 64)
	if err != nil {
		return m, f, fault.New(fault.Invalid, "The sampling weight must be a number, such as 1 (normal) or 0 (never sampled).")
	}
	m.Weight = w
	if f.ProviderParams != "" {
		if err := json.Unmarshal([]byte(f.ProviderParams), &m.Provider.Params); err != nil {
			return m, f, fault.New(fault.Invalid, `The provider parameters must be a JSON object, such as {"temperature": 0.7}.`)
		}
	}
	return m, f, nil
}

// formOf fills the edit form from a stored contender.
func formOf(ct *models.Contender) views.ContenderForm {
	f := views.ContenderForm{Action: contenderURL(ct.ID), Slug: ct.Slug, DisplayName: ct.DisplayName,
		Organization: ct.Organization, Country: ct.Country, License: ct.License, OpenWeights: ct.OpenWeights,
		Enabled: ct.Enabled, Aliases: strings.Join(ct.Aliases, "\n"), Weight: strconv.FormatFloat(ct.Weight, 'g', -1, 64),
		ProviderKind: ct.Provider.Kind, ProviderBaseURL: ct.Provider.BaseURL, ProviderModel: ct.Provider.Model,
		ProviderAPIKeyEnv: ct.Provider.APIKeyEnv}
	if len(ct.Provider.Params) > 0 {
		b, _ := json.Marshal(ct.Provider.Params)
		f.ProviderParams = string(b)
	}
	return f
}

// adminCreateContender adds a contender from the form; a refused form
// comes back with its reason and what was typed.
func (s *Server) adminCreateContender(c echo.Context) error {
	m, f, err := contenderFromForm(c)
	f.Action, f.New = "/admin/contenders", true
	if err == nil {
		var ct *models.Contender
		if ct, err = s.arena.AddContender(c.Request().Context(), adminName(c), m); err == nil {
			return c.Redirect(http.StatusSeeOther, contenderURL(ct.ID)+"?done=created")
		}
	}
	if fe, ok := fault.As(err); ok && fe.Kind == fault.Invalid {
		f.Error = fe.Msg
		return render(c, http.StatusBadRequest, views.AdminContenderNewPage(s.meta(c, "Add a contender", ""), f))
	}
	return err
}

// contenderParam reads the contender of the :id in the path.
func (s *Server) contenderParam(c echo.Context) (*models.Contender, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		return nil, fault.New(fault.NotFound, "There is no such contender.")
	}
	ct, err := s.arena.ContenderByID(c.Request().Context(), uint(id))
	return ct, err
}

// adminContender shows one contender's page.
func (s *Server) adminContender(c echo.Context) error {
	ct, err := s.contenderParam(c)
	if err != nil {
		return err
	}
	return s.renderContender(c, http.StatusOK, ct.Slug, nil, nil, contenderNotices[c.QueryParam("done")])
}

// renderContender draws a contender's page; form, when not nil, replaces
// the stored values in the edit form (a refused edit), and test shows a
// provider test's outcome.
func (s *Server) renderContender(c echo.Context, status int, slug string, form *views.ContenderForm, test *arena.ProviderTest, note string) error {
	d, err := s.arena.ContenderDetail(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	v := views.ContenderDetailView{Row: contenderRow(d.ContenderLine), Form: formOf(&d.Contender), Notice: note,
		EnableURL: contenderURL(d.ID) + "/enabled", TestURL: contenderURL(d.ID) + "/test", LifecycleURL: contenderURL(d.ID) + "/lifecycle",
		DemoteRule:  demoteRule,
		HasProvider: d.Provider.Kind != "", Limit: arena.ContenderPageLimit}
	if form != nil {
		v.Form = *form
	}
	if test != nil {
		v.Test = &views.ProviderTestView{Prompt: test.Prompt, Answer: test.Answer, Error: test.Err,
			Latency: test.Latency.Round(time.Millisecond).String()}
	}
	for _, b := range d.Battles {
		v.Battles = append(v.Battles, views.ContenderBattleRow{When: b.CreatedAt.UTC().Format("2006-01-02 15:04"),
			Mode: b.Mode, State: b.State, Side: b.Side, Opponent: b.OpponentSlug, Verdict: verdictOf(b),
			Status: voteStatus(b.Winner != "", b.Counted, b.Excluded, ""), VoterURL: voterURLOf(b.VoterID, b.Winner != "")})
	}
	return render(c, status, views.AdminContenderPage(s.meta(c, d.Slug, ""), v))
}

// verdictOf says how the battle went for the contender.
func verdictOf(b models.ContenderBattle) string {
	switch b.Winner {
	case "":
		if b.State == models.StateVoid {
			return "void: " + b.VoidReason
		}
		return "no vote"
	case models.WinnerTie:
		return "tie"
	case models.WinnerBothBad:
		return "both bad"
	case models.WinnerA:
		if b.Side == "A" {
			return "won"
		}
	case models.WinnerB:
		if b.Side == "B" {
			return "won"
		}
	}
	return "lost"
}

// voteStatus says whether a vote is in the ratings and, if not, why.
func voteStatus(voted, counted bool, excluded, reason string) string {
	switch {
	case !voted:
		return "—"
	case !counted && reason != "":
		return "not counted: " + reason
	case !counted:
		return "not counted"
	case excluded != "":
		return "excluded: " + excluded
	}
	return "in the ratings"
}

func voterURLOf(id string, voted bool) string {
	if !voted || id == "" {
		return ""
	}
	return "/admin/voters/" + id
}

// adminUpdateContender saves the edit form.
func (s *Server) adminUpdateContender(c echo.Context) error {
	ct, err := s.contenderParam(c)
	if err != nil {
		return err
	}
	m, f, err := contenderFromForm(c)
	f.Action, f.Slug = contenderURL(ct.ID), ct.Slug
	if err == nil {
		if _, err = s.arena.UpdateContender(c.Request().Context(), adminName(c), ct.Slug, m); err == nil {
			return c.Redirect(http.StatusSeeOther, contenderURL(ct.ID)+"?done=saved")
		}
	}
	if fe, ok := fault.As(err); ok && fe.Kind == fault.Invalid {
		f.Error = fe.Msg
		return s.renderContender(c, http.StatusBadRequest, ct.Slug, &f, nil, "")
	}
	return err
}

// adminEnableContender turns a contender on or off.
func (s *Server) adminEnableContender(c echo.Context) error {
	ct, err := s.contenderParam(c)
	if err != nil {
		return err
	}
	var on bool
	switch c.FormValue("enabled") {
	case "true":
		on = true
	case "false":
	default:
		return fault.New(fault.Invalid, `"enabled" must be true or false.`)
	}
	if _, err := s.arena.SetContenderEnabled(c.Request().Context(), adminName(c), ct.Slug, on); err != nil {
		return err
	}
	done := "disabled"
	if on {
		done = "enabled"
	}
	return c.Redirect(http.StatusSeeOther, contenderURL(ct.ID)+"?done="+done)
}

// adminTestContender sends one short prompt through the contender's
// provider and shows the answer or the error on its page.
func (s *Server) adminTestContender(c echo.Context) error {
	ct, err := s.contenderParam(c)
	if err != nil {
		return err
	}
	res, err := s.arena.TestProvider(c.Request().Context(), adminName(c), ct.Slug)
	if err != nil {
		return err
	}
	return s.renderContender(c, http.StatusOK, ct.Slug, nil, res, "")
}

// adminContenderJSON is one contender with its record in the admin API.
type adminContenderJSON struct {
	ID              uint     `json:"id"`
	Slug            string   `json:"slug"`
	DisplayName     string   `json:"display_name"`
	Organization    string   `json:"organization"`
	Country         string   `json:"country"`
	License         string   `json:"license"`
	OpenWeights     bool     `json:"open_weights"`
	Aliases         []string `json:"aliases"`
	Enabled         bool     `json:"enabled"`
	Weight          float64  `json:"weight"`
	ProviderKind    string   `json:"provider_kind"`
	Battles         int      `json:"battles"`
	LiveBattles     int      `json:"live_battles"`
	FailedBattles   int      `json:"failed_battles"`
	FailureRate     float64  `json:"failure_rate"`
	Votes           int      `json:"votes"`
	RatedVotes      int      `json:"rated_votes"`
	MedianLatencyMS int      `json:"median_latency_ms"`
	P90LatencyMS    int      `json:"p90_latency_ms"`
	Status          string   `json:"status"`
	StatusReason    string   `json:"status_reason"`
	// UncountedShare is over the newest UncountedBattles finished live
	// battles; Demoted says the live sampler turned its weight down.
	UncountedShare   float64 `json:"uncounted_share"`
	UncountedBattles int     `json:"uncounted_battles"`
	Demoted          bool    `json:"sampling_demoted"`
}

// apiAdminContenders lists contenders and their records as JSON.
func (s *Server) apiAdminContenders(c echo.Context) error {
	lines, err := s.arena.ContenderLines(c.Request().Context())
	if err != nil {
		return err
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Slug < lines[j].Slug })
	out := make([]adminContenderJSON, len(lines))
	for i, l := range lines {
		out[i] = adminContenderJSON{ID: l.ID, Slug: l.Slug, DisplayName: l.DisplayName, Organization: l.Organization,
			Country: l.Country, License: l.License, OpenWeights: l.OpenWeights, Aliases: l.Aliases, Enabled: l.Enabled,
			Weight: l.Weight, ProviderKind: l.Provider.Kind, Battles: l.Stat.Battles, LiveBattles: l.Stat.Live,
			FailedBattles: l.Stat.Failed, FailureRate: l.Stat.FailureRate(), Votes: l.Stat.Votes, RatedVotes: l.Stat.Rated,
			MedianLatencyMS: l.Stat.MedianLatencyMS, P90LatencyMS: l.Stat.P90LatencyMS, Status: l.Status,
			StatusReason: l.StatusReason, UncountedShare: l.Uncounted.Share(), UncountedBattles: l.Uncounted.Battles, Demoted: l.Uncounted.Demoted}
		if out[i].Aliases == nil {
			out[i].Aliases = []string{}
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"contenders": out})
}

// demoteRule states the live sampler's rule for a contender whose votes
// keep not counting.
var demoteRule = fmt.Sprintf("of its newest %d finished live battles more than %.0f%% were void or named their model, so its sampling weight is multiplied by %g and the informative sampler no longer seeks it out, until that clears.",
	arena.DemoteWindow, 100*arena.DemoteShare, arena.DemoteFactor)

// statusLine says since when and why a contender is retired or suspended.
func statusLine(c *models.Contender) string {
	if c.Status == "" {
		return ""
	}
	s := "since " + c.UpdatedAt.UTC().Format("2 Jan 2006")
	if c.StatusAt != nil {
		s = "since " + c.StatusAt.UTC().Format("2 Jan 2006")
	}
	if c.StatusReason != "" {
		s += ": " + c.StatusReason
	}
	return s
}

// adminContenderLifecycle retires, suspends or reinstates a contender.
func (s *Server) adminContenderLifecycle(c echo.Context) error {
	ct, err := s.contenderParam(c)
	if err != nil {
		return err
	}
	action := c.FormValue("action")
	if _, err := s.arena.SetLifecycle(c.Request().Context(), adminName(c), ct.Slug, action, c.FormValue("reason")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, contenderURL(ct.ID)+"?done="+action)
}
