package models

import (
	"context"

	"gorm.io/gorm"
)

// HasTurns reports whether battles of the mode keep their conversation as
// turns (live and named battles) rather than one bank prompt and answer.
func HasTurns(mode string) bool { return mode == ModeLive || mode == ModeNamed }

// ContinueBattle stores b, a new battle of the same voter and contenders
// as the battle from, in one transaction: its turns first repeat all of
// from's (new turn rows pointing at the same prompts and answers, which are
// never copied), then p follows as the next turn, open for streaming. The
// battle from and its vote are not touched.
func (s *Store) ContinueBattle(ctx context.Context, b *Battle, from string, p *Prompt) error {
	s.categorize(p)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var earlier []Turn
		if err := tx.Where("battle_id = ?", from).Order("n").Find(&earlier).Error; err != nil {
			return err
		}
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		b.PromptID = p.ID
		if len(earlier) > 0 {
			b.PromptID = earlier[0].PromptID
		}
		b.ResponseAID, b.ResponseBID = nil, nil
		if err := tx.Omit("Prompt", "ContenderA", "ContenderB", "ResponseA", "ResponseB").Create(b).Error; err != nil {
			return err
		}
		for _, t := range earlier {
			c := Turn{BattleID: b.ID, N: t.N, PromptID: t.PromptID, ResponseAID: t.ResponseAID, ResponseBID: t.ResponseBID}
			if err := tx.Omit("Prompt", "ResponseA", "ResponseB").Create(&c).Error; err != nil {
				return err
			}
		}
		next := 1
		if len(earlier) > 0 {
			next = earlier[len(earlier)-1].N + 1
		}
		return tx.Create(&Turn{BattleID: b.ID, N: next, PromptID: p.ID}).Error
	})
}
