package models

import "context"

// CountedBattle is one counted vote with what the full ratings need: both
// contenders, the verdict, and the style counts of both answers.
type CountedBattle struct {
	VoteID       uint
	ContenderAID uint
	ContenderBID uint
	Winner       string
	StyleA       StyleCounts
	StyleB       StyleCounts
}

// CountedBattles returns every counted vote in the order it was cast, with
// the style counts of both answers (zero when an answer is missing, -1
// tokens when it was never measured). It scans rows by hand rather than
// through GORM's reflection because a large arena has millions of them.
func (s *Store) CountedBattles(ctx context.Context) ([]CountedBattle, error) {
	rows, err := s.db.WithContext(ctx).Raw(`
		SELECT v.id, b.contender_a_id, b.contender_b_id, v.winner,
			COALESCE(ra.style_tokens, 0), COALESCE(ra.style_headers, 0), COALESCE(ra.style_lists, 0), COALESCE(ra.style_bold, 0),
			COALESCE(rb.style_tokens, 0), COALESCE(rb.style_headers, 0), COALESCE(rb.style_lists, 0), COALESCE(rb.style_bold, 0)
		FROM votes v
		JOIN battles b ON b.id = v.battle_id
		LEFT JOIN responses ra ON ra.id = b.response_a_id
		LEFT JOIN responses rb ON rb.id = b.response_b_id
		WHERE v.counted = ?
		ORDER BY v.id`, true).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CountedBattle
	for rows.Next() {
		var c CountedBattle
		a, b := &c.StyleA, &c.StyleB
		if err := rows.Scan(&c.VoteID, &c.ContenderAID, &c.ContenderBID, &c.Winner,
			&a.Tokens, &a.Headers, &a.Lists, &a.Bold, &b.Tokens, &b.Headers, &b.Lists, &b.Bold); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// VoteMark identifies the set of counted votes cheaply. A new vote changes
// it, and so does excluding one; only swapping which older votes count, one
// for one, would go unnoticed until the next vote.
type VoteMark struct {
	Count  int
	LastID uint
}

// CountedVotesMark returns the number of counted votes and the newest one's
// id, from the partial index on counted votes.
func (s *Store) CountedVotesMark(ctx context.Context) (VoteMark, error) {
	var m VoteMark
	row := s.db.WithContext(ctx).Raw(`SELECT COUNT(*), COALESCE(MAX(id), 0) FROM votes WHERE counted = ?`, true).Row()
	err := row.Scan(&m.Count, &m.LastID)
	return m, err
}
