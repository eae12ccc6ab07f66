package handlers

import (
	"context"

	"openarena.dev/arena/arena"

	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// battleView holds nothing that could name a contender: only the id, the
// prompt and the two answers' text.
func battleView(b *models.Battle) views.BattleView {
	return views.BattleView{
		ID:         b.ID,
		PromptHTML: views.RenderMarkdown(b.Prompt.Text),
		AHTML:      views.RenderMarkdown(answerText(b.ResponseA)),
		BHTML:      views.RenderMarkdown(answerText(b.ResponseB)),
		VoteURL:    "/battles/" + b.ID + "/vote",
	}
}

func answerText(r *models.Response) string {
	if r == nil {
		return ""
	}
	return r.Text
}

// battleView builds the page of a battle; a live battle shows its whole
// conversation and, while the latest turn is unanswered, where to stream it.
func (s *Server) battleView(ctx context.Context, b *models.Battle) (views.BattleView, error) {
	if !models.HasTurns(b.Mode) {
		return battleView(b), nil
	}
	turns, err := s.arena.Turns(ctx, b.ID)
	if err != nil || len(turns) == 0 {
		return views.BattleView{}, err
	}
	bv := views.BattleView{ID: b.ID, VoteURL: "/battles/" + b.ID + "/vote"}
	for _, t := range turns[:len(turns)-1] {
		bv.Earlier = append(bv.Earlier, views.TurnView{PromptHTML: views.RenderMarkdown(t.Prompt.Text),
			AHTML: views.RenderMarkdown(answerText(t.ResponseA)), BHTML: views.RenderMarkdown(answerText(t.ResponseB))})
	}
	last := turns[len(turns)-1]
	bv.PromptHTML = views.RenderMarkdown(last.Prompt.Text)
	switch b.State {
	case models.StateOpen, models.StateStreaming:
		bv.StreamURL = streamURL(b.ID)
	default:
		bv.AHTML, bv.BHTML = views.RenderMarkdown(answerText(last.ResponseA)), views.RenderMarkdown(answerText(last.ResponseB))
		if b.State == models.StateReady && s.arena.MoreTurns(len(turns)) {
			bv.TurnURL = "/battles/" + b.ID + "/turns"
		}
	}
	return s.withRegenerations(ctx, bv, b)
}

// withRegenerations adds the answers regenerations set aside and, while the
// battle waits for its vote, the regenerate button's target.
func (s *Server) withRegenerations(ctx context.Context, bv views.BattleView, b *models.Battle) (views.BattleView, error) {
	regs, err := s.arena.Regenerations(ctx, b.ID, b.VoterID)
	if err != nil {
		return bv, err
	}
	for _, r := range regs {
		bv.SetAside = append(bv.SetAside, views.SetAsideView{Turn: r.TurnN, Attempt: r.Attempt,
			AHTML: views.RenderMarkdown(r.TextA), BHTML: views.RenderMarkdown(r.TextB)})
	}
	if left := arena.MaxRegenerations - len(regs); b.State == models.StateReady && left > 0 {
		bv.RegenerateURL, bv.RegeneratesLeft = "/battles/"+b.ID+"/regenerate", left
	}
	return bv, nil
}

func revealView(bv views.BattleView, b *models.Battle, v *models.Vote) views.RevealView {
	return views.RevealView{
		Battle: bv,
		A:      views.Side{DisplayName: b.ContenderA.DisplayName, Organization: b.ContenderA.Organization},
		B:      views.Side{DisplayName: b.ContenderB.DisplayName, Organization: b.ContenderB.Organization},
		Winner: v.Winner, Counted: v.Counted, Reason: v.Reason, ContinueURL: continueURL(b),
	}
}
