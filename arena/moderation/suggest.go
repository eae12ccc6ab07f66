package moderation

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// suggestionsPerHour bounds how many prompts one voter may suggest an hour:
// plenty for a person, too few to flood the queue.
const suggestionsPerHour = 10

// Voter-facing moderation errors; their text is shown as it is.
var (
	ErrDuplicateSuggestion = fault.New(fault.Conflict, "This prompt is already known to the arena (in the bank, waiting for review, or asked before). Thank you all the same!")
	ErrSuggestFlooding     = fault.Newf(fault.Throttled, "You have suggested %d prompts in the last hour, the most this arena takes; thank you, and try again later.", suggestionsPerHour)
	ErrAlreadyReported     = fault.New(fault.Conflict, "You already reported this prompt. Thank you: a moderator will look at it.")
	ErrReportBeforeVote    = fault.New(fault.Conflict, "Vote first: a prompt can be reported once its battle has your vote.")
	ErrBadReportReason     = fault.New(fault.Invalid, "Choose one of the listed reasons for the report.")
	ErrReportTooLong       = fault.Invalidf("The details are too long; keep them under %d characters.", maxReportDetails)
)

// maxReportDetails bounds the free text of a report (it fits the column).
const maxReportDetails = 500

// ReportReason is one reason a voter can give for reporting a prompt.
type ReportReason struct {
	Code  string
	Label string
}

// ReportReasons are the reasons a report form offers, in its order.
var ReportReasons = []ReportReason{
	{"harmful", "Harmful, hateful or abusive"},
	{"personal_data", "Contains personal data"},
	{"spam", "Spam or nonsense"},
	{"other", "Something else"},
}

// SuggestPrompt stores a voter's suggestion for the prompt bank, pending
// review. The live filter applies (blocked words, patterns and personal data
// refuse it; a flag rule only notes itself for the moderator); a prompt the
// arena already knows is refused politely.
func (a *Service) SuggestPrompt(ctx context.Context, voterID, text string) (*models.Prompt, error) {
	rules, err := a.PromptRules(ctx)
	if err != nil {
		return nil, err
	}
	if err := rules.CheckPrompt(text); err != nil {
		return nil, err
	}
	n, err := a.store.SuggestionsSince(ctx, voterID, a.now().Add(-time.Hour))
	if err != nil {
		return nil, err
	}
	if n >= suggestionsPerHour {
		return nil, ErrSuggestFlooding
	}
	text = strings.TrimSpace(text)
	p := &models.Prompt{Text: text, Hash: models.PromptHash(text), Source: models.SourceUser,
		Status: models.StatusPending, Categories: []string{}}
	err = a.store.CreateSuggestion(ctx, p, voterID, rules.Flag(text))
	if errors.Is(err, models.ErrDuplicatePrompt) {
		return nil, ErrDuplicateSuggestion
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ReportBattle reports the prompts of the voter's voted battle (every turn's
// prompt of a live one) for review, once per voter and prompt.
func (a *Service) ReportBattle(ctx context.Context, battleID, voterID, reason, details string) error {
	known := false
	for _, r := range ReportReasons {
		known = known || r.Code == reason
	}
	if !known {
		return ErrBadReportReason
	}
	details = strings.TrimSpace(details)
	if !utf8.ValidString(details) || strings.ContainsRune(details, 0) {
		return fault.New(fault.Invalid, "The details contain characters that cannot be stored.")
	}
	if utf8.RuneCountInString(details) > maxReportDetails {
		return ErrReportTooLong
	}
	b, err := a.hooks.Battle(ctx, battleID, voterID)
	if err != nil {
		return err
	}
	if b.State != models.StateVoted {
		return ErrReportBeforeVote
	}
	ids, err := a.store.BattlePromptIDs(ctx, b.ID)
	if err != nil {
		return err
	}
	rs := make([]models.Report, len(ids))
	for i, id := range ids {
		rs[i] = models.Report{PromptID: id, VoterID: voterID, BattleID: b.ID, Reason: reason, Details: details}
	}
	err = a.store.CreateReports(ctx, rs)
	if errors.Is(err, models.ErrAlreadyReported) {
		return ErrAlreadyReported
	}
	return err
}
