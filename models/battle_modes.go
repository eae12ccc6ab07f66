package models

import "context"

// BattleModes returns the mode (bank or live) of each battle id found, in
// batches small enough for SQLite's limit on query parameters.
func (s *Store) BattleModes(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var rows []struct{ ID, Mode string }
		err := s.db.WithContext(ctx).Model(&Battle{}).Select("id, mode").Where("id IN ?", ids[:n]).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r.Mode
		}
		ids = ids[n:]
	}
	return out, nil
}
