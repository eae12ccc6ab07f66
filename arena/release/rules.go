package release

import "openarena.dev/arena/models"

// Reasons a vote is left out of the release before any text is screened.
const (
	LeftOutVoid          = "void battle"
	LeftOutNotCounted    = "vote not counted"
	LeftOutExcluded      = "vote excluded"
	LeftOutAnswerMissing = "answer missing"
	LeftOutServedBank    = "bank prompt still served"
	// LeftOutNamed is a side-by-side battle, whose voter knew the models;
	// released only on request (ExportOptions.IncludeNamed).
	LeftOutNamed = "side-by-side battle (models named before the vote)"
	// LeftOutPrompt is followed by the prompt's status: rejected,
	// flagged or pending.
	LeftOutPrompt = "prompt "
)

// answersPublic is the one rule for which released answers may be shown
// publicly outside the release file (on a model's page): only a live
// battle's. A bank battle's answers are left out even when released: the
// bank serves the same prompt with the same stored answers in new battles,
// so a voter could look the answers up and know the models before voting.
// A live battle's answers were written for one voter's prompt and are not
// served again.
func answersPublic(mode string) bool { return mode == models.ModeLive }

// releasable turns a stored vote into a released battle, or says why it is
// left out. Named battles are released only when includeNamed, marked
// anony false as LMArena marks battles whose models were named. An error
// from the screen is returned as is: nothing may be published that could
// not be checked.
func releasable(r models.ReleaseRow, screen Screen, key []byte, includeNamed bool) (Battle, string, error) {
	if reason := leftOutReason(r, includeNamed); reason != "" {
		return Battle{}, reason, nil
	}
	b := Battle{QuestionID: r.BattleID, ModelA: r.ModelA, ModelB: r.ModelB, Winner: r.Winner,
		Anony: r.Mode != models.ModeNamed, Language: r.Language, Tstamp: float64(r.VotedAt.UnixMicro()) / 1e6,
		ConversationA: []Message{}, ConversationB: []Message{}, Reasons: r.Reasons}
	if len(key) > 0 {
		b.Judge = Pseudonym(key, r.VoterID)
	}
	add := func(prompt, answerA, answerB string) {
		b.ConversationA = append(b.ConversationA, Message{"user", prompt}, Message{"assistant", answerA})
		b.ConversationB = append(b.ConversationB, Message{"user", prompt}, Message{"assistant", answerB})
		b.Turn++
	}
	if models.HasTurns(r.Mode) {
		for _, t := range r.Turns {
			add(t.Prompt, *t.AnswerA, *t.AnswerB)
		}
	} else {
		add(r.Prompt, *r.AnswerA, *r.AnswerB)
	}
	texts := make([]string, 0, len(b.ConversationA)+len(b.ConversationB)/2+2*len(r.Regenerated))
	for _, m := range b.ConversationA {
		texts = append(texts, m.Content)
	}
	// The user turns are the same on both sides; only B's answers are new.
	for i := 1; i < len(b.ConversationB); i += 2 {
		texts = append(texts, b.ConversationB[i].Content)
	}
	for _, g := range r.Regenerated {
		b.Regenerated = append(b.Regenerated, Regenerated{Turn: g.TurnN, AnswerA: g.TextA, AnswerB: g.TextB})
		texts = append(texts, g.TextA, g.TextB)
	}
	for _, t := range texts {
		if reason, err := screen(t); err != nil || reason != "" {
			return Battle{}, reason, screenError(err)
		}
	}
	return b, "", nil
}

// leftOutReason applies the rules that need no text screening. A named
// battle's vote is never counted; when named battles are included it is
// released like a counted one, exclusions (a blocked voter) still apply.
func leftOutReason(r models.ReleaseRow, includeNamed bool) string {
	if r.State == models.StateVoid {
		return LeftOutVoid
	}
	named := r.Mode == models.ModeNamed
	if named && !includeNamed {
		return LeftOutNamed
	}
	statuses := []string{r.PromptStatus}
	if models.HasTurns(r.Mode) {
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
	case !r.Counted && !named:
		return LeftOutNotCounted
	case r.Excluded != "":
		return LeftOutExcluded
	}
	if models.HasTurns(r.Mode) {
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
