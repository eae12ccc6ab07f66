package models_test

import (
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestRunningAnswerJobs counts a started answer job until it finishes.
func TestRunningAnswerJobs(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			s := storetest.Open(t, dialect)
			ctx := t.Context()
			p := &models.Prompt{Text: "Why?", Hash: models.PromptHash("Why?"), Source: models.SourceUser,
				Status: models.StatusApproved, Categories: []string{}}
			if err := s.CreatePrompt(ctx, p); err != nil {
				t.Fatal(err)
			}
			count := func() int64 {
				n, err := s.RunningAnswerJobs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := count(); n != 0 {
				t.Fatalf("running jobs before any = %d", n)
			}
			if err := s.StartAnswerJob(ctx, p.ID, 2, time.Now()); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 1 {
				t.Errorf("running jobs after a start = %d, want 1", n)
			}
			if err := s.FinishAnswerJob(ctx, p.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 0 {
				t.Errorf("running jobs after the finish = %d, want 0", n)
			}
		})
	}
}
