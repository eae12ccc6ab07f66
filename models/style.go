package models

import (
	"context"

	"gorm.io/gorm"
)

// StyleCounts are the per-answer counts the arena's style control holds
// equal: length in tokens, Markdown headers, list items and bold spans. The
// rules that produce them live in the arena package; the store only keeps
// them.
type StyleCounts struct {
	// Tokens defaults to -1 in the database so that an answer stored by
	// code that did not measure it is found and measured later, instead of
	// entering the ratings as an empty answer.
	Tokens  int `gorm:"not null;default:-1"`
	Headers int `gorm:"not null;default:0"`
	Lists   int `gorm:"not null;default:0"`
	Bold    int `gorm:"not null;default:0"`
}

// ResponseText is an answer's id and text, all that measuring needs.
type ResponseText struct {
	ID   uint
	Text string
}

// UnmeasuredResponses returns up to limit answers whose style counts were
// never filled in, oldest first. A partial index keeps this cheap when there
// are none, which is the usual case.
func (s *Store) UnmeasuredResponses(ctx context.Context, limit int) ([]ResponseText, error) {
	var out []ResponseText
	err := s.db.WithContext(ctx).Model(&Response{}).Select("id, text").
		Where("style_tokens < 0").Order("id").Limit(limit).Scan(&out).Error
	return out, err
}

// SetResponseStyles stores measured style counts, keyed by answer id, in one
// transaction.
func (s *Store) SetResponseStyles(ctx context.Context, counts map[uint]StyleCounts) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for id, c := range counts {
			err := tx.Model(&Response{}).Where("id = ?", id).Updates(map[string]any{
				"style_tokens": c.Tokens, "style_headers": c.Headers, "style_lists": c.Lists, "style_bold": c.Bold,
			}).Error
			if err != nil {
				return err
			}
		}
		// A vote read before its answer was measured is rated anew.
		ids := make([]uint, 0, len(counts))
		for id := range counts {
			ids = append(ids, id)
		}
		var prompts []uint
		if err := tx.Model(&Response{}).Distinct("prompt_id").Where("id IN ?", ids).Pluck("prompt_id", &prompts).Error; err != nil {
			return err
		}
		return logPromptChanges(tx, prompts)
	})
}
