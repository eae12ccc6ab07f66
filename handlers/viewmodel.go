package handlers

import (
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

func revealView(b *models.Battle, v *models.Vote) views.RevealView {
	return views.RevealView{
		Battle: battleView(b),
		A:      views.Side{DisplayName: b.ContenderA.DisplayName, Organization: b.ContenderA.Organization},
		B:      views.Side{DisplayName: b.ContenderB.DisplayName, Organization: b.ContenderB.Organization},
		Winner: v.Winner, Counted: v.Counted, Reason: v.Reason,
	}
}
