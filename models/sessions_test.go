package models_test

import (
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		if err := s.SaveSession(ctx, "tok-a", []byte("one"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Saving again replaces data and expiry (the idle timeout moves).
		if err := s.SaveSession(ctx, "tok-a", []byte("two"), now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveSession(ctx, "tok-b", []byte("old"), now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			token string
			at    time.Time
			data  string
			found bool
		}{
			{"tok-a", now, "two", true},
			{"tok-a", now.Add(90 * time.Minute), "two", true},
			{"tok-a", now.Add(2 * time.Hour), "", false},
			{"tok-b", now, "", false},
			{"nope", now, "", false},
		}
		for _, tc := range cases {
			data, found, err := s.Session(ctx, tc.token, tc.at)
			if err != nil || found != tc.found || string(data) != tc.data {
				t.Errorf("Session(%s at %s) = %q, %v, %v; want %q, %v", tc.token, tc.at.Format(time.Kitchen), data, found, err, tc.data, tc.found)
			}
		}
		if n, err := s.DeleteExpiredSessions(ctx, now); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1 (tok-b)", n, err)
		}
		if err := s.DeleteSession(ctx, "tok-a"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := s.Session(ctx, "tok-a", now); found {
			t.Error("a deleted session is still found")
		}
	})
}

func TestSignInFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := t.Context()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		for i := range 3 {
			if _, err := s.RecordSignInFailure(ctx, now.Add(time.Duration(i)*time.Minute), "user:ana", "addr:x"); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := s.RecordSignInFailure(ctx, now.Add(-time.Hour), "user:ana", "user:ana")
		if err != nil || len(ids) != 2 {
			t.Fatalf("ids %v, %v", ids, err)
		}
		if err := s.DeleteSignInFailures(ctx, ids[1:]); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.SignInFailures(ctx, "user:ana", now.Add(-2*time.Hour)); n != 4 {
			t.Errorf("after taking one back: %d failures, want 4", n)
		}
		n, oldest, err := s.SignInFailures(ctx, "user:ana", now.Add(-15*time.Minute))
		if err != nil || n != 3 || !oldest.Equal(now) {
			t.Errorf("failures = %d since %v, %v; want 3 since %v", n, oldest, err, now)
		}
		if n, oldest, err := s.SignInFailures(ctx, "user:bob", now.Add(-15*time.Minute)); err != nil || n != 0 || !oldest.IsZero() {
			t.Errorf("bob's failures = %d %v %v", n, oldest, err)
		}
		if err := s.ClearSignInFailures(ctx, now.Add(-15*time.Minute), "user:ana"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.SignInFailures(ctx, "user:ana", time.Time{}); n != 0 {
			t.Errorf("%d failures left for ana after clearing", n)
		}
		if n, _, _ := s.SignInFailures(ctx, "addr:x", time.Time{}); n != 3 {
			t.Errorf("clearing ana touched the address key: %d left, want 3", n)
		}
	})
}
