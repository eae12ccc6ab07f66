package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/moderation"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// tabLabels name the queue tabs on the page.
var tabLabels = map[string]string{
	models.TabPending: "Pending", models.TabFlagged: "Flagged", models.TabReported: "Reported",
	models.TabApproved: "Approved", models.TabRejected: "Rejected",
}

// queueQuery reads the tab, search and page of the queue from a request's
// query or form.
func queueQuery(c echo.Context) (models.QueueQuery, error) {
	q := models.QueueQuery{Tab: c.FormValue("tab"), Search: strings.TrimSpace(c.FormValue("q")), PerPage: moderation.DefaultPerPage}
	if p := c.FormValue("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return q, fault.New(fault.Invalid, `"page" must be a whole number of 1 or more.`)
		}
		q.Page = n
	}
	return q, nil
}

// queueURL is the queue page for a tab, search and page.
func queueURL(tab, search string, page int, extra ...string) string {
	v := url.Values{}
	if tab != "" {
		v.Set("tab", tab)
	}
	if search != "" {
		v.Set("q", search)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return "/admin/prompts"
	}
	return "/admin/prompts?" + v.Encode()
}

// adminPrompts shows a tab of the moderation queue and the filter rules.
func (s *Server) adminPrompts(c echo.Context) error {
	q, err := queueQuery(c)
	if err != nil {
		return err
	}
	rules, err := s.arena.Moderation().FilterRules(c.Request().Context())
	if err != nil {
		return err
	}
	form := views.FilterRulesForm{
		BlockWords: lines(rules.BlockWords), BlockPatterns: lines(rules.BlockPatterns),
		FlagWords: lines(rules.FlagWords), FlagPatterns: lines(rules.FlagPatterns),
	}
	return s.renderQueue(c, http.StatusOK, q, form, "", notice(c))
}

func (s *Server) renderQueue(c echo.Context, status int, q models.QueueQuery, rules views.FilterRulesForm, rulesErr, note string) error {
	page, err := s.arena.Moderation().Queue(c.Request().Context(), q)
	if err != nil {
		return err
	}
	v := views.AdminPromptsView{Tab: page.Tab, Search: page.Search, Total: page.Total, Page: page.Page,
		Pages: max(1, int((page.Total+int64(page.PerPage)-1)/int64(page.PerPage))), Notice: note,
		Categories: categories.Names, Rules: rules, RulesError: rulesErr}
	for _, t := range models.QueueTabs {
		v.Tabs = append(v.Tabs, views.QueueTabView{Name: t, Label: tabLabels[t], URL: queueURL(t, page.Search, 1),
			Count: page.Counts[t], Active: t == page.Tab})
	}
	if page.Page > 1 {
		v.PrevURL = queueURL(page.Tab, page.Search, page.Page-1)
	}
	if page.Page < v.Pages {
		v.NextURL = queueURL(page.Tab, page.Search, page.Page+1)
	}
	for _, it := range page.Items {
		v.Rows = append(v.Rows, promptRow(it))
	}
	return render(c, status, views.AdminPromptsPage(s.meta(c, "Prompts", ""), v))
}

func promptRow(it models.QueueItem) views.PromptRow {
	p := it.Prompt
	id := strconv.FormatUint(uint64(p.ID), 10)
	r := views.PromptRow{ID: p.ID, Text: p.Text, Source: p.Source, Status: p.Status,
		Created: p.CreatedAt.UTC().Format("2006-01-02 15:04"), Flag: it.Review.Flag, Reports: it.Reports,
		ReportReasons: it.ReportReasons, Reviewer: it.Review.Reviewer, Reason: it.Review.Reason,
		Answers: it.Answers, Language: p.Language, LabelsURL: "/admin/prompts/" + id + "/labels"}
	for _, name := range categories.Names {
		r.Categories = append(r.Categories, views.CategoryCheck{Name: name, Checked: slices.Contains(p.Categories, name)})
	}
	if j := it.Job; j != nil {
		r.Job = &views.JobView{Running: j.State == models.JobRunning, Done: j.Done, Total: j.Total}
		for _, f := range j.Failures {
			r.Job.Failures = append(r.Job.Failures, f.Contender+": "+f.Reason)
		}
	}
	// An approved prompt short of two answers can be given another run
	// once its job is over (a model was down, or none had a provider), or
	// when the job has run far longer than any generation may (the process
	// running it stopped).
	if p.Status == models.StatusApproved && it.Answers < 2 &&
		(it.Job == nil || it.Job.State == models.JobDone || time.Since(it.Job.StartedAt) > staleJob) {
		r.AnswersURL = "/admin/prompts/" + id + "/answers"
	}
	return r
}

// staleJob is how long after its start a running answer job is taken for
// dead: several times the longest a live turn may take.
const staleJob = 15 * time.Minute

func lines(xs []string) string { return strings.Join(xs, "\n") }

// notices are the messages a redirect after an action may ask for; only
// these codes are shown, so a link cannot put words on the page.
var notices = map[string]string{
	"approved": "Approved %s prompt(s).",
	"rejected": "Rejected %s prompt(s).",
	"labels":   "Saved the labels of prompt %s.",
	"answers":  "Asked %s model(s) for answers.",
	"filter":   "Saved the filter rules%s.",
}

func notice(c echo.Context) string {
	f, ok := notices[c.QueryParam("done")]
	if !ok {
		return ""
	}
	n := c.QueryParam("n")
	if _, err := strconv.Atoi(n); err != nil {
		n = ""
	}
	return fmt.Sprintf(f, n)
}

// formIDs reads the chosen prompt ids of the bulk form.
func formIDs(c echo.Context) ([]uint, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, fault.New(fault.Invalid, "The form could not be read.")
	}
	var ids []uint
	for _, v := range form["id"] {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return nil, fault.Newf(fault.Invalid, "%q is not a prompt id.", v)
		}
		ids = append(ids, uint(n))
	}
	return ids, nil
}

// adminReviewPrompts approves or rejects the chosen prompts (bulk form).
func (s *Server) adminReviewPrompts(c echo.Context) error {
	q, err := queueQuery(c)
	if err != nil {
		return err
	}
	ids, err := formIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var done string
	switch c.FormValue("action") {
	case "approve":
		err, done = s.arena.Moderation().ApprovePrompts(ctx, adminName(c), ids), "approved"
	case "reject":
		err, done = s.arena.Moderation().RejectPrompts(ctx, adminName(c), ids, c.FormValue("reason")), "rejected"
	default:
		return fault.New(fault.Invalid, `Choose "approve" or "reject".`)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, queueURL(q.Tab, q.Search, q.Page, "done", done, "n", strconv.Itoa(len(ids))))
}

// pathID reads the :id of an admin prompt route.
func pathID(c echo.Context) (uint, error) {
	n, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || n == 0 {
		return 0, fault.New(fault.NotFound, "There is no such prompt.")
	}
	return uint(n), nil
}

// adminLabelPrompt saves a prompt's categories and language.
func (s *Server) adminLabelPrompt(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return fault.New(fault.Invalid, "The form could not be read.")
	}
	if err := s.arena.Moderation().LabelPrompt(c.Request().Context(), adminName(c), id, form["category"], form.Get("language")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, queueURL("", "", 0, "done", "labels", "n", c.Param("id")))
}

// adminGenerateAnswers asks the contenders still missing an answer to an
// approved prompt for one.
func (s *Server) adminGenerateAnswers(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.arena.Moderation().Prompt(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return fault.New(fault.NotFound, "There is no such prompt.")
	}
	if err != nil {
		return err
	}
	if p.Status != models.StatusApproved {
		return fault.New(fault.Conflict, "Only approved prompts get answers; approve it first.")
	}
	n, err := s.arena.Moderation().GenerateAnswers(ctx, id)
	if err != nil {
		return err
	}
	if err := s.arena.Audit(ctx, adminName(c), "prompt.answers", fmt.Sprintf("prompt %d", id), nil, map[string]int{"asked": n}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, queueURL(models.TabApproved, "", 0, "done", "answers", "n", strconv.Itoa(n)))
}

// adminSaveFilter replaces the filter rules; refused rules show the page
// again with the reason and what was typed.
func (s *Server) adminSaveFilter(c echo.Context) error {
	form := views.FilterRulesForm{
		BlockWords: c.FormValue("block_words"), BlockPatterns: c.FormValue("block_patterns"),
		FlagWords: c.FormValue("flag_words"), FlagPatterns: c.FormValue("flag_patterns"),
	}
	rules := moderation.FilterRules{
		BlockWords: moderation.RuleLines(form.BlockWords), BlockPatterns: moderation.RuleLines(form.BlockPatterns),
		FlagWords: moderation.RuleLines(form.FlagWords), FlagPatterns: moderation.RuleLines(form.FlagPatterns),
	}
	err := s.arena.Moderation().SetFilterRules(c.Request().Context(), adminName(c), rules)
	if fe, ok := fault.As(err); ok && fe.Kind == fault.Invalid {
		return s.renderQueue(c, http.StatusBadRequest, models.QueueQuery{PerPage: moderation.DefaultPerPage}, form, fe.Msg, "")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, queueURL("", "", 0, "done", "filter")+"#filter-rules")
}

// queueJSON is one prompt of the queue in the admin API.
type queueJSON struct {
	ID         uint     `json:"id"`
	Text       string   `json:"text"`
	Source     string   `json:"source"`
	Status     string   `json:"status"`
	Categories []string `json:"categories"`
	Language   string   `json:"language"`
	Flag       string   `json:"flag,omitempty"`
	Reports    int64    `json:"reports"`
	Answers    int64    `json:"answers"`
}

// apiAdminPrompts is the queue as JSON: ?tab=&q=&page=.
func (s *Server) apiAdminPrompts(c echo.Context) error {
	q, err := queueQuery(c)
	if err != nil {
		return err
	}
	page, err := s.arena.Moderation().Queue(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := struct {
		Tab     string           `json:"tab"`
		Page    int              `json:"page"`
		Total   int64            `json:"total"`
		Counts  map[string]int64 `json:"counts"`
		Prompts []queueJSON      `json:"prompts"`
	}{Tab: page.Tab, Page: page.Page, Total: page.Total, Counts: page.Counts, Prompts: []queueJSON{}}
	for _, it := range page.Items {
		p := it.Prompt
		out.Prompts = append(out.Prompts, queueJSON{ID: p.ID, Text: p.Text, Source: p.Source, Status: p.Status,
			Categories: p.Categories, Language: p.Language, Flag: it.Review.Flag, Reports: it.Reports, Answers: it.Answers})
	}
	return c.JSON(http.StatusOK, out)
}
