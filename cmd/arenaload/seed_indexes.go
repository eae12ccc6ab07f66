package main

import (
	"context"
	"fmt"
)

// dropSecondaryIndexes drops the indexes of battles and votes that back no
// constraint (the unique index on votes.battle_id among them: the seeded
// votes are one per battle by construction, and building it again checks
// that), and returns their definitions. Filling a table and then
// building each index once, sorted, is several times faster than keeping
// every index up to date row by row: at ten million votes the random
// inserts into the battles' seven indexes were most of the seed's time.
// Primary keys stay.
func (s *seeder) dropSecondaryIndexes(ctx context.Context) ([]string, error) {
	rows, err := s.conn.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename IN ('battles', 'votes')
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
		ORDER BY i.tablename, i.indexname`)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := s.conn.Exec(ctx, `DROP INDEX `+quoteIdent(n)); err != nil {
			return defs, fmt.Errorf("drop index %s: %w", n, err)
		}
	}
	return defs, nil
}

// restoreIndexes builds the dropped indexes again, with enough sort memory
// to build each in one pass.
func (s *seeder) restoreIndexes(ctx context.Context, defs []string) error {
	if _, err := s.conn.Exec(ctx, `SET maintenance_work_mem = '512MB'`); err != nil {
		return err
	}
	for _, d := range defs {
		if _, err := s.conn.Exec(ctx, d); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
	}
	return nil
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}
