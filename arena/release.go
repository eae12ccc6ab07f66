package arena

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/filter"
	"openarena.dev/arena/models"
)

// ReleasedBattle is one battle of the public data release, in the schema of
// LMArena's released battle data (lmsys/chatbot_arena_conversations): field
// names and their order are that format and must not change.
type ReleasedBattle struct {
	QuestionID string `json:"question_id"`
	ModelA     string `json:"model_a"`
	ModelB     string `json:"model_b"`
	// Winner is model_a, model_b, tie or "tie (bothbad)".
	Winner string `json:"winner"`
	// Judge is a pseudonym of the voter, stable within a release and never
	// the voter id; empty when the release was made without a key.
	Judge         string    `json:"judge"`
	ConversationA []Message `json:"conversation_a"`
	ConversationB []Message `json:"conversation_b"`
	Turn          int       `json:"turn"`
	Anony         bool      `json:"anony"`
	Language      string    `json:"language"`
	// Tstamp is when the vote was cast, in unix seconds.
	Tstamp float64 `json:"tstamp"`
}

// Message is one message of a released conversation.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ReleaseFilter selects released battles for a page.
type ReleaseFilter struct {
	// Contender, when not empty, keeps the battles this slug took part in.
	Contender string
	// Limit bounds how many battles are returned; 0 means 20.
	Limit int
	// JudgeKey keys the voter pseudonyms; without it Judge is empty.
	JudgeKey []byte
}

// Screen decides whether a text may be published: a non-empty reason
// leaves its battle out. An error means the text could not be checked, and
// a release must then fail rather than publish it.
type Screen func(text string) (reason string, err error)

// ReleaseScreen is the release's filter: personal data (see PersonalData)
// and the live prompt filter's block and flag lists, as configured and as
// the admin edited them, applied to prompts and answers alike. It fails
// when the stored lists cannot be read: a release must not go out with
// half its filter.
func (a *Arena) ReleaseScreen(ctx context.Context) (Screen, error) {
	rules, err := a.moderation.PromptRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the prompt filter's lists: %w", err)
	}
	words := func(low string, ws []string) bool {
		for _, w := range ws {
			if w = strings.ToLower(strings.TrimSpace(w)); w != "" && filter.ContainsWord(low, w) {
				return true
			}
		}
		return false
	}
	patterns := func(text string, ps []*regexp.Regexp) bool {
		for _, p := range ps {
			if p.MatchString(text) {
				return true
			}
		}
		return false
	}
	return func(text string) (string, error) {
		if found, ok := filter.PersonalData(text); ok {
			return "personal data: " + found, nil
		}
		low := strings.ToLower(text)
		switch {
		case words(low, rules.Blocked):
			return "blocked word", nil
		case patterns(text, rules.Patterns):
			return "blocked pattern", nil
		case words(low, rules.FlagWords), patterns(text, rules.FlagPatterns):
			// Flagged text waits for a person; a release does not.
			return "flagged word or pattern", nil
		}
		return "", nil
	}, nil
}

// Reasons a vote is left out of the release before any text is screened.
const (
	LeftOutVoid          = "void battle"
	LeftOutNotCounted    = "vote not counted"
	LeftOutExcluded      = "vote excluded"
	LeftOutAnswerMissing = "answer missing"
	LeftOutServedBank    = "bank prompt still served"
	// LeftOutPrompt is followed by the prompt's status: rejected,
	// flagged or pending.
	LeftOutPrompt = "prompt "
)

// releaseBatch is how many votes are read at a time.
const releaseBatch = 500

// ReleasedBattles returns the newest battles of the public release (see
// ExportBattles for what is left out), for pages that show real answers.
func (a *Arena) ReleasedBattles(ctx context.Context, f ReleaseFilter) ([]ReleasedBattle, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	// A page wants a handful: read a few more than it asks for (some may
	// be screened out), not a whole export batch of answers.
	q := models.ReleaseQuery{Newest: true, OnlyRated: true, Limit: min(max(4*limit, 20), releaseBatch)}
	if f.Contender != "" {
		c, err := a.store.ContenderBySlug(ctx, f.Contender)
		if err != nil {
			return nil, err
		}
		q.ContenderID = c.ID
	}
	screen, err := a.ReleaseScreen(ctx)
	if err != nil {
		return nil, err
	}
	out := []ReleasedBattle{}
	for {
		rows, err := a.store.ReleaseBatch(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			b, reason, err := releasable(r, screen, f.JudgeKey)
			if err != nil {
				return nil, err
			}
			if reason == "" {
				out = append(out, b)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(rows) < q.Limit {
			return out, nil
		}
		q.Before = rows[len(rows)-1].VoteID
	}
}

// ExportOptions tune ExportBattles.
type ExportOptions struct {
	// JudgeKey keys the voter pseudonyms (the server secret); required.
	JudgeKey []byte
	// Screen replaces ReleaseScreen, for tests.
	Screen Screen
	// Progress, when set, is called once per vote read.
	Progress func()
	// IncludeServedBank keeps bank battles whose prompt the bank still
	// serves. Left out by default: the bank shows the same stored answers
	// again, so a voter holding the release could look an answer up and
	// know both models before voting.
	IncludeServedBank bool
}

// ExportStats says what a release holds and what it left out.
type ExportStats struct {
	Exported int
	// LeftOut counts the votes left out by reason.
	LeftOut map[string]int
	// Void and Unvoted count battles that never took a vote.
	Void, Unvoted int64
}

// LeftOutTotal is the number of votes left out for any reason.
func (s ExportStats) LeftOutTotal() int {
	n := 0
	for _, c := range s.LeftOut {
		n += c
	}
	return n
}

// ErrNoJudgeKey means an export was asked for without the key that makes
// voter pseudonyms.
var ErrNoJudgeKey = fault.New(fault.Unavailable, "export needs the server secret to make voter pseudonyms")

// ExportBattles writes the public battle release to w as one JSON array in
// LMArena's battle schema, oldest vote first, reading the votes in batches
// and encoding as it goes. It leaves out votes not counted or excluded,
// void battles, battles whose prompt is not approved (rejected, flagged or
// pending), battles missing an answer, and battles whose prompt or any
// answer the screen refuses. On error w holds a partial array: callers
// write to a temporary file and publish it only on success.
func (a *Arena) ExportBattles(ctx context.Context, w io.Writer, opt ExportOptions) (ExportStats, error) {
	st := ExportStats{LeftOut: map[string]int{}}
	if len(opt.JudgeKey) == 0 {
		return st, ErrNoJudgeKey
	}
	screen := opt.Screen
	var err error
	if screen == nil {
		if screen, err = a.ReleaseScreen(ctx); err != nil {
			return st, err
		}
	}
	if st.Void, st.Unvoted, err = a.store.BattlesWithoutVote(ctx); err != nil {
		return st, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString("[")
	served, err := a.servedBank(ctx, opt.IncludeServedBank)
	if err != nil {
		return st, err
	}
	q := models.ReleaseQuery{Limit: releaseBatch}
	for {
		rows, err := a.store.ReleaseBatch(ctx, q)
		if err != nil {
			return st, err
		}
		for _, r := range rows {
			if opt.Progress != nil {
				opt.Progress()
			}
			b, reason, err := releasable(r, screen, opt.JudgeKey)
			if err != nil {
				return st, err
			}
			if reason == "" && r.Mode == models.ModeBank && served[r.PromptID] {
				reason = LeftOutServedBank
			}
			if reason != "" {
				st.LeftOut[reason]++
				continue
			}
			buf.Reset()
			if err := enc.Encode(b); err != nil {
				return st, err
			}
			sep := ",\n"
			if st.Exported == 0 {
				sep = "\n"
			}
			bw.WriteString(sep)
			// bufio keeps the first write error; stop at once on a full
			// disk rather than read every remaining vote.
			if _, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
				return st, err
			}
			st.Exported++
		}
		if len(rows) < q.Limit {
			break
		}
		q.After = rows[len(rows)-1].VoteID
	}
	bw.WriteString("\n]\n")
	return st, bw.Flush()
}

// releasable turns a stored vote into a released battle, or says why it is
// left out. An error from the screen is returned as is: nothing may be
// published that could not be checked.
func releasable(r models.ReleaseRow, screen Screen, key []byte) (ReleasedBattle, string, error) {
	if reason := leftOutReason(r); reason != "" {
		return ReleasedBattle{}, reason, nil
	}
	b := ReleasedBattle{QuestionID: r.BattleID, ModelA: r.ModelA, ModelB: r.ModelB, Winner: r.Winner,
		Anony: true, Language: r.Language, Tstamp: float64(r.VotedAt.UnixMicro()) / 1e6,
		ConversationA: []Message{}, ConversationB: []Message{}}
	if len(key) > 0 {
		b.Judge = Pseudonym(key, r.VoterID)
	}
	add := func(prompt, answerA, answerB string) {
		b.ConversationA = append(b.ConversationA, Message{"user", prompt}, Message{"assistant", answerA})
		b.ConversationB = append(b.ConversationB, Message{"user", prompt}, Message{"assistant", answerB})
		b.Turn++
	}
	if r.Mode == models.ModeLive {
		for _, t := range r.Turns {
			add(t.Prompt, *t.AnswerA, *t.AnswerB)
		}
	} else {
		add(r.Prompt, *r.AnswerA, *r.AnswerB)
	}
	for _, m := range b.ConversationA {
		if reason, err := screen(m.Content); err != nil || reason != "" {
			return ReleasedBattle{}, reason, screenError(err)
		}
	}
	// The user turns are the same on both sides; only B's answers are new.
	for i := 1; i < len(b.ConversationB); i += 2 {
		if reason, err := screen(b.ConversationB[i].Content); err != nil || reason != "" {
			return ReleasedBattle{}, reason, screenError(err)
		}
	}
	return b, "", nil
}

func screenError(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("personal-data filter failed, nothing was released: %w", err)
}

// leftOutReason applies the rules that need no text screening.
func leftOutReason(r models.ReleaseRow) string {
	if r.State == models.StateVoid {
		return LeftOutVoid
	}
	statuses := []string{r.PromptStatus}
	if r.Mode == models.ModeLive {
		statuses = statuses[:0]
		for _, t := range r.Turns {
			statuses = append(statuses, t.PromptStatus)
		}
	}
	for _, s := range statuses {
		if s != models.StatusApproved {
			return LeftOutPrompt + s
		}
	}
	switch {
	case !r.Counted:
		return LeftOutNotCounted
	case r.Excluded != "":
		return LeftOutExcluded
	}
	if r.Mode == models.ModeLive {
		if len(r.Turns) == 0 {
			return LeftOutAnswerMissing
		}
		for _, t := range r.Turns {
			if t.AnswerA == nil || t.AnswerB == nil {
				return LeftOutAnswerMissing
			}
		}
	} else if r.AnswerA == nil || r.AnswerB == nil {
		return LeftOutAnswerMissing
	}
	return ""
}

// Pseudonym is the judge name a release gives a voter: a keyed hash of the
// voter id, the same for one voter under one key and unlinkable to the id
// without it. The key is domain-separated so the pseudonym can never equal
// any other keyed hash the server makes from the same secret (such as the
// voter cookie's signature).
func Pseudonym(key []byte, voterID string) string {
	k := hmac.New(sha256.New, key)
	k.Write([]byte("arena release judge v1"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(voterID))
	return "arena_user_" + hex.EncodeToString(m.Sum(nil))[:16]
}

// servedBank returns the prompts the bank serves now, whose battles a
// release leaves out unless include is set (see IncludeServedBank).
func (a *Arena) servedBank(ctx context.Context, include bool) (map[uint]bool, error) {
	if include {
		return nil, nil
	}
	ids, err := a.store.BankPromptIDs(ctx)
	if err != nil {
		return nil, err
	}
	served := make(map[uint]bool, len(ids))
	for _, id := range ids {
		served[id] = true
	}
	return served, nil
}
