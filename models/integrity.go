package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Exclusion reasons set by voter integrity. Other areas set their own
// reasons (a rejected prompt); integrity only ever lifts its own.
const (
	// ExcludedBlocked marks the votes of a blocked voter.
	ExcludedBlocked = "voter blocked"
	// ExcludedRiskPrefix starts the reason of a vote whose risk score
	// passed the threshold, e.g. "risk: too fast, one-sided".
	ExcludedRiskPrefix = "risk: "
	// ExcludedAdminPrefix starts the reason an admin gave by hand.
	ExcludedAdminPrefix = "admin: "
)

// IntegrityReason reports whether an exclusion reason is one that voter
// integrity set and may therefore lift.
func IntegrityReason(reason string) bool {
	return reason == ExcludedBlocked || strings.HasPrefix(reason, ExcludedRiskPrefix) ||
		strings.HasPrefix(reason, ExcludedAdminPrefix)
}

// VoteClearance records that an admin lifted a vote's exclusion, so that
// the next risk sweep does not exclude it again on the same evidence.
type VoteClearance struct {
	VoteID    uint   `gorm:"primaryKey;autoIncrement:false"`
	Vote      *Vote  `gorm:"constraint:OnDelete:CASCADE"`
	By        string `gorm:"size:128;not null;default:''"`
	CreatedAt time.Time
}

// IntegrityVote is one stored vote with what the integrity checks read.
type IntegrityVote struct {
	ID           uint
	BattleID     string
	VoterID      string
	IPHash       string
	ContenderAID uint
	ContenderBID uint
	Winner       string
	ReadSeconds  float64
	Counted      bool
	Reason       string
	Excluded     string
	// Cleared is true when an admin lifted an exclusion of this vote.
	Cleared   bool
	CreatedAt time.Time
}

const integrityVoteColumns = `v.id, v.battle_id, v.voter_id, v.ip_hash, b.contender_a_id, b.contender_b_id, v.winner,
	v.read_seconds, v.counted, v.reason, v.excluded, (vc.vote_id IS NOT NULL), v.created_at`

// IntegrityVotes returns the votes of voterID in the order cast (see
// EachIntegrityVote), or every stored vote when voterID is empty.
func (s *Store) IntegrityVotes(ctx context.Context, voterID string) ([]IntegrityVote, error) {
	var out []IntegrityVote
	err := s.eachIntegrityVote(ctx, voterID, func(v *IntegrityVote) error {
		out = append(out, *v)
		return nil
	})
	return out, err
}

// EachIntegrityVote calls fn with every stored vote in id order (the order
// cast), one row at a time, so that a reader of the whole history holds
// what it keeps of each vote and never every row at once. The vote passed
// is reused for the next row; fn must not use the store. Votes on named
// (side-by-side) battles are left out: the voter knew the models, the
// votes never count, and they say nothing about how the voter judges blind
// answers.
func (s *Store) EachIntegrityVote(ctx context.Context, fn func(*IntegrityVote) error) error {
	return s.eachIntegrityVote(ctx, "", fn)
}

// eachIntegrityVote is EachIntegrityVote, for one voter when voterID is
// not empty. It is read by hand rather than through GORM's reflection
// because the history can be long.
func (s *Store) eachIntegrityVote(ctx context.Context, voterID string, fn func(*IntegrityVote) error) error {
	q := `SELECT ` + integrityVoteColumns + `
		FROM votes v
		JOIN battles b ON b.id = v.battle_id
		LEFT JOIN vote_clearances vc ON vc.vote_id = v.id
		WHERE b.mode <> ?`
	args := []any{ModeNamed}
	if voterID != "" {
		q += ` AND v.voter_id = ?`
		args = append(args, voterID)
	}
	rows, err := s.db.WithContext(ctx).Raw(q+` ORDER BY v.id`, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var v IntegrityVote
	for rows.Next() {
		if err := rows.Scan(&v.ID, &v.BattleID, &v.VoterID, &v.IPHash, &v.ContenderAID, &v.ContenderBID, &v.Winner,
			&v.ReadSeconds, &v.Counted, &v.Reason, &v.Excluded, &v.Cleared, &v.CreatedAt); err != nil {
			return err
		}
		if err := fn(&v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// VoteRiskFacts is what the vote path learns about a voter in one query.
type VoteRiskFacts struct {
	// Blocked is whether an admin blocked the voter.
	Blocked bool
	// RecentVotes is the voter's votes cast since the burst window began,
	// counted up to the cap asked for; side-by-side (named) votes are not
	// among them (see IntegrityVotes).
	RecentVotes int
	// OtherAddressVoters is how many other voter ids were last seen on the
	// same keyed address since the address window began, counted up to
	// the cap asked for.
	OtherAddressVoters int
}

// overridable are the exclusions an integrity reason replaces: none, or a
// prompt hold. A prompt hold is worked out again from the prompts'
// statuses whenever an integrity exclusion is lifted (see liftToHolds), so
// replacing it loses nothing, while leaving it would let the vote in the
// moment the prompt is approved.
var overridable = []string{"", ExcludedPromptFlagged, ExcludedPromptRejected}

// ExcludeVotes leaves the votes with the given reasons out of the ratings.
// Only counted votes that are in the ratings or held for their prompt
// change, and, unless force is set, none an admin cleared. It returns how
// many changed.
func (s *Store) ExcludeVotes(ctx context.Context, reasons map[uint]string, force bool) (int64, error) {
	changed, err := s.ExcludeVoteIDs(ctx, reasons, force)
	return int64(len(changed)), err
}

// ExcludeVoteIDs is ExcludeVotes returning the ids of the votes it left
// out, so that a caller holding a summary of the votes can update it.
func (s *Store) ExcludeVoteIDs(ctx context.Context, reasons map[uint]string, force bool) ([]uint, error) {
	var changed []uint
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changed = changed[:0]
		for id, reason := range reasons {
			q := tx.Model(&Vote{}).Where("id = ? AND counted = ? AND excluded IN ?", id, true, overridable)
			if !force {
				q = q.Where("NOT EXISTS (SELECT 1 FROM vote_clearances vc WHERE vc.vote_id = votes.id)")
			}
			res := q.Update("excluded", reason)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				changed = append(changed, id)
			}
		}
		return logVoteChanges(tx, changed)
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// ClearVoteExclusion puts one vote back in the ratings if voter integrity
// excluded it, and records who cleared it so a sweep leaves it alone. It
// returns the vote as it was before; ErrNotFound for an unknown vote, and
// changed false when there was no integrity exclusion to lift.
func (s *Store) ClearVoteExclusion(ctx context.Context, id uint, by string) (before *Vote, changed bool, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var v Vote
		if err := tx.Where("id = ?", id).First(&v).Error; err != nil {
			return notFound(err)
		}
		before = &v
		if !IntegrityReason(v.Excluded) {
			return nil
		}
		if err := liftToHolds(tx, []uint{id}); err != nil {
			return err
		}
		changed = true
		return recordClearances(tx, []uint{id}, by)
	})
	return before, changed, err
}

// liftToHolds takes the votes' integrity exclusions away and puts each
// back under its prompt's hold if its battle showed a flagged or rejected
// prompt (the moderation rule, syncPromptExclusions), in the ratings
// otherwise.
func liftToHolds(tx *gorm.DB, ids []uint) error {
	if len(ids) == 0 {
		return nil
	}
	if err := tx.Model(&Vote{}).Where("id IN ?", ids).Update("excluded", "").Error; err != nil {
		return err
	}
	if err := logVoteChanges(tx, ids); err != nil {
		return err
	}
	var prompts []uint
	err := tx.Raw(`SELECT b.prompt_id FROM battles b JOIN votes v ON v.battle_id = b.id WHERE v.id IN (?)
		UNION SELECT t.prompt_id FROM turns t JOIN votes v ON v.battle_id = t.battle_id WHERE v.id IN (?)`, ids, ids).
		Scan(&prompts).Error
	if err != nil || len(prompts) == 0 {
		return err
	}
	return syncPromptExclusions(tx, prompts)
}

// recordClearances records admin clearances of the votes.
func recordClearances(tx *gorm.DB, ids []uint, by string) error {
	if len(ids) == 0 {
		return nil
	}
	now := time.Now().UTC()
	rows := make([]VoteClearance, len(ids))
	for i, id := range ids {
		rows[i] = VoteClearance{VoteID: id, By: by, CreatedAt: now}
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("Vote").CreateInBatches(rows, 500).Error
}

// VoterChange is what blocking, unblocking or clearing a voter did.
type VoterChange struct {
	WasBlocked, Blocked bool
	// Votes is how many of the voter's votes left or re-entered the ratings.
	Votes int64
}

// SetVoterBlocked blocks or unblocks a voter. Blocking leaves every vote of
// theirs now in the ratings out with ExcludedBlocked; unblocking puts those
// back and no others. ErrNotFound for an unknown voter.
func (s *Store) SetVoterBlocked(ctx context.Context, voterID string, blocked bool) (VoterChange, error) {
	var ch VoterChange
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var vt Voter
		if err := tx.Where("id = ?", voterID).First(&vt).Error; err != nil {
			return notFound(err)
		}
		ch.WasBlocked, ch.Blocked = vt.Blocked, blocked
		if err := tx.Model(&Voter{}).Where("id = ?", voterID).Update("blocked", blocked).Error; err != nil {
			return err
		}
		if err := logRatingChanges(tx, []RatingChange{{Scope: ChangeVoter, VoterID: voterID}}); err != nil {
			return err
		}
		if blocked {
			res := tx.Model(&Vote{}).Where("voter_id = ? AND counted = ? AND excluded IN ?", voterID, true, overridable).
				Update("excluded", ExcludedBlocked)
			ch.Votes = res.RowsAffected
			return res.Error
		}
		var ids []uint
		if err := tx.Model(&Vote{}).Where("voter_id = ? AND excluded = ?", voterID, ExcludedBlocked).Pluck("id", &ids).Error; err != nil {
			return err
		}
		ch.Votes = int64(len(ids))
		return liftToHolds(tx, ids)
	})
	return ch, err
}

// ClearVoter undoes every integrity exclusion of a voter: it unblocks them
// and puts back each vote that integrity left out, recording the clearance
// so a sweep does not exclude them again. Exclusions other areas made (a
// rejected prompt) stay. ErrNotFound for an unknown voter.
func (s *Store) ClearVoter(ctx context.Context, voterID, by string) (VoterChange, error) {
	var ch VoterChange
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var vt Voter
		if err := tx.Where("id = ?", voterID).First(&vt).Error; err != nil {
			return notFound(err)
		}
		ch.WasBlocked = vt.Blocked
		if err := tx.Model(&Voter{}).Where("id = ?", voterID).Update("blocked", false).Error; err != nil {
			return err
		}
		var ids []uint
		err := tx.Model(&Vote{}).Where("voter_id = ? AND (excluded = ? OR excluded LIKE ? OR excluded LIKE ?)",
			voterID, ExcludedBlocked, ExcludedRiskPrefix+"%", ExcludedAdminPrefix+"%").Pluck("id", &ids).Error
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := liftToHolds(tx, ids); err != nil {
			return err
		}
		ch.Votes = int64(len(ids))
		return recordClearances(tx, ids, by)
	})
	return ch, err
}

// BlockedVoterIDs returns the ids of every blocked voter. It reads only
// those: every browser that ever asked for a battle has a voter row.
func (s *Store) BlockedVoterIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&Voter{}).Where("blocked = ?", true).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// VoteByID returns one vote by its id.
func (s *Store) VoteByID(ctx context.Context, id uint) (*Vote, error) {
	var v Vote
	if err := s.db.WithContext(ctx).Where("id = ?", id).First(&v).Error; err != nil {
		return nil, notFound(err)
	}
	return &v, nil
}

// VoteIDSpan is how many vote ids there are from the lowest stored to the
// highest: at least the number of stored votes (more after deletions),
// read from the two ends of the primary key, so a reader of every vote
// can size its columns before the first row.
func (s *Store) VoteIDSpan(ctx context.Context) (int, error) {
	var r struct{ Lo, Hi *int64 }
	// Two sub-queries: SQLite walks the key for a lone MIN or MAX only.
	err := s.db.WithContext(ctx).Raw(`SELECT (SELECT MIN(id) FROM votes) AS lo, (SELECT MAX(id) FROM votes) AS hi`).Scan(&r).Error
	if err != nil || r.Lo == nil || r.Hi == nil {
		return 0, err
	}
	return int(*r.Hi - *r.Lo + 1), nil
}
