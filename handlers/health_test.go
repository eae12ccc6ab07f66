package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/handlers"
)

// TestReadyzSaysWhetherTheBoardIsCurrent checks that /readyz stays 200
// while the ratings lag behind the votes (a restarted server serves the
// last stored board and catches up), and says how far behind they are.
func TestReadyzSaysWhetherTheBoardIsCurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	type body struct {
		Ready        bool   `json:"ready"`
		BoardCurrent *bool  `json:"board_current"`
		BehindVotes  *int64 `json:"behind_votes"`
	}
	ready := func() body {
		t.Helper()
		r := e.do(e.client(), "GET", "/readyz", "", "")
		if r.status != http.StatusOK {
			t.Fatalf("GET /readyz = %d %s", r.status, r.body)
		}
		var b body
		if err := json.Unmarshal([]byte(r.body), &b); err != nil {
			t.Fatalf("readyz body %q: %v", r.body, err)
		}
		return b
	}
	yes, no := true, false
	zero, one := int64(0), int64(1)
	if d := cmp.Diff(body{true, &yes, &zero}, ready()); d != "" {
		t.Errorf("empty arena (-want +got):\n%s", d)
	}
	castVote(t, e, e.client())
	if d := cmp.Diff(body{true, &no, &one}, ready()); d != "" {
		t.Errorf("one vote not yet rated (-want +got):\n%s", d)
	}
	if _, err := e.arena.Boards().RecomputeRatings(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(body{true, &yes, &zero}, ready()); d != "" {
		t.Errorf("after the board was computed (-want +got):\n%s", d)
	}
}
