package handlers

import (
	"fmt"
	"time"

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

func revealView(b *models.Battle, v *models.Vote) views.RevealView {
	return views.RevealView{
		Battle: battleView(b),
		A:      views.Side{DisplayName: b.ContenderA.DisplayName, Organization: b.ContenderA.Organization},
		B:      views.Side{DisplayName: b.ContenderB.DisplayName, Organization: b.ContenderB.Organization},
		Winner: v.Winner, Counted: v.Counted, Reason: v.Reason,
	}
}

func boardView(b *arena.Board) views.BoardView {
	rows := make([]views.BoardRowView, len(b.Rows))
	for i, r := range b.Rows {
		c := r.Contender
		rows[i] = views.BoardRowView{
			Rank: i + 1, DisplayName: c.DisplayName, Slug: c.Slug, Organization: c.Organization,
			License: c.License, OpenWeights: c.OpenWeights, Elo: fmt.Sprintf("%.0f", r.Elo),
			Votes: r.Votes, WinRate: fmt.Sprintf("%.1f%%", 100*r.WinRate()),
		}
	}
	return views.BoardView{Rows: rows, Votes: b.Votes, ComputedAt: b.ComputedAt.Format(time.RFC3339)}
}
