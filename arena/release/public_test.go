package release_test

import (
	"context"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestPublicAnswers checks the rule for which answers a model page may
// show: only live battles that the release itself would publish.
func TestPublicAnswers(t *testing.T) {
	approved := models.StatusApproved
	tests := []struct {
		name  string
		seed  func(r *releaseSeed) string
		shown bool
	}{
		{"live, counted, clean", func(r *releaseSeed) string {
			return r.live("alpha", "beta", [][4]string{{"Hi", approved, "Hello!", "Hey."}}, counted)
		}, true},
		{"bank, counted, clean", func(r *releaseSeed) string {
			return r.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
		}, false},
		{"live, not counted", func(r *releaseSeed) string {
			return r.live("alpha", "beta", [][4]string{{"Hi", approved, "a", "b"}}, models.Vote{Reason: "leak"})
		}, false},
		{"live, excluded", func(r *releaseSeed) string {
			return r.live("alpha", "beta", [][4]string{{"Hi", approved, "a", "b"}}, models.Vote{Counted: true, Excluded: "admin: test"})
		}, false},
		{"live, prompt flagged", func(r *releaseSeed) string {
			return r.live("alpha", "beta", [][4]string{{"Hi", models.StatusFlagged, "a", "b"}}, counted)
		}, false},
		{"live, personal data in an answer", func(r *releaseSeed) string {
			return r.live("alpha", "beta", [][4]string{{"Hi", approved, "mail x@example.org", "b"}}, counted)
		}, false},
		{"live, other models", func(r *releaseSeed) string {
			return r.live("gamma", "beta", [][4]string{{"Hi", approved, "a", "b"}}, counted)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := storetest.Open(t, "sqlite")
			seed := &releaseSeed{t: t, s: s}
			// alpha must exist even when the case seeds only other models.
			seed.contender("alpha")
			id := tt.seed(seed)
			got, err := arena.New(s, arena.Options{}).Release().PublicAnswers(context.Background(), "alpha", 10)
			if err != nil {
				t.Fatal(err)
			}
			shown := len(got) == 1 && got[0].QuestionID == id
			if shown != tt.shown || len(got) > 1 {
				t.Errorf("PublicAnswers = %+v; want shown %v", got, tt.shown)
			}
		})
	}
}

// TestPublicAnswersLimit checks that at most n battles are shown, newest
// first.
func TestPublicAnswersLimit(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seed := &releaseSeed{t: t, s: s}
	var ids []string
	for range 3 {
		ids = append(ids, seed.live("alpha", "beta", [][4]string{{"Hi", models.StatusApproved, "a", "b"}}, counted))
	}
	got, err := arena.New(s, arena.Options{}).Release().PublicAnswers(context.Background(), "alpha", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].QuestionID != ids[2] || got[1].QuestionID != ids[1] {
		t.Errorf("PublicAnswers(n=2) = %+v; want the newest two, %v", got, ids[1:])
	}
}
