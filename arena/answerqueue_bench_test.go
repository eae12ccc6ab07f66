package arena_test

import (
	"context"
	"fmt"
	"testing"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// BenchmarkGenerateAnswersEnqueue measures asking for a prompt's answers:
// one transaction storing the run's progress and a job for each of its
// two missing contenders. Nothing works the queue, so only the enqueue is
// timed.
func BenchmarkGenerateAnswersEnqueue(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			ctx := context.Background()
			if _, err := s.UpsertContenders(ctx, []models.Contender{{Slug: "gamma", DisplayName: "Gamma"}}, nil); err != nil {
				b.Fatal(err)
			}
			const prompts = 2000
			rows := make([]models.BankRow, prompts)
			for i := range rows {
				rows[i] = models.BankRow{PromptID: fmt.Sprint(i), Prompt: fmt.Sprintf("Question number %d?", i), Model: "gamma", Output: "An answer."}
			}
			if _, err := s.ImportBank(ctx, rows, nil); err != nil {
				b.Fatal(err)
			}
			// A fresh store numbers the imported prompts from 1.
			if p, err := s.Prompt(ctx, prompts); err != nil || p.Text != fmt.Sprintf("Question number %d?", prompts-1) {
				b.Fatalf("prompt %d = %+v, %v", prompts, p, err)
			}
			a := queueEnv(b, s, "http://127.0.0.1:1/v1", testJobs)
			i := 0
			for b.Loop() {
				if i == prompts {
					b.Fatalf("more than %d iterations; raise prompts", prompts)
				}
				if n, err := a.Moderation().GenerateAnswers(ctx, uint(i+1)); err != nil || n != 2 {
					b.Fatalf("asked %d, %v", n, err)
				}
				i++
			}
		})
	}
}
