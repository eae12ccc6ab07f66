package models

import "context"

// SnapshotResults returns the snapshots with the given ids, oldest first,
// with only what a rating history needs (no content hash), in batches
// small enough for SQLite's limit on query parameters.
func (s *Store) SnapshotResults(ctx context.Context, ids []uint) ([]RatingSnapshot, error) {
	out := make([]RatingSnapshot, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var part []RatingSnapshot
		err := s.db.WithContext(ctx).Select("id, created_at, category, votes_used, last_vote_id, result").
			Where("id IN ?", ids[:n]).Order("id").Find(&part).Error
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
		ids = ids[n:]
	}
	return out, nil
}

// SnapshotPrefixes returns the snapshots with the given ids, oldest first,
// like SnapshotResults but with each Result cut just before the first
// occurrence of marker (whole when it does not occur): a reader that needs
// only the start of a large result, such as a history that needs the
// models and not the pairs that follow them, does not transfer the rest.
func (s *Store) SnapshotPrefixes(ctx context.Context, ids []uint, marker string) ([]RatingSnapshot, error) {
	pos := "instr(result, ?)"
	if s.postgres {
		pos = "strpos(result, ?)"
	}
	cut := "CASE WHEN " + pos + " > 0 THEN substr(result, 1, " + pos + " - 1) ELSE result END AS result"
	out := make([]RatingSnapshot, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var part []RatingSnapshot
		err := s.db.WithContext(ctx).Select("id, created_at, category, votes_used, last_vote_id, "+cut, marker, marker).
			Where("id IN ?", ids[:n]).Order("id").Find(&part).Error
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
		ids = ids[n:]
	}
	return out, nil
}
