package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestSnapshotPrefixes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		results := []string{
			`{"votes":3,"models":[{"model":"é"}],"pairs":[{"model_a":"a"}]}`,
			`{"votes":4,"models":[]}`,
			`{"pairs":[],"models":[]}`,
			`{"votes":5,"models":[{"model":"x \"pairs\""}],"pairs":[]}`,
		}
		var ids []uint
		for i, r := range results {
			snap := &models.RatingSnapshot{CreatedAt: time.Now(), Category: "overall", Method: "bradley_terry", Result: r, ContentHash: string(rune('a' + i))}
			if _, err := s.CreateSnapshot(ctx, snap); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, snap.ID)
		}
		got, err := s.SnapshotPrefixes(ctx, ids, `"pairs"`)
		if err != nil {
			t.Fatal(err)
		}
		var prefixes []string
		for _, g := range got {
			prefixes = append(prefixes, g.Result)
		}
		want := []string{
			`{"votes":3,"models":[{"model":"é"}],`,
			`{"votes":4,"models":[]}`,
			`{`,
			`{"votes":5,"models":[{"model":"x \"pairs\""}],`,
		}
		if d := cmp.Diff(want, prefixes); d != "" {
			t.Errorf("prefixes (-want +got):\n%s", d)
		}
		full, err := s.SnapshotResults(ctx, ids[:1])
		if err != nil || len(full) != 1 || full[0].Result != results[0] {
			t.Errorf("full result %+v, %v", full, err)
		}
	})
}
