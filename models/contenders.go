package models

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"gorm.io/gorm"
)

// Contenders returns every contender ordered by slug.
func (s *Store) Contenders(ctx context.Context) ([]Contender, error) {
	var cs []Contender
	err := s.db.WithContext(ctx).Order("slug").Find(&cs).Error
	return cs, err
}

// ContenderBySlug returns the contender with that slug.
func (s *Store) ContenderBySlug(ctx context.Context, slug string) (*Contender, error) {
	var c Contender
	err := s.db.WithContext(ctx).Where("slug = ?", slug).First(&c).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// UpsertStats counts what an import did.
type UpsertStats struct {
	Created, Updated, Unchanged int
}

// UpsertContenders creates or updates contenders by slug, all or nothing.
// Enabled and Weight of existing contenders are kept: they are the admin's.
func (s *Store) UpsertContenders(ctx context.Context, in []Contender, progress func()) (UpsertStats, error) {
	var st UpsertStats
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, c := range in {
			var cur Contender
			err := tx.Where("slug = ?", c.Slug).First(&cur).Error
			switch {
			case err == gorm.ErrRecordNotFound:
				c.ID, c.Enabled, c.Weight = 0, true, 1
				if err := tx.Create(&c).Error; err != nil {
					return err
				}
				st.Created++
			case err != nil:
				return err
			case sameMetadata(cur, c):
				st.Unchanged++
			default:
				cur.DisplayName, cur.Organization, cur.Country = c.DisplayName, c.Organization, c.Country
				cur.License, cur.OpenWeights, cur.Aliases = c.License, c.OpenWeights, c.Aliases
				cur.Provider = c.Provider
				if err := tx.Save(&cur).Error; err != nil {
					return err
				}
				st.Updated++
			}
			if progress != nil {
				progress()
			}
		}
		return notifyTx(tx, SignalContenders)
	})
	return st, err
}

func sameMetadata(a, b Contender) bool {
	return a.DisplayName == b.DisplayName && a.Organization == b.Organization &&
		a.Country == b.Country && a.License == b.License && a.OpenWeights == b.OpenWeights &&
		slices.Equal(nonNil(a.Aliases), nonNil(b.Aliases)) && sameProvider(a.Provider, b.Provider)
}

func sameProvider(a, b Provider) bool {
	if a.Kind != b.Kind || a.BaseURL != b.BaseURL || a.Model != b.Model || a.APIKeyEnv != b.APIKeyEnv {
		return false
	}
	ja, _ := json.Marshal(a.Params)
	jb, _ := json.Marshal(b.Params)
	return string(ja) == string(jb) || (len(a.Params) == 0 && len(b.Params) == 0)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SetContenderWeight sets how often a contender is sampled (0 never).
func (s *Store) SetContenderWeight(ctx context.Context, slug string, weight float64) error {
	if weight < 0 {
		return errors.New("a sampling weight cannot be negative")
	}
	res := s.db.WithContext(ctx).Model(&Contender{}).Where("slug = ?", slug).Update("weight", weight)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}
