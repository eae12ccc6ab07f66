package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// TestVoteReasons checks the optional reasons after a decisive vote: only
// the battle's voter, only a decisive vote, only known tags (400 with the
// list otherwise), replaced on a second save, counted on the model pages
// and carried in the data release.
func TestVoteReasons(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		_, b := e.startBattle(voter)
		post := func(c *http.Client, id string, tags ...string) reply {
			return e.do(c, "POST", "/battles/"+id+"/reasons", "application/x-www-form-urlencoded", url.Values{"reason": tags}.Encode())
		}
		if r := post(voter, b.ID, "accurate"); r.status != http.StatusConflict {
			t.Errorf("reasons before the vote = %d, want 409", r.status)
		}
		_, v := e.vote(voter, b.ID, models.WinnerA)
		page := e.do(voter, "GET", "/battles/"+b.ID, "", "")
		if !strings.Contains(page.body, `id="reasons-save"`) {
			t.Fatal("the reveal of a decisive vote offers no reasons form")
		}
		if r := post(voter, b.ID, "accurate", "bribed"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "follows_instructions") {
			t.Errorf("unknown tag = %d %s, want 400 naming the list", r.status, r.body)
		}
		if r := post(e.client(), b.ID, "accurate"); r.status != http.StatusNotFound {
			t.Errorf("another voter's battle = %d, want 404", r.status)
		}
		if r := post(voter, b.ID, "clearer"); r.status != http.StatusSeeOther {
			t.Fatalf("save = %d %s", r.status, r.body)
		}
		if r := post(voter, b.ID, "accurate", "too_verbose", "accurate"); r.status != http.StatusSeeOther {
			t.Fatalf("replace = %d %s", r.status, r.body)
		}
		tags, err := e.arena.VoteReasons(t.Context(), b.ID)
		if err != nil || strings.Join(tags, ",") != "accurate,too_verbose" {
			t.Errorf("stored reasons = %v, %v; want the second save, once each", tags, err)
		}
		_, tie := e.startBattle(voter)
		e.vote(voter, tie.ID, models.WinnerTie)
		if r := post(voter, tie.ID, "accurate"); r.status != http.StatusBadRequest {
			t.Errorf("reasons on a tie = %d, want 400", r.status)
		}
		var m struct {
			Reasons []struct {
				Reason    string
				Won, Lost int
			}
		}
		e.getJSON("/api/v1/models/"+v.ModelA.Slug, http.StatusOK, &m)
		if len(m.Reasons) != 2 || m.Reasons[0].Reason != "accurate" || m.Reasons[0].Won != 1 || m.Reasons[0].Lost != 0 {
			t.Errorf("winner's reasons = %+v", m.Reasons)
		}
		e.getJSON("/api/v1/models/"+v.ModelB.Slug, http.StatusOK, &m)
		if len(m.Reasons) != 2 || m.Reasons[1].Reason != "too_verbose" || m.Reasons[1].Lost != 1 {
			t.Errorf("loser's reasons = %+v", m.Reasons)
		}
		var buf bytes.Buffer
		if _, err := e.arena.Release().Export(t.Context(), &buf, release.ExportOptions{JudgeKey: []byte("k"), IncludeServedBank: true}); err != nil {
			t.Fatal(err)
		}
		var rel []release.Battle
		if err := json.Unmarshal(buf.Bytes(), &rel); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, rb := range rel {
			if rb.QuestionID == b.ID {
				found = strings.Join(rb.Reasons, ",") == "accurate,too_verbose"
			} else if rb.Reasons != nil {
				t.Errorf("battle %s carries reasons %v it was never given", rb.QuestionID, rb.Reasons)
			}
		}
		if !found || !strings.Contains(buf.String(), `"reasons":["accurate","too_verbose"]`) {
			t.Errorf("the release lacks the reasons: %s", buf.String())
		}
	})
}
