package models

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// Categorizer assigns a prompt's categories and language from its text.
// The arena's rules for it live in the arena package, which models cannot
// import, so the arena hands its function to the store.
type Categorizer func(text string) (categories []string, language string)

// SetCategorizer makes the store label every prompt it creates (bank
// imports, live prompts) with c, unless the prompt already has a language.
// Prompts stored without one are found by UncategorizedPrompts.
func (s *Store) SetCategorizer(c Categorizer) {
	if c == nil {
		s.categorizer.Store(nil)
		return
	}
	s.categorizer.Store(&c)
}

// categorize fills in p's categories and language with the store's
// categorizer, keeping categories p already has (a bank file's own).
func (s *Store) categorize(p *Prompt) {
	c := s.categorizer.Load()
	if c == nil || p.Language != "" {
		return
	}
	cats, lang := (*c)(p.Text)
	p.Categories, p.Language = MergeCategories(p.Categories, cats), lang
}

// MergeCategories returns a followed by those of b it lacks; never nil.
func MergeCategories(a, b []string) []string {
	out := append([]string{}, a...)
	for _, c := range b {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// UncategorizedPrompts returns up to limit prompts never categorised (an
// empty language: stored before categories existed, or by a path that does
// not categorise), oldest first.
func (s *Store) UncategorizedPrompts(ctx context.Context, limit int) ([]Prompt, error) {
	var ps []Prompt
	err := s.db.WithContext(ctx).Select("id, text, categories, language").
		Where("language = ''").Order("id").Limit(limit).Find(&ps).Error
	return ps, err
}

// PromptLabels are the categories and language of one prompt.
type PromptLabels struct {
	Categories []string
	Language   string
}

// LabelPrompts stores the categories and language of prompts by id, in
// one transaction.
func (s *Store) LabelPrompts(ctx context.Context, labels map[uint]PromptLabels) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids := make([]uint, 0, len(labels))
		for id, l := range labels {
			ids = append(ids, id)
			p := Prompt{ID: id, Categories: l.Categories, Language: l.Language}
			if p.Categories == nil {
				p.Categories = []string{}
			}
			if err := tx.Model(&p).Select("categories", "language").Updates(&p).Error; err != nil {
				return err
			}
		}
		return logPromptChanges(tx, ids)
	})
}
