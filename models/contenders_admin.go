package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// contenderColumns are the columns an admin edit writes, named so that
// zero values (disabled, weight 0, no open weights) are written too.
var contenderColumns = []string{"display_name", "organization", "country", "license", "open_weights", "aliases",
	"enabled", "weight", "provider_kind", "provider_base_url", "provider_model", "provider_api_key_env",
	"provider_params", "updated_at"}

// CreateContender stores a new contender as given (Enabled and Weight
// included); a taken slug is ErrDuplicate.
func (s *Store) CreateContender(ctx context.Context, c *Contender) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Select("*").Omit("id").Create(c).Error; err != nil {
			return err
		}
		return notifyTx(tx, SignalContenders)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrDuplicate
	}
	return err
}

// UpdateContender writes every admin-editable field of c over the
// contender with c's id; the slug never changes. ErrNotFound if it is gone.
func (s *Store) UpdateContender(ctx context.Context, c *Contender) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(c).Select(contenderColumns).Updates(c)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		if res.Error != nil {
			return res.Error
		}
		return notifyTx(tx, SignalContenders)
	})
}

// SetContenderEnabled turns a contender on or off for sampling.
func (s *Store) SetContenderEnabled(ctx context.Context, id uint, enabled bool) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Contender{ID: id}).Select("enabled", "updated_at").
			Updates(map[string]any{"enabled": enabled, "updated_at": s.db.NowFunc()})
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		if res.Error != nil {
			return res.Error
		}
		return notifyTx(tx, SignalContenders)
	})
}

// ContenderByID returns the contender with that id.
func (s *Store) ContenderByID(ctx context.Context, id uint) (*Contender, error) {
	var c Contender
	if err := s.db.WithContext(ctx).Where("id = ?", id).First(&c).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}
