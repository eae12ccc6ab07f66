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
	// InRatings is whether the vote is in the ratings (always so in
	// CountedBattles).
	InRatings bool
}

// CountedBattles returns every counted vote in the order it was cast, with
// the style counts of both answers (zero when an answer is missing, -1
// tokens when it was never measured), its prompt's categories and language
// and its number of turns.
func (s *Store) CountedBattles(ctx context.Context) ([]CountedBattle, error) {
	var out []CountedBattle
	err := s.ScanRatedVotes(ctx, VoteSelection{}, func(c *CountedBattle) error {
		out = append(out, *c)
		return nil
	})
	return out, err
}

// VoteSelection chooses the votes ScanRatedVotes reads. The zero value
// reads every vote in the ratings. Otherwise it reads every vote, in the
// ratings or not, above After or among IDs, of the voters VoterIDs, or on
// a battle that showed one of PromptIDs.
type VoteSelection struct {
	Some      bool
	After     uint
	IDs       []uint
	VoterIDs  []string
	PromptIDs []uint
	// listedOnly leaves out the votes above After (a later chunk).
	listedOnly bool
}

// selectionChunk bounds the ids of one list in one statement, far below
// the drivers' limits on parameters.
const selectionChunk = 5000

// chunks splits a selection into statements of at most selectionChunk ids
// per list; only the first reads the votes above After.
func (sel VoteSelection) chunks() []VoteSelection {
	out := []VoteSelection{}
	for first := true; first || len(sel.IDs)+len(sel.VoterIDs)+len(sel.PromptIDs) > 0; first = false {
		c := VoteSelection{Some: true, After: sel.After, listedOnly: !first}
		c.IDs, sel.IDs = cut(sel.IDs)
		c.VoterIDs, sel.VoterIDs = cut(sel.VoterIDs)
		c.PromptIDs, sel.PromptIDs = cut(sel.PromptIDs)
		out = append(out, c)
	}
	return out
}

func cut[T any](list []T) (head, rest []T) {
	n := min(len(list), selectionChunk)
	return list[:n], list[n:]
}

// where is the selection as a condition on votes v joined to battles b.
func (sel VoteSelection) where() (string, []any) {
	if !sel.Some {
		return CountedSQL, nil
	}
	cond, args := "v.id > ?", []any{sel.After}
	if sel.listedOnly {
		cond, args = "1 = 0", nil
	}
	if len(sel.IDs) > 0 {
		cond, args = cond+" OR v.id IN (?)", append(args, sel.IDs)
	}
	if len(sel.VoterIDs) > 0 {
		cond, args = cond+" OR v.voter_id IN (?)", append(args, sel.VoterIDs)
	}
	if len(sel.PromptIDs) > 0 {
		cond, args = cond+" OR v.battle_id IN ("+battlesUsingSQL+")", append(args, sel.PromptIDs, sel.PromptIDs)
	}
	return "(" + cond + ")", args
}

// ratedVotesSQL reads the votes matching where with what the ratings
// need. A selection (not the full read) narrows the per-battle turn sums to
// its own battles, so reading a few votes does not sum every turn.
func ratedVotesSQL(where string, narrow bool) string {
	turns := ""
	if narrow {
		turns = "WHERE t.battle_id IN (SELECT v.battle_id FROM votes v JOIN battles b ON b.id = v.battle_id WHERE " + where + ")"
	}
	return `
		SELECT v.id, b.contender_a_id, b.contender_b_id, v.winner,
			COALESCE(ts.a_tokens, ra.style_tokens, 0), COALESCE(ts.a_headers, ra.style_headers, 0),
			COALESCE(ts.a_lists, ra.style_lists, 0), COALESCE(ts.a_bold, ra.style_bold, 0),
			COALESCE(ts.b_tokens, rb.style_tokens, 0), COALESCE(ts.b_headers, rb.style_headers, 0),
			COALESCE(ts.b_lists, rb.style_lists, 0), COALESCE(ts.b_bold, rb.style_bold, 0),
			COALESCE(p.categories, ''), p.language, COALESCE(tc.turns, 1),
			CASE WHEN ` + CountedSQL + ` THEN 1 ELSE 0 END
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
			` + turns + `
			GROUP BY t.battle_id
		) ts ON ts.battle_id = b.id
		-- Every turn counts for multi_turn, answered or not.
		LEFT JOIN (SELECT t.battle_id, COUNT(*) AS turns FROM turns t ` + turns + ` GROUP BY t.battle_id) tc ON tc.battle_id = b.id
		WHERE ` + where + `
		ORDER BY v.id`
}

// ScanRatedVotes calls fn with each selected vote, with the style counts
// of both answers (zero when an answer is missing, -1 tokens when it was
// never measured), its prompt's categories and language, its number of
// turns and whether it is in the ratings. The full read (the zero
// selection) comes in id order; a selection comes in id order per
// statement, long lists taking several, and a vote may come more than
// once. fn must not keep c, which is reused; c.Categories is shared
// between votes and read-only. It scans rows by hand rather than through
// GORM's reflection because a large arena has millions of them.
func (s *Store) ScanRatedVotes(ctx context.Context, sel VoteSelection, fn func(c *CountedBattle) error) error {
	if !sel.Some {
		return s.scanRatedVotes(ctx, sel, fn)
	}
	for _, c := range sel.chunks() {
		if err := s.scanRatedVotes(ctx, c, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) scanRatedVotes(ctx context.Context, sel VoteSelection, fn func(c *CountedBattle) error) error {
	where, args := sel.where()
	all := args
	if sel.Some {
		all = append(append(append([]any{}, args...), args...), args...)
	}
	rows, err := s.db.WithContext(ctx).Raw(ratedVotesSQL(where, sel.Some), all...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	// Most prompts have several battles and few distinct category sets
	// exist, so each stored text is decoded once.
	decoded := map[string][]string{}
	var cats string
	var c CountedBattle
	for rows.Next() {
		a, b := &c.StyleA, &c.StyleB
		if err := rows.Scan(&c.VoteID, &c.ContenderAID, &c.ContenderBID, &c.Winner,
			&a.Tokens, &a.Headers, &a.Lists, &a.Bold, &b.Tokens, &b.Headers, &b.Lists, &b.Bold,
			&cats, &c.Language, &c.Turns, &c.InRatings); err != nil {
			return err
		}
		list, ok := decoded[cats]
		if !ok {
			if cats != "" && cats != "null" {
				if err := json.Unmarshal([]byte(cats), &list); err != nil {
					return fmt.Errorf("categories of the prompt of vote %d: %w", c.VoteID, err)
				}
			}
			decoded[cats] = list
		}
		c.Categories = list
		if err := fn(&c); err != nil {
			return err
		}
	}
	return rows.Err()
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

// CountedVotesAfter counts the votes in the ratings with an id above after,
// stopping at limit so that asking stays cheap however far behind a board
// is.
func (s *Store) CountedVotesAfter(ctx context.Context, after uint, limit int) (int64, error) {
	var n int64
	row := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM (SELECT 1 FROM votes v WHERE `+CountedSQL+` AND v.id > ? LIMIT ?) x`,
		after, limit).Row()
	err := row.Scan(&n)
	return n, err
}
