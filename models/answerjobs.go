package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// missingAnswerContenders returns the enabled contenders with a provider and
// a positive weight, neither retired nor suspended, that have no answer to
// the prompt yet.
func missingAnswerContenders(db *gorm.DB, promptID uint) ([]Contender, error) {
	var cs []Contender
	err := db.Where("enabled = ? AND weight > 0 AND provider_kind <> '' AND status = ''", true).
		Where("NOT EXISTS (SELECT 1 FROM responses r WHERE r.prompt_id = ? AND r.contender_id = contenders.id)", promptID).
		Order("id").Find(&cs).Error
	return cs, err
}

// StartAnswerJob starts a run of answer generation for a prompt: it finds
// the contenders still missing an answer, records the run's progress
// (replacing an earlier run's) and calls enqueue with them in the same
// transaction, so the run and its queued jobs are stored together or not at
// all. It returns how many contenders are asked; with none missing it
// changes nothing. The progress row is written before the contenders are
// read, so on PostgreSQL an answer being saved by an earlier run's job
// (which updates the same row) is either seen as present or counted in
// this run, never lost.
func (s *Store) StartAnswerJob(ctx context.Context, promptID uint, at time.Time, enqueue func(tx JobTx, cs []Contender) error) (int, error) {
	var asked int
	err := inJobTx(ctx, s.db, func(tx *gorm.DB, jtx JobTx) error {
		job := AnswerJob{PromptID: promptID, State: JobRunning, Failures: []AnswerFailure{}, StartedAt: at}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "prompt_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"state", "total", "done", "failures", "started_at", "finished_at"}),
		}).Omit("Prompt").Create(&job).Error
		if err != nil {
			return err
		}
		cs, err := missingAnswerContenders(tx, promptID)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			// Rolled back: a prompt with all its answers keeps its last run.
			return errNoneMissing
		}
		if err := tx.Model(&AnswerJob{}).Where("prompt_id = ?", promptID).Update("total", len(cs)).Error; err != nil {
			return err
		}
		asked = len(cs)
		return enqueue(jtx, cs)
	})
	if errors.Is(err, errNoneMissing) {
		return 0, nil
	}
	return asked, err
}

// errNoneMissing rolls back a run that would ask no one.
var errNoneMissing = errors.New("every contender has answered")

// HasAnswer reports whether the contender has an answer to the prompt.
func (s *Store) HasAnswer(ctx context.Context, promptID, contenderID uint) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Response{}).Where("prompt_id = ? AND contender_id = ?", promptID, contenderID).Count(&n).Error
	return n > 0, err
}

// SaveGeneratedAnswer stores a contender's generated answer and counts it as
// done in the prompt's run, in one transaction, and reports whether that
// finished the run. An answer already there is kept (another run stored
// it first) and not counted again.
func (s *Store) SaveGeneratedAnswer(ctx context.Context, r *Response) (finished bool, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("Prompt", "Contender").Create(r)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		// Other instances serve the bank from a cache: the new answer may
		// make the prompt servable.
		if err := notifyTx(tx, SignalBank); err != nil {
			return err
		}
		job, err := s.lockAnswerJob(tx, r.PromptID)
		if err != nil || job == nil {
			return err
		}
		job.Done++
		finished, err = s.saveProgress(tx, job)
		return err
	})
	return finished, err
}

// FailAnswer records that a contender could not answer the prompt, and
// reports whether that finished the run.
func (s *Store) FailAnswer(ctx context.Context, promptID uint, f AnswerFailure) (finished bool, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		job, err := s.lockAnswerJob(tx, promptID)
		if err != nil || job == nil {
			return err
		}
		job.Failures = append(job.Failures, f)
		finished, err = s.saveProgress(tx, job)
		return err
	})
	return finished, err
}

// lockAnswerJob reads a prompt's run for update (nil when there is none).
// On PostgreSQL the row stays locked to the end of the transaction, so two
// workers of one run never both read the failures and each write back only
// their own; SQLite's single connection already serialises them.
func (s *Store) lockAnswerJob(tx *gorm.DB, promptID uint) (*AnswerJob, error) {
	if s.postgres {
		tx = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var jobs []AnswerJob
	if err := tx.Where("prompt_id = ?", promptID).Limit(1).Find(&jobs).Error; err != nil || len(jobs) == 0 {
		return nil, err
	}
	return &jobs[0], nil
}

// saveProgress writes a run's counts back, marking it done once every
// contender asked has answered or failed.
func (s *Store) saveProgress(tx *gorm.DB, job *AnswerJob) (finished bool, err error) {
	cols := []string{"done", "failures"}
	if job.State == JobRunning && job.Done+len(job.Failures) >= job.Total {
		finished = true
		at := s.db.NowFunc()
		job.State, job.FinishedAt = JobDone, &at
		cols = append(cols, "state", "finished_at")
	}
	err = tx.Model(&AnswerJob{}).Where("prompt_id = ?", job.PromptID).Select(cols).Updates(job).Error
	return finished, err
}
