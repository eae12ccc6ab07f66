package boards

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// storeBoard stores a snapshot of a board with the given scores at a time.
func storeBoard(t *testing.T, s *models.Store, at time.Time, category string, scores map[string]float64) uint {
	t.Helper()
	b := RatedBoard{Category: category, Method: MethodBradleyTerry, Votes: 10 * len(scores),
		Pairs: []RatedPair{{A: "x", B: "y", AWins: 3}}}
	for slug, sc := range scores {
		b.Models = append(b.Models, RatedRow{Slug: slug, DisplayName: "Model " + slug, Organization: "org-" + slug,
			Country: "FR", OpenWeights: true, Score: sc, CILower: sc - 10, CIUpper: sc + 10, Votes: 10})
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	snap := &models.RatingSnapshot{CreatedAt: at, Category: category, Method: b.Method, VotesUsed: b.Votes,
		Result: string(raw), ContentHash: fmt.Sprintf("%s-%d", category, at.UnixNano())}
	if _, err := s.CreateSnapshot(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
	return snap.ID
}

// historyScores flattens a history to "id: slug=score" per point.
func historyScores(h *History) []string {
	var out []string
	for _, p := range h.Points {
		line := fmt.Sprintf("%d:", p.SnapshotID)
		for _, m := range p.Models {
			line += fmt.Sprintf(" %s=%g", m.Slug, m.Score)
		}
		out = append(out, line)
	}
	return out
}

func TestRatingHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := New(s, Options{BoardCheck: time.Nanosecond}, nil)
		h, err := a.RatingHistory(ctx, "overall")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Points) != 0 || h.NewestID != 0 {
			t.Fatalf("empty store: history %+v", h)
		}
		now := time.Now().UTC().Truncate(time.Minute)
		day := storeBoard(t, s, now.Add(-48*time.Hour), "overall", map[string]float64{"a": 1000})
		storeBoard(t, s, now.Add(-48*time.Hour), "coding", map[string]float64{"a": 900})
		hour := storeBoard(t, s, now.Add(-3*time.Hour), "overall", map[string]float64{"a": 1010})
		// Three in one minute of the last hour: only the newest is shown.
		storeBoard(t, s, now.Add(-10*time.Minute), "overall", map[string]float64{"a": 1020})
		storeBoard(t, s, now.Add(-10*time.Minute+10*time.Second), "overall", map[string]float64{"a": 1021})
		minute := storeBoard(t, s, now.Add(-10*time.Minute+20*time.Second), "overall", map[string]float64{"a": 1022})
		h, err = a.RatingHistory(ctx, "overall")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("%d: a=1000", day), fmt.Sprintf("%d: a=1010", hour), fmt.Sprintf("%d: a=1022", minute)}
		if d := cmp.Diff(want, historyScores(h)); d != "" {
			t.Errorf("history (-want +got):\n%s", d)
		}
		if h.NewestID != minute {
			t.Errorf("NewestID %d, want %d", h.NewestID, minute)
		}
		wantModel := HistoryModel{Slug: "a", DisplayName: "Model a", Organization: "org-a", Country: "FR", OpenWeights: true,
			Score: 1022, CILower: 1012, CIUpper: 1032, Votes: 10}
		if d := cmp.Diff(wantModel, h.Points[2].Models[0]); d != "" {
			t.Errorf("decoded model (-want +got):\n%s", d)
		}

		// A new snapshot is picked up; one deleted by thinning drops out.
		if err := s.DeleteSnapshots(ctx, []uint{hour}); err != nil {
			t.Fatal(err)
		}
		newest := storeBoard(t, s, now.Add(time.Minute), "overall", map[string]float64{"a": 1030, "b": 990})
		h, err = a.RatingHistory(ctx, "overall")
		if err != nil {
			t.Fatal(err)
		}
		want = []string{fmt.Sprintf("%d: a=1000", day), fmt.Sprintf("%d: a=1022", minute), fmt.Sprintf("%d:", newest)}
		got := historyScores(h)
		if len(got) == 3 {
			got[2] = fmt.Sprintf("%d:", newest) // map order of the new board's models is not fixed
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("history after a new snapshot (-want +got):\n%s", d)
		}
		if n := len(h.Points[len(h.Points)-1].Models); n != 2 {
			t.Errorf("newest point has %d models, want 2", n)
		}

		// A board whose pairs come first is cut before its models when
		// read; the history reads it again whole.
		raw := `{"pairs":[{"model_a":"a","model_b":"b"}],"votes":4,"models":[{"model":"a","score":1040}]}`
		odd := &models.RatingSnapshot{CreatedAt: now.Add(2 * time.Minute), Category: "overall", Method: MethodBradleyTerry,
			Result: raw, ContentHash: "odd"}
		if _, err := s.CreateSnapshot(ctx, odd); err != nil {
			t.Fatal(err)
		}
		h, err = a.RatingHistory(ctx, "overall")
		if err != nil {
			t.Fatal(err)
		}
		if last := historyScores(h)[len(h.Points)-1]; last != fmt.Sprintf("%d: a=1040", odd.ID) {
			t.Errorf("board with pairs first read as %q", last)
		}

		c, err := a.RatingHistory(ctx, "coding")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Points) != 1 || c.Points[0].Models[0].Score != 900 {
			t.Errorf("coding history %v, want its own single point", historyScores(c))
		}
	})
}

func TestHistoryHeads(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	day := 24 * time.Hour
	cases := []struct {
		name  string
		heads []time.Time
		keep  []uint
	}{
		{"none", nil, nil},
		{"newest of each minute in the last hour", []time.Time{ago(10*time.Minute + 40*time.Second), ago(10*time.Minute + 20*time.Second), ago(9 * time.Minute), ago(time.Second)}, []uint{2, 3, 4}},
		{"newest of each hour, not yet thinned", []time.Time{ago(90 * time.Minute), ago(80 * time.Minute), ago(70 * time.Minute), ago(50 * time.Minute)}, []uint{3, 4}},
		{"newest of each day after a week", []time.Time{ago(9*day + time.Hour), ago(9 * day), ago(8 * day), ago(2 * day)}, []uint{2, 3, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			heads := make([]models.SnapshotHead, len(c.heads))
			for i, at := range c.heads {
				heads[i] = models.SnapshotHead{ID: uint(i + 1), CreatedAt: at}
			}
			var got []uint
			for _, h := range historyHeads(heads, now) {
				got = append(got, h.ID)
			}
			if d := cmp.Diff(c.keep, got); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeHistoryPoint(t *testing.T) {
	cases := []struct {
		name, json string
		want       HistoryPoint
		wantErr    bool
	}{
		{"stored order", `{"category":"overall","votes":7,"models":[{"model":"a","display_name":"A","score":1010.5,"ci_lower":1000,"ci_upper":1020,"open_weights":true,"votes":7,"style":{"score":1}}],"pairs":[{"model_a":"a","model_b":"b","a_wins":3}]}`,
			HistoryPoint{SnapshotID: 9, Votes: 7, Models: []HistoryModel{{Slug: "a", DisplayName: "A", Score: 1010.5, CILower: 1000, CIUpper: 1020, OpenWeights: true, Votes: 7}}}, false},
		{"other order", `{"pairs":[{"model_a":"a"}],"models":[{"model":"b","score":990}],"style":null,"votes":3}`,
			HistoryPoint{SnapshotID: 9, Votes: 3, Models: []HistoryModel{{Slug: "b", Score: 990}}}, false},
		{"empty board", `{"votes":0,"models":[]}`, HistoryPoint{SnapshotID: 9, Models: []HistoryModel{}}, false},
		{"cut before its models", `{"votes":0,`, HistoryPoint{}, true},
		{"cut after its models", `{"votes":2,"models":[{"model":"a"}],`, HistoryPoint{SnapshotID: 9, Votes: 2, Models: []HistoryModel{{Slug: "a"}}}, false},
		{"not an object", `[1,2]`, HistoryPoint{}, true},
		{"broken", `{"votes":3,"models":[{"model":`, HistoryPoint{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeHistoryPoint(&models.RatingSnapshot{ID: 9, Result: c.json})
			if (err != nil) != c.wantErr {
				t.Fatalf("error %v, want error %v", err, c.wantErr)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("point (-want +got):\n%s", d)
			}
		})
	}
}
