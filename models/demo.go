package models

import (
	"context"

	"gorm.io/gorm"
)

// ExcludedDemo is the exclusion reason of a vote on a battle in which a
// built-in demo bot took part, once the demo is switched off: those votes
// rated toys, not language models, and stay apart from a real board.
// Switching the demo back on (only possible while no real content exists)
// lifts exactly this reason.
const ExcludedDemo = "demo bot"

// demoBattlesSQL selects the battles in which a contender of the provider
// kind (the argument) took part.
const demoBattlesSQL = `SELECT b.id FROM battles b
	JOIN contenders c ON c.id = b.contender_a_id OR c.id = b.contender_b_id
	WHERE c.provider_kind = ?`

// AnyContenderBesidesKind reports whether a contender exists whose
// provider kind is not kind, enabled or not (bank-only contenders have
// an empty kind and count).
func (s *Store) AnyContenderBesidesKind(ctx context.Context, kind string) (bool, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Model(&Contender{}).Where("provider_kind <> ?", kind).Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}

// AnyAnsweredPromptBesides reports whether an approved prompt whose source
// is none of sources holds at least one stored answer.
func (s *Store) AnyAnsweredPromptBesides(ctx context.Context, sources ...string) (bool, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Model(&Prompt{}).
		Where("status = ? AND source NOT IN ? AND EXISTS (SELECT 1 FROM responses r WHERE r.prompt_id = prompts.id)", StatusApproved, sources).
		Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}

// EnabledContendersOfKind counts the enabled contenders of a provider kind.
func (s *Store) EnabledContendersOfKind(ctx context.Context, kind string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Contender{}).Where("provider_kind = ? AND enabled = ?", kind, true).Count(&n).Error
	return n, err
}

// KindSwitch counts what switching the contenders of a kind on or off did.
type KindSwitch struct {
	// Contenders whose enabled flag changed.
	Contenders int64
	// Votes whose exclusion was set or lifted.
	Votes int64
}

// DisableContendersOfKind disables every contender of a provider kind and,
// in the same transaction, excludes with reason the counted votes of the
// battles any of them took part in. The reason replaces any other
// exclusion: no other rule lifts it (integrity and moderation replace and
// lift only their own and none), so those votes can never drift back into
// the ratings through an admin's clearance or a prompt's approval.
func (s *Store) DisableContendersOfKind(ctx context.Context, kind, reason string) (KindSwitch, error) {
	var out KindSwitch
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Contender{}).Where("provider_kind = ? AND enabled = ?", kind, true).Update("enabled", false)
		if res.Error != nil {
			return res.Error
		}
		out.Contenders = res.RowsAffected
		if err := notifyTx(tx, SignalContenders); err != nil {
			return err
		}
		res = tx.Exec(`UPDATE votes SET excluded = ? WHERE counted = ? AND excluded <> ? AND battle_id IN (`+demoBattlesSQL+`)`,
			reason, true, reason, kind)
		out.Votes = res.RowsAffected
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return logAllChanged(tx)
	})
	return out, err
}

// EnableContendersOfKind enables every contender of a provider kind and
// lifts the exclusions with reason from the votes of their battles, putting
// back the holds of their prompts (the moderation rule): the undoing of
// DisableContendersOfKind. Integrity exclusions it replaced come back with
// the next risk sweep.
func (s *Store) EnableContendersOfKind(ctx context.Context, kind, reason string) (KindSwitch, error) {
	var out KindSwitch
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Contender{}).Where("provider_kind = ? AND enabled = ?", kind, false).Update("enabled", true)
		if res.Error != nil {
			return res.Error
		}
		out.Contenders = res.RowsAffected
		if err := notifyTx(tx, SignalContenders); err != nil {
			return err
		}
		res = tx.Exec(`UPDATE votes SET excluded = '' WHERE excluded = ? AND battle_id IN (`+demoBattlesSQL+`)`, reason, kind)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		out.Votes = res.RowsAffected
		if err := logAllChanged(tx); err != nil {
			return err
		}
		var prompts []uint
		err := tx.Raw(`SELECT b.prompt_id FROM battles b WHERE b.id IN (`+demoBattlesSQL+`)
			UNION SELECT t.prompt_id FROM turns t WHERE t.battle_id IN (`+demoBattlesSQL+`)`, kind, kind).Scan(&prompts).Error
		if err != nil || len(prompts) == 0 {
			return err
		}
		return syncPromptExclusions(tx, prompts)
	})
	return out, err
}
