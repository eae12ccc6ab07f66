package models

import "context"

// RunningAnswerJobs counts the prompts whose answers are being generated,
// the arena's only background jobs so far. A job whose instance was killed
// stays running in the table, so the count can overstate until it is
// started again.
func (s *Store) RunningAnswerJobs(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&AnswerJob{}).Where("state = ?", JobRunning).Count(&n).Error
	return n, err
}
