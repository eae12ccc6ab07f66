// Package moderation keeps what the arena serves and stores clean: the
// review queue of prompts, the admin-editable block and flag lists, voters'
// suggestions and reports, and answers generated for approved prompts.
package moderation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/filter"
	"openarena.dev/arena/arena/jobs"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// Service moderates prompts: the review queue, the editable filter lists,
// voters' suggestions and reports, and the answers generated for approved
// prompts. It holds the cached filter lists; answers are generated through
// the arena's job queue.
type Service struct {
	store *models.Store
	audit *audit.Log
	now   func() time.Time
	opt   Options
	hooks Hooks

	mu      sync.Mutex
	rules   *compiledRules
	rulesAt time.Time
	jobs    *jobs.Queue
}

// Options are what moderation takes from the arena's configuration.
type Options struct {
	// Rules are the configured prompt rules the stored lists are added to.
	Rules filter.Rules
	// Backend builds the backend of a contender, for generated answers; nil
	// means none is configured.
	Backend func(c *models.Contender) (llm.Backend, error)
	// Timeout bounds one generated answer.
	Timeout time.Duration
	// RulesRefresh is how long the stored filter lists are trusted before
	// they are read again; 0 means DefaultRulesRefresh.
	RulesRefresh time.Duration
	// Queue is the arena's job queue; answers are generated through it.
	Queue *jobs.Queue
}

// Hooks are what moderation asks of the rest of the arena.
type Hooks struct {
	// BankChanged drops the cached list of servable prompts.
	BankChanged func()
	// RatingsChanged schedules a recomputation after votes left or joined
	// the ratings.
	RatingsChanged func(ctx context.Context) error
	// Battle returns the voter's battle (arena.ErrBattleNotFound for one
	// of another voter's).
	Battle func(ctx context.Context, battleID, voterID string) (*models.Battle, error)
}

// New returns the moderation of store, recording admin actions in log.
// Its answer worker is registered with opt.Queue.
func New(store *models.Store, log *audit.Log, now func() time.Time, opt Options, hooks Hooks) *Service {
	a := &Service{store: store, audit: log, now: now, opt: opt.withDefaults(), hooks: hooks, jobs: opt.Queue}
	jobs.Register(opt.Queue, &answerWorker{svc: a})
	return a
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	o.RulesRefresh = cmp.Or(o.RulesRefresh, DefaultRulesRefresh)
	return o
}

// Prompt returns one prompt with its review, for the moderation pages.
func (a *Service) Prompt(ctx context.Context, id uint) (*models.Prompt, error) {
	return a.store.Prompt(ctx, id)
}

// Moderation errors shown to the moderator as they are.
var (
	ErrNoPromptsChosen = fault.New(fault.Invalid, "Choose at least one prompt first.")
	ErrReasonRequired  = fault.New(fault.Invalid, "Give a reason for rejecting: it is kept with the prompt and in the audit log.")
	ErrReasonTooLong   = fault.Invalidf("The reason is too long; keep it under %d characters.", maxReasonChars)
	// An unknown id in a moderator's batch is a bad request (400), as the
	// queue has always answered, not a missing page.
	ErrPromptNotFound = fault.New(fault.Invalid, "There is no such prompt; it may have been deleted.")
)

// maxReasonChars bounds a rejection reason (it fits the review's column).
const maxReasonChars = 500

// Queue paging: the default and the most rows a page shows.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
)

// QueuePage is one page of one tab of the moderation queue, with every
// tab's count under the same search.
type QueuePage struct {
	models.QueueQuery
	Total  int64
	Counts map[string]int64
	Items  []models.QueueItem
}

// Queue returns a page of the queue; an unknown tab is refused.
func (a *Service) Queue(ctx context.Context, q models.QueueQuery) (*QueuePage, error) {
	if q.Tab == "" {
		q.Tab = models.TabPending
	}
	if !slices.Contains(models.QueueTabs, q.Tab) {
		return nil, fault.Invalidf("There is no queue tab %q; choose one of %s.", q.Tab, strings.Join(models.QueueTabs, ", "))
	}
	if utf8.RuneCountInString(q.Search) > 200 {
		return nil, fault.New(fault.Invalid, "The search is too long; keep it under 200 characters.")
	}
	q.Page = max(q.Page, 1)
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	counts, err := a.store.QueueCounts(ctx, q.Search)
	if err != nil {
		return nil, err
	}
	items, total, err := a.store.ModerationQueue(ctx, q)
	if err != nil {
		return nil, err
	}
	return &QueuePage{QueueQuery: q, Total: total, Counts: counts, Items: items}, nil
}

// ApprovePrompts approves the prompts: they may be served, their battles'
// votes held out for them count again, their reports are resolved, and a
// suggested prompt gets its answers generated in the background.
func (a *Service) ApprovePrompts(ctx context.Context, actor string, ids []uint) error {
	return a.review(ctx, actor, ids, models.StatusApproved, "")
}

// RejectPrompts rejects the prompts with a reason (required): they are never
// served again and every vote on a battle that showed them is excluded with
// "prompt rejected" until they are approved again.
func (a *Service) RejectPrompts(ctx context.Context, actor string, ids []uint, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ErrReasonRequired
	}
	if utf8.RuneCountInString(reason) > maxReasonChars {
		return ErrReasonTooLong
	}
	return a.review(ctx, actor, ids, models.StatusRejected, reason)
}

// statusAudit is a prompt's state as the audit log records it.
type statusAudit struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	Text   string `json:"text,omitempty"`
}

func (a *Service) review(ctx context.Context, actor string, ids []uint, status, reason string) error {
	if len(ids) == 0 {
		return ErrNoPromptsChosen
	}
	if len(ids) > MaxPerPage {
		return fault.Invalidf("Choose at most %d prompts at a time.", MaxPerPage)
	}
	changes, err := a.store.ReviewPrompts(ctx, ids, status, actor, reason, a.now())
	if errors.Is(err, models.ErrNotFound) {
		return ErrPromptNotFound
	}
	if err != nil {
		return err
	}
	verb := map[string]string{models.StatusApproved: "prompt.approve", models.StatusRejected: "prompt.reject"}[status]
	for _, c := range changes {
		err := a.audit.Record(ctx, actor, verb, fmt.Sprintf("prompt %d", c.ID),
			statusAudit{Status: c.Before, Text: clip(c.Text, 200)}, statusAudit{Status: c.After, Reason: reason})
		if err != nil {
			return err
		}
	}
	// Which prompts can be served and which votes count have changed.
	a.hooks.BankChanged()
	if err := a.hooks.RatingsChanged(ctx); err != nil {
		return err
	}
	if status != models.StatusApproved {
		return nil
	}
	for _, c := range changes {
		if c.Suggested {
			if _, err := a.GenerateAnswers(ctx, c.ID); err != nil {
				return fmt.Errorf("answers for prompt %d: %w", c.ID, err)
			}
		}
	}
	return nil
}

// labelAudit is a prompt's labels as the audit log records them.
type labelAudit struct {
	Categories []string `json:"categories"`
	Language   string   `json:"language"`
}

// LabelPrompt sets a prompt's topic categories (from CategoryNames) and
// language (an ISO 639 code, LanguageUnknown, or empty); the language's own
// category follows the language. Ratings are recomputed for the new boards.
func (a *Service) LabelPrompt(ctx context.Context, actor string, id uint, topics []string, language string) error {
	language = strings.ToLower(strings.TrimSpace(language))
	if language == "" {
		// An empty language means "never categorised" to the recomputer,
		// which would detect it again and put back topics removed here.
		language = categories.LanguageUnknown
	}
	if language != categories.LanguageUnknown && !categories.IsLanguageCode(language) {
		return fault.Invalidf("%q is not a language code: use a two- or three-letter ISO 639 code such as \"en\", or %q when unknown.", language, categories.LanguageUnknown)
	}
	cats := []string{}
	for _, name := range categories.Names {
		if slices.Contains(topics, name) {
			cats = append(cats, name)
		}
	}
	for _, t := range topics {
		if !slices.Contains(categories.Names, t) {
			return fault.Invalidf("There is no category %q; choose from %s.", t, strings.Join(categories.Names, ", "))
		}
	}
	if lc := categories.ForLanguage(language); lc != "" {
		cats = append(cats, lc)
	}
	before, err := a.store.SetPromptLabels(ctx, id, cats, language)
	if errors.Is(err, models.ErrNotFound) {
		return ErrPromptNotFound
	}
	if err != nil {
		return err
	}
	err = a.audit.Record(ctx, actor, "prompt.label", fmt.Sprintf("prompt %d", id),
		labelAudit{before.Categories, before.Language}, labelAudit{cats, language})
	if err != nil {
		return err
	}
	return a.hooks.RatingsChanged(ctx)
}

// NoteFlag records which flag rule held a live prompt, for the queue.
func (a *Service) NoteFlag(ctx context.Context, p *models.Prompt, flag string) error {
	if flag == "" {
		return nil
	}
	return a.store.NotePromptFlag(ctx, p.ID, flag)
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
