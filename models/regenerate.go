package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// ErrRegenerateLimit means the battle has been regenerated as often as the
// caller allows.
var ErrRegenerateLimit = errors.New("battle regenerated too often")

// Regeneration keeps the answers a voter asked to have written again: the
// latest turn's two answers as they were before the regeneration. The
// battle's turn then gets new answers from the same two contenders, and the
// earlier ones stay here, with the battle and in the release.
type Regeneration struct {
	ID       uint   `gorm:"primaryKey"`
	BattleID string `gorm:"size:32;not null;index"`
	// TurnN is the turn whose answers these were.
	TurnN int `gorm:"not null"`
	// Attempt numbers the battle's regenerations from 1.
	Attempt    int    `gorm:"not null"`
	TextA      string `gorm:"type:text;not null"`
	TextB      string `gorm:"type:text;not null"`
	TokensA    int    `gorm:"not null;default:0"`
	TokensB    int    `gorm:"not null;default:0"`
	LatencyAMS int    `gorm:"not null;default:0"`
	LatencyBMS int    `gorm:"not null;default:0"`
	CreatedAt  time.Time
}

// Regenerate sets aside the finished answers of a ready battle's latest turn
// as a Regeneration and reopens the battle for streaming, so both contenders
// answer the turn again. Claiming the battle (ready to open) comes first, so
// of two concurrent calls one wins and the other gets ErrBattleBusy; a battle
// regenerated max times already gets ErrRegenerateLimit and is left ready.
// It returns the new attempt's number.
func (s *Store) Regenerate(ctx context.Context, battleID string, max int) (int, error) {
	var attempt int
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := claim(tx, battleID, StateReady, StateOpen); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Regeneration{}).Where("battle_id = ?", battleID).Count(&n).Error; err != nil {
			return err
		}
		if int(n) >= max {
			return ErrRegenerateLimit
		}
		attempt = int(n) + 1
		return setAsideLatestTurn(tx, battleID, attempt)
	})
	return attempt, err
}

// setAsideLatestTurn copies the latest turn's answers into a Regeneration,
// detaches them from the turn and the battle and deletes them, which frees
// the (prompt, contender) pair for the new answers.
func setAsideLatestTurn(tx *gorm.DB, battleID string, attempt int) error {
	var t Turn
	if err := tx.Joins("ResponseA").Joins("ResponseB").Where("turns.battle_id = ?", battleID).
		Order("turns.n DESC").First(&t).Error; err != nil {
		return err
	}
	if t.ResponseA == nil || t.ResponseB == nil {
		return ErrBattleBusy
	}
	ra, rb := t.ResponseA, t.ResponseB
	reg := Regeneration{BattleID: battleID, TurnN: t.N, Attempt: attempt, TextA: ra.Text, TextB: rb.Text,
		TokensA: ra.Tokens, TokensB: rb.Tokens, LatencyAMS: ra.LatencyMS, LatencyBMS: rb.LatencyMS}
	if err := tx.Create(&reg).Error; err != nil {
		return err
	}
	clear := map[string]any{"response_a_id": nil, "response_b_id": nil}
	if err := tx.Model(&Turn{}).Where("id = ?", t.ID).Updates(clear).Error; err != nil {
		return err
	}
	if err := tx.Model(&Battle{}).Where("id = ?", battleID).Updates(clear).Error; err != nil {
		return err
	}
	return tx.Where("id IN ?", []uint{ra.ID, rb.ID}).Delete(&Response{}).Error
}

// Regenerations returns a battle's set-aside answers, oldest first.
func (s *Store) Regenerations(ctx context.Context, battleID string) ([]Regeneration, error) {
	var rs []Regeneration
	err := s.db.WithContext(ctx).Where("battle_id = ?", battleID).Order("attempt").Find(&rs).Error
	return rs, err
}

// addReleaseRegenerations gives every live battle in out the answers its
// regenerations set aside, in one query per batch.
func addReleaseRegenerations(db *gorm.DB, out []ReleaseRow) error {
	at := map[string]int{}
	var ids []string
	for i, r := range out {
		if r.Mode == ModeLive {
			at[r.BattleID] = i
			ids = append(ids, r.BattleID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var regs []Regeneration
	if err := db.Where("battle_id IN ?", ids).Order("battle_id, attempt").Find(&regs).Error; err != nil {
		return err
	}
	for _, g := range regs {
		r := &out[at[g.BattleID]]
		r.Regenerated = append(r.Regenerated, g)
	}
	return nil
}
