package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// ErrBattleBusy means the battle is not in the state an operation needs
// (already streaming, already finished, or void).
var ErrBattleBusy = errors.New("battle is not in the expected state")

// LiveContenders returns the enabled contenders that can answer live
// prompts: those with a provider and a positive sampling weight, neither
// retired nor suspended.
func (s *Store) LiveContenders(ctx context.Context) ([]Contender, error) {
	var cs []Contender
	err := s.db.WithContext(ctx).
		Where("enabled = ? AND weight > 0 AND provider_kind <> '' AND status = ''", true).Order("id").Find(&cs).Error
	return cs, err
}

// CreatePrompt stores a prompt.
func (s *Store) CreatePrompt(ctx context.Context, p *Prompt) error {
	s.categorize(p)
	return s.db.WithContext(ctx).Create(p).Error
}

// StartLiveBattle stores a live battle together with its first prompt as
// turn 1, in one transaction.
func (s *Store) StartLiveBattle(ctx context.Context, b *Battle, p *Prompt) error {
	s.categorize(p)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		b.PromptID = p.ID
		if err := tx.Omit("Prompt", "ContenderA", "ContenderB", "ResponseA", "ResponseB").Create(b).Error; err != nil {
			return err
		}
		return tx.Create(&Turn{BattleID: b.ID, N: 1, PromptID: p.ID}).Error
	})
}

// AddTurn stores the voter's next prompt on a finished, unvoted live battle
// and reopens it for streaming. ErrBattleBusy if the battle is not ready.
func (s *Store) AddTurn(ctx context.Context, battleID string, p *Prompt) (int, error) {
	s.categorize(p)
	var n int
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := claim(tx, battleID, StateReady, StateOpen); err != nil {
			return err
		}
		if err := tx.Model(&Turn{}).Where("battle_id = ?", battleID).Select("COALESCE(MAX(n), 0)").Scan(&n).Error; err != nil {
			return err
		}
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		n++
		return tx.Create(&Turn{BattleID: battleID, N: n, PromptID: p.ID}).Error
	})
	return n, err
}

// ClaimBattle moves a battle from one state to another only if it is in
// from, so exactly one caller wins (e.g. one stream per battle).
func (s *Store) ClaimBattle(ctx context.Context, id, from, to string) error {
	return claim(s.db.WithContext(ctx), id, from, to)
}

// claim moves battle id from state from to state to on db (a transaction
// or not): of several callers racing, one wins and the others get
// ErrBattleBusy.
func claim(db *gorm.DB, id, from, to string) error {
	res := db.Model(&Battle{}).Where("id = ? AND state = ?", id, from).Update("state", to)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrBattleBusy
	}
	return nil
}

// FinishTurn stores both answers of the battle's open turn and makes the
// battle ready for a vote (or another turn). leak, when not empty, marks
// the battle's vote as one that will not count; an earlier leak is kept.
func (s *Store) FinishTurn(ctx context.Context, b *Battle, ra, rb *Response, leak string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t Turn
		if err := tx.Where("battle_id = ?", b.ID).Order("n DESC").First(&t).Error; err != nil {
			return err
		}
		ra.PromptID, rb.PromptID = t.PromptID, t.PromptID
		if err := tx.Omit("Prompt", "Contender").Create(ra).Error; err != nil {
			return err
		}
		if err := tx.Omit("Prompt", "Contender").Create(rb).Error; err != nil {
			return err
		}
		if err := tx.Model(&t).Updates(map[string]any{"response_a_id": ra.ID, "response_b_id": rb.ID}).Error; err != nil {
			return err
		}
		up := map[string]any{"state": StateReady, "response_a_id": ra.ID, "response_b_id": rb.ID}
		if leak != "" && b.Leak == "" {
			up["leak"] = leak
		}
		res := tx.Model(&Battle{}).Where("id = ? AND state = ?", b.ID, StateStreaming).Updates(up)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrBattleBusy
		}
		return res.Error
	})
}

// VoidBattle marks a battle failed with a reason; it never takes a vote.
// A battle already voted is left alone.
func (s *Store) VoidBattle(ctx context.Context, id, reason string) error {
	return s.db.WithContext(ctx).Model(&Battle{}).Where("id = ? AND state <> ?", id, StateVoted).
		Updates(map[string]any{"state": StateVoid, "void_reason": reason}).Error
}

// Turns returns a battle's turns in order with prompts and answers loaded.
func (s *Store) Turns(ctx context.Context, battleID string) ([]Turn, error) {
	var ts []Turn
	err := s.db.WithContext(ctx).Joins("Prompt").Joins("ResponseA").Joins("ResponseB").
		Where("turns.battle_id = ?", battleID).Order("turns.n").Find(&ts).Error
	return ts, err
}

// LivePromptsSince counts the live prompts a voter sent since a moment, for
// the flooding rule.
func (s *Store) LivePromptsSince(ctx context.Context, voterID string, since time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("turns t").Joins("JOIN battles b ON b.id = t.battle_id").
		Where("b.voter_id = ? AND t.created_at > ?", voterID, since).Count(&n).Error
	return n, err
}
