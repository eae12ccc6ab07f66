package release

import "openarena.dev/arena/models"

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

// answersPublic is the one rule for which released answers may be shown
// publicly outside the release file (on a model's page): only a live
// battle's. A bank battle's answers are left out even when released: the
// bank serves the same prompt with the same stored answers in new battles,
// so a voter could look the answers up and know the models before voting.
// A live battle's answers were written for one voter's prompt and are not
// served again.
func answersPublic(mode string) bool { return mode == models.ModeLive }

// releasable turns a stored vote into a released battle, or says why it is
// left out. An error from the screen is returned as is: nothing may be
// published that could not be checked.
func releasable(r models.ReleaseRow, screen Screen, key []byte) (Battle, string, error) {
	if reason := leftOutReason(r); reason != "" {
		return Battle{}, reason, nil
	}
	b := Battle{QuestionID: r.BattleID, ModelA: r.ModelA, ModelB: r.ModelB, Winner: r.Winner,
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
