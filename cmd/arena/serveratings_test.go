package main

import (
	"testing"
	"time"

	"openarena.dev/arena/arena/boards"
)

func TestRatingsOptions(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    boards.Options
		wantErr bool
	}{
		{"defaults", nil, boards.Options{MinVotes: 300, Rounds: 100, ReweightFloor: 50, CPU: 0.25}, false},
		{"reweighting", map[string]string{"ARENA_REWEIGHT_PAIRS": "true", "ARENA_REWEIGHT_FLOOR": "20"},
			boards.Options{MinVotes: 300, Rounds: 100, Reweight: true, ReweightFloor: 20, CPU: 0.25}, false},
		{"reweighting not a bool", map[string]string{"ARENA_REWEIGHT_PAIRS": "sometimes"}, boards.Options{}, true},
		{"zero floor", map[string]string{"ARENA_REWEIGHT_FLOOR": "0"}, boards.Options{}, true},
		{"all set", map[string]string{"ARENA_MIN_VOTES": "50", "ARENA_BOOTSTRAP_ROUNDS": "200", "ARENA_RATINGS_DEBOUNCE": "500ms"},
			boards.Options{MinVotes: 50, Rounds: 200, Debounce: 500 * time.Millisecond, ReweightFloor: 50, CPU: 0.25}, false},
		{"zero marks none preliminary", map[string]string{"ARENA_MIN_VOTES": "0"}, boards.Options{MinVotes: -1, Rounds: 100, ReweightFloor: 50, CPU: 0.25}, false},
		{"negative min votes", map[string]string{"ARENA_MIN_VOTES": "-3"}, boards.Options{}, true},
		{"min votes not a number", map[string]string{"ARENA_MIN_VOTES": "many"}, boards.Options{}, true},
		{"no rounds", map[string]string{"ARENA_BOOTSTRAP_ROUNDS": "0"}, boards.Options{}, true},
		{"bad debounce", map[string]string{"ARENA_RATINGS_DEBOUNCE": "soon"}, boards.Options{}, true},
		{"negative debounce", map[string]string{"ARENA_RATINGS_DEBOUNCE": "-1s"}, boards.Options{}, true},
		{"category interval", map[string]string{"ARENA_RATINGS_CATEGORY_INTERVAL": "2m"},
			boards.Options{MinVotes: 300, Rounds: 100, ReweightFloor: 50, CategoryInterval: 2 * time.Minute, CPU: 0.25}, false},
		{"zero category interval", map[string]string{"ARENA_RATINGS_CATEGORY_INTERVAL": "0s"}, boards.Options{}, true},
		{"CPU bound", map[string]string{"ARENA_RATINGS_CPU": "1.5"}, boards.Options{MinVotes: 300, Rounds: 100, ReweightFloor: 50, CPU: 1.5}, false},
		{"zero CPU sets no bound", map[string]string{"ARENA_RATINGS_CPU": "0"}, boards.Options{MinVotes: 300, Rounds: 100, ReweightFloor: 50, CPU: -1}, false},
		{"negative CPU", map[string]string{"ARENA_RATINGS_CPU": "-1"}, boards.Options{}, true},
		{"CPU not a number", map[string]string{"ARENA_RATINGS_CPU": "half"}, boards.Options{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ratingsOptions(func(k string) string { return c.env[k] })
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if !c.wantErr && (got.MinVotes != c.want.MinVotes || got.Rounds != c.want.Rounds || got.Debounce != c.want.Debounce ||
				got.CategoryInterval != c.want.CategoryInterval || got.CPU != c.want.CPU || got.Reweight != c.want.Reweight || got.ReweightFloor != c.want.ReweightFloor) {
				t.Errorf("options = %+v, want %+v", got, c.want)
			}
		})
	}
}
