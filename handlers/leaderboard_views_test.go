package handlers

import (
	"strings"
	"testing"

	"openarena.dev/arena/arena/boards"
)

// TestViewsNote checks the page says when the style-controlled view lags
// the plain scores, and says nothing when it does not.
func TestViewsNote(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    boards.RatedBoard
		want string
	}{
		{"current", boards.RatedBoard{Votes: 10}, ""},
		{"behind", boards.RatedBoard{Votes: 1200, ViewsAsOf: &boards.VotesAsOf{Votes: 1000, LastVoteID: 1003}}, "first 1000 of 1200 votes"},
	} {
		got := viewsNote(&tc.b)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: note %q, want one saying %q", tc.name, got, tc.want)
		}
	}
}
