package models_test

import (
	"errors"
	"testing"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestAnswerChoices checks what a bank battle chooses from: the answers of
// enabled contenders only, without reading texts, and the pair read back
// with contenders in the order asked.
func TestAnswerChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		rows := append(bank(), models.BankRow{PromptID: "p-1", Prompt: "Say hi", Model: "m-c", Output: "hey"})
		if _, err := s.ImportBank(ctx, rows, nil); err != nil {
			t.Fatal(err)
		}
		ids, err := s.BankPromptIDs(ctx)
		if err != nil || len(ids) != 1 {
			t.Fatalf("bank prompts %v, %v", ids, err)
		}
		_, answers, err := s.PromptAnswers(ctx, ids[0])
		if err != nil || len(answers) != 3 {
			t.Fatalf("answers %d, %v", len(answers), err)
		}
		choices, err := s.AnswerChoices(ctx, ids[0])
		if err != nil || len(choices) != 3 {
			t.Fatalf("choices %+v, %v", choices, err)
		}
		for k, c := range choices {
			if c.ResponseID != answers[k].ID || c.ContenderID != answers[k].ContenderID || c.Weight != answers[k].Contender.Weight {
				t.Errorf("choice %d = %+v, want answer %d of contender %d", k, c, answers[k].ID, answers[k].ContenderID)
			}
		}
		if err := s.SetContenderEnabled(ctx, answers[2].ContenderID, false); err != nil {
			t.Fatal(err)
		}
		if choices, err = s.AnswerChoices(ctx, ids[0]); err != nil || len(choices) != 2 {
			t.Fatalf("after disabling one contender: choices %+v, %v", choices, err)
		}
		a, b, err := s.AnswerPair(ctx, answers[1].ID, answers[0].ID)
		if err != nil || a.ID != answers[1].ID || b.ID != answers[0].ID || a.Contender == nil || a.Text != answers[1].Text {
			t.Fatalf("pair = %+v, %+v, %v", a, b, err)
		}
		if _, _, err := s.AnswerPair(ctx, answers[0].ID, 99999); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("pair with a missing answer: %v, want ErrNotFound", err)
		}
	})
}
