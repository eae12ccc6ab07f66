package models

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"
)

// ReleaseRow is one stored vote with everything the public data release
// needs to decide whether it may be published and to write it out. Votes
// that are not counted are read too, so the release can say what it left
// out and why.
type ReleaseRow struct {
	VoteID   uint
	BattleID string
	// PromptID is a bank battle's prompt (a live battle's first turn's).
	PromptID     uint
	Mode         string
	State        string
	ModelA       string
	ModelB       string
	Winner       string
	VoterID      string
	Counted      bool
	Excluded     string
	VotedAt      time.Time
	Prompt       string
	PromptStatus string
	Language     string
	// AnswerA and AnswerB are a bank battle's answers; nil when missing.
	AnswerA, AnswerB *string
	// Turns are a live or named battle's exchanges in order; empty for
	// bank battles.
	Turns []ReleaseTurn
	// Regenerated are the answers a live battle's regenerations set
	// aside, oldest first.
	Regenerated []Regeneration
	// Reasons are the reason tags the voter gave, if any.
	Reasons []string
}

// ReleaseTurn is one exchange of a live battle.
type ReleaseTurn struct {
	N                int
	Prompt           string
	PromptStatus     string
	AnswerA, AnswerB *string
}

// ReleaseQuery selects one batch of votes for the release, by vote id so a
// scan of millions of votes never holds them all in memory.
type ReleaseQuery struct {
	// After (oldest first) or, when Newest, Before (newest first) is the
	// vote id the batch continues from; 0 starts at the beginning.
	After, Before uint
	Newest        bool
	// Through, when not 0, keeps votes up to this id: an export fixes it
	// at its start (LastVoteID) so votes cast while it runs are left for
	// the next one rather than read or not depending on timing.
	Through uint
	// ContenderID, when not 0, keeps only battles it took part in.
	ContenderID uint
	// OnlyRated keeps only votes in the ratings (CountedSQL) and approved
	// prompts of voted battles, for callers that need no left-out counts.
	OnlyRated bool
	Limit     int
}

// ReleaseBatch returns up to q.Limit votes with their battles, prompts and
// answers; live battles come with all their turns.
func (s *Store) ReleaseBatch(ctx context.Context, q ReleaseQuery) ([]ReleaseRow, error) {
	db := s.db.WithContext(ctx)
	out, err := releaseVotes(db, q)
	if err != nil {
		return nil, err
	}
	if err := addReleaseTurns(db, out); err != nil {
		return nil, err
	}
	if err := addReleaseRegenerations(db, out); err != nil {
		return nil, err
	}
	ids := make([]string, len(out))
	for i, r := range out {
		ids[i] = r.BattleID
	}
	reasons, err := reasonsOf(db, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Reasons = reasons[out[i].BattleID]
	}
	return out, nil
}

// releaseFilter is the WHERE condition, its arguments and the ORDER BY of
// q over votes v, battles b and prompts p.
func releaseFilter(q ReleaseQuery) (where string, args []any, order string) {
	where, args = "1 = 1", []any{}
	if q.Newest && q.Before > 0 {
		where, args = where+" AND v.id < ?", append(args, q.Before)
	} else if !q.Newest {
		where, args = where+" AND v.id > ?", append(args, q.After)
	}
	if q.Through != 0 {
		where, args = where+" AND v.id <= ?", append(args, q.Through)
	}
	if q.ContenderID != 0 {
		where, args = where+" AND (b.contender_a_id = ? OR b.contender_b_id = ?)", append(args, q.ContenderID, q.ContenderID)
	}
	if q.OnlyRated {
		where, args = where+" AND "+CountedSQL+" AND p.status = ? AND b.state = ?", append(args, StatusApproved, StateVoted)
	}
	order = "v.id"
	if q.Newest {
		order = "v.id DESC"
	}
	return where, args, order
}

// releaseVotes reads q's votes with their battles, prompts and first
// answers, without the turns of live battles.
func releaseVotes(db *gorm.DB, q ReleaseQuery) ([]ReleaseRow, error) {
	where, args, order := releaseFilter(q)
	rows, err := db.Raw(`
		SELECT v.id, b.id, b.prompt_id, b.mode, b.state, ca.slug, cb.slug, v.winner, v.voter_id, v.counted, v.excluded,
			v.created_at, p.text, p.status, p.language, ra.text, rb.text
		FROM votes v
		JOIN battles b ON b.id = v.battle_id
		JOIN contenders ca ON ca.id = b.contender_a_id
		JOIN contenders cb ON cb.id = b.contender_b_id
		JOIN prompts p ON p.id = b.prompt_id
		LEFT JOIN responses ra ON ra.id = b.response_a_id
		LEFT JOIN responses rb ON rb.id = b.response_b_id
		WHERE `+where+`
		ORDER BY `+order+`
		LIMIT ?`, append(args, q.Limit)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReleaseRow
	for rows.Next() {
		var r ReleaseRow
		var a, b sql.NullString
		if err := rows.Scan(&r.VoteID, &r.BattleID, &r.PromptID, &r.Mode, &r.State, &r.ModelA, &r.ModelB, &r.Winner, &r.VoterID,
			&r.Counted, &r.Excluded, &r.VotedAt, &r.Prompt, &r.PromptStatus, &r.Language, &a, &b); err != nil {
			return nil, err
		}
		r.AnswerA, r.AnswerB = nullable(a), nullable(b)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// addReleaseTurns gives every live or named battle in out all its turns,
// in order.
func addReleaseTurns(db *gorm.DB, out []ReleaseRow) error {
	live := map[string]int{}
	var liveIDs []string
	for i, r := range out {
		if HasTurns(r.Mode) {
			live[r.BattleID] = i
			liveIDs = append(liveIDs, r.BattleID)
		}
	}
	if len(liveIDs) == 0 {
		return nil
	}
	trows, err := db.Raw(`
		SELECT t.battle_id, t.n, p.text, p.status, ra.text, rb.text
		FROM turns t
		JOIN prompts p ON p.id = t.prompt_id
		LEFT JOIN responses ra ON ra.id = t.response_a_id
		LEFT JOIN responses rb ON rb.id = t.response_b_id
		WHERE t.battle_id IN ?
		ORDER BY t.battle_id, t.n`, liveIDs).Rows()
	if err != nil {
		return err
	}
	defer trows.Close()
	for trows.Next() {
		var id string
		var t ReleaseTurn
		var a, b sql.NullString
		if err := trows.Scan(&id, &t.N, &t.Prompt, &t.PromptStatus, &a, &b); err != nil {
			return err
		}
		t.AnswerA, t.AnswerB = nullable(a), nullable(b)
		r := &out[live[id]]
		r.Turns = append(r.Turns, t)
	}
	return trows.Err()
}

// nullable is a NULL-able text column as a pointer, nil for NULL.
func nullable(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// LastVoteID is the newest vote's id, 0 when there is none.
func (s *Store) LastVoteID(ctx context.Context) (uint, error) {
	var id uint
	err := s.db.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM votes").Scan(&id).Error
	return id, err
}

// BattlesWithoutVote counts battles that never took a vote: void ones (a
// side failed) and the rest (not voted yet, or abandoned). The release
// reports them beside the votes it left out.
func (s *Store) BattlesWithoutVote(ctx context.Context) (void, unvoted int64, err error) {
	db := s.db.WithContext(ctx)
	if err = db.Model(&Battle{}).Where("state = ?", StateVoid).Count(&void).Error; err != nil {
		return
	}
	err = db.Model(&Battle{}).Where("state NOT IN ?", []string{StateVoid, StateVoted}).Count(&unvoted).Error
	return
}
