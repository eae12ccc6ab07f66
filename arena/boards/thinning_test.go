package boards

import (
	"slices"
	"testing"
	"time"

	"openarena.dev/arena/models"
)

func TestSnapshotsToThin(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	day := 24 * time.Hour
	cases := []struct {
		name  string
		heads []time.Time
		drop  []uint
	}{
		{"none", nil, nil},
		{"recent ones all stay", []time.Time{ago(50 * time.Minute), ago(40 * time.Minute)}, nil},
		{"newest of each hour", []time.Time{ago(3*time.Hour + 30*time.Minute), ago(3*time.Hour + 10*time.Minute), ago(2 * time.Hour), ago(90 * time.Minute)}, []uint{1, 3}},
		{"newest of each day after a week", []time.Time{ago(30*day - 2*time.Hour), ago(30*day - time.Hour), ago(29 * day), ago(8 * day)}, []uint{1}},
		{"one per hour already", []time.Time{ago(5 * time.Hour), ago(4 * time.Hour), ago(3 * time.Hour)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			heads := make([]models.SnapshotHead, len(c.heads))
			for i, at := range c.heads {
				heads[i] = models.SnapshotHead{ID: uint(i + 1), CreatedAt: at}
			}
			if got := snapshotsToThin(heads, now); !slices.Equal(got, c.drop) {
				t.Errorf("drop %v, want %v", got, c.drop)
			}
		})
	}
}
