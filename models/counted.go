package models

import (
	"context"
	"encoding/json"
	"fmt"
)

// CountedBattle is one counted vote with what the full ratings need: both
// contenders, the verdict, and the style counts of both answers.
type CountedBattle struct {
	VoteID       uint
	ContenderAID uint
	ContenderBID uint
	Winner       string
	StyleA       StyleCounts
	StyleB       StyleCounts
	// Categories and Language are the battle's (first) prompt's; Turns is
	// how many exchanges the battle had (1 for a bank battle). Battles of
	// one prompt share one Categories slice: treat it as read-only.
	Categories []string
	Language   string
	Turns      int
}

// CountedBattles returns every counted vote in the order it was cast, with
// the style counts of both answers (zero when an answer is missing, -1
// tokens when it was never measured), its prompt's categories and language
// and its number of turns. It scans rows by hand rather than
// through GORM's reflection because a large arena has millions of them.
func (s *Store) CountedBattles(ctx context.Context) ([]CountedBattle, error) {
	rows, err := s.db.WithContext(ctx).Raw(`
		SELECT v.id, b.contender_a_id, b.contender_b_id, v.winner,
			COALESCE(ts.a_tokens, ra.style_tokens, 0), COALESCE(ts.a_headers, ra.style_headers, 0),
			COALESCE(ts.a_lists, ra.style_lists, 0), COALESCE(ts.a_bold, ra.style_bold, 0),
			COALESCE(ts.b_tokens, rb.style_tokens, 0), COALESCE(ts.b_headers, rb.style_headers, 0),
			COALESCE(ts.b_lists, rb.style_lists, 0), COALESCE(ts.b_bold, rb.style_bold, 0),
			COALESCE(p.categories, ''), p.language, COALESCE(tc.turns, 1)
		FROM votes v
		JOIN battles b ON b.id = v.battle_id
		JOIN prompts p ON p.id = b.prompt_id
		LEFT JOIN responses ra ON ra.id = b.response_a_id
		LEFT JOIN responses rb ON rb.id = b.response_b_id
		-- A live conversation is judged whole: its style is the sum over
		-- turns, as the arena sums a multi-turn battle's answers.
		LEFT JOIN (
			SELECT t.battle_id,
				SUM(xa.style_tokens) AS a_tokens, SUM(xa.style_headers) AS a_headers,
				SUM(xa.style_lists) AS a_lists, SUM(xa.style_bold) AS a_bold,
				SUM(xb.style_tokens) AS b_tokens, SUM(xb.style_headers) AS b_headers,
				SUM(xb.style_lists) AS b_lists, SUM(xb.style_bold) AS b_bold
			FROM turns t
			JOIN responses xa ON xa.id = t.response_a_id
			JOIN responses xb ON xb.id = t.response_b_id
			GROUP BY t.battle_id
		) ts ON ts.battle_id = b.id
		-- Every turn counts for multi_turn, answered or not.
		LEFT JOIN (SELECT battle_id, COUNT(*) AS turns FROM turns GROUP BY battle_id) tc ON tc.battle_id = b.id
		WHERE ` + CountedSQL + `
		ORDER BY v.id`).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CountedBattle
	// Most prompts have several battles and few distinct category sets
	// exist, so each stored text is decoded once.
	decoded := map[string][]string{}
	var cats string
	for rows.Next() {
		var c CountedBattle
		a, b := &c.StyleA, &c.StyleB
		if err := rows.Scan(&c.VoteID, &c.ContenderAID, &c.ContenderBID, &c.Winner,
			&a.Tokens, &a.Headers, &a.Lists, &a.Bold, &b.Tokens, &b.Headers, &b.Lists, &b.Bold,
			&cats, &c.Language, &c.Turns); err != nil {
			return nil, err
		}
		list, ok := decoded[cats]
		if !ok {
			if cats != "" && cats != "null" {
				if err := json.Unmarshal([]byte(cats), &list); err != nil {
					return nil, fmt.Errorf("categories of the prompt of vote %d: %w", c.VoteID, err)
				}
			}
			decoded[cats] = list
		}
		c.Categories = list
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
// id, from the partial index on votes in the ratings.
func (s *Store) CountedVotesMark(ctx context.Context) (VoteMark, error) {
	var m VoteMark
	row := s.db.WithContext(ctx).Raw(`SELECT COUNT(*), COALESCE(MAX(v.id), 0) FROM votes v WHERE ` + CountedSQL).Row()
	err := row.Scan(&m.Count, &m.LastID)
	return m, err
}
