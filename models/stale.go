package models

import (
	"context"
	"time"
)

// VoidStaleStreaming voids live battles still marked streaming that have
// not changed since before: their stream was cut by a shutdown or a crash,
// so nothing will ever finish them, and left alone they would stay neither
// votable nor void. It returns how many it voided.
func (s *Store) VoidStaleStreaming(ctx context.Context, before time.Time, reason string) (int64, error) {
	res := s.db.WithContext(ctx).Model(&Battle{}).
		Where("state = ? AND updated_at < ?", StateStreaming, before).
		Updates(map[string]any{"state": StateVoid, "void_reason": reason})
	return res.RowsAffected, res.Error
}
