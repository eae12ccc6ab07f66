package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// voterOf returns the voter id in a browser's signed cookie.
func voterOf(t *testing.T, e *env, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "arena_voter" {
			id, _, _ := strings.Cut(ck.Value, ".")
			return id
		}
	}
	t.Fatal("no voter cookie")
	return ""
}

// castVote has the browser start a battle and vote on it, and returns the
// stored vote.
func castVote(t *testing.T, e *env, c *http.Client) *models.Vote {
	t.Helper()
	r, b := e.startBattle(c)
	if r.status != http.StatusCreated {
		t.Fatalf("start = %d %s", r.status, r.body)
	}
	if r, _ := e.vote(c, b.ID, models.WinnerA); r.status != http.StatusOK {
		t.Fatalf("vote = %d %s", r.status, r.body)
	}
	v, err := e.store.Vote(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func excludedOf(t *testing.T, e *env, id uint) string {
	t.Helper()
	v, err := e.arena.Integrity().VoteByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Excluded
}

// Block → the voter's votes are left out, new ones too (while the voter is
// told they were stored) → unblock restores; per-vote exclude and include;
// each audited.
func TestAdminVotersBlockAndUndo(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		ctx := context.Background()
		admin := signInAdmin(t, e)
		bad, good := e.client(), e.client()
		first := castVote(t, e, bad)
		other := castVote(t, e, good)
		badID := voterOf(t, e, bad)

		if r := e.do(e.client(), "GET", "/admin/voters", "", ""); r.status == http.StatusOK {
			t.Fatal("a voter sees the voters page")
		}
		if r := e.do(bad, "POST", "/admin/voters/"+badID+"/block", formType, "blocked=false", "Sec-Fetch-Site", "same-origin"); r.status == http.StatusSeeOther {
			t.Fatal("a voter unblocked themselves")
		}
		list := e.do(admin, "GET", "/admin/voters", "", "")
		if list.status != http.StatusOK || !strings.Contains(list.body, badID[:12]) {
			t.Fatalf("voters page = %d", list.status)
		}

		if r := e.do(admin, "POST", "/admin/voters/"+badID+"/block", formType, "blocked=maybe"); r.status != http.StatusBadRequest {
			t.Errorf("blocked=maybe = %d", r.status)
		}
		r := e.do(admin, "POST", "/admin/voters/"+badID+"/block", formType, "blocked=true")
		if r.status != http.StatusSeeOther {
			t.Fatalf("block = %d %s", r.status, r.body)
		}
		if got := excludedOf(t, e, first.ID); got != models.ExcludedBlocked {
			t.Errorf("blocked voter's vote excluded %q", got)
		}
		if got := excludedOf(t, e, other.ID); got != "" {
			t.Errorf("another voter's vote excluded %q", got)
		}
		// A blocked voter still votes, is told it was stored, and it is left out.
		rb, b := e.startBattle(bad)
		if rb.status != http.StatusCreated {
			t.Fatalf("blocked voter's battle = %d", rb.status)
		}
		rv, vr := e.vote(bad, b.ID, models.WinnerB)
		if rv.status != http.StatusOK || !vr.Counted {
			t.Errorf("blocked voter's vote reply = %d %+v", rv.status, vr)
		}
		later, _ := e.store.Vote(ctx, b.ID)
		if later.Excluded != models.ExcludedBlocked {
			t.Errorf("blocked voter's new vote excluded %q", later.Excluded)
		}
		page := e.do(admin, "GET", "/admin/voters/"+badID, "", "")
		if !strings.Contains(page.body, `id="unblock"`) || !strings.Contains(page.body, "excluded: voter blocked") {
			t.Errorf("voter page after block lacks the unblock button or the reason")
		}

		if r := e.do(admin, "POST", "/admin/voters/"+badID+"/block", formType, "blocked=false"); r.status != http.StatusSeeOther {
			t.Fatalf("unblock = %d", r.status)
		}
		for _, id := range []uint{first.ID, later.ID} {
			if got := excludedOf(t, e, id); got != "" {
				t.Errorf("vote %d after unblock excluded %q", id, got)
			}
		}

		// Per-vote exclusion needs a reason; include undoes it.
		ex := fmt.Sprintf("/admin/votes/%d/exclude", other.ID)
		if r := e.do(admin, "POST", ex, formType, "reason=+"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "Give a reason") {
			t.Errorf("exclude without reason = %d", r.status)
		}
		if r := e.do(admin, "POST", ex, formType, "reason=copied+answer"); r.status != http.StatusSeeOther {
			t.Fatalf("exclude = %d %s", r.status, r.body)
		}
		if got := excludedOf(t, e, other.ID); got != "admin: copied answer" {
			t.Errorf("excluded %q", got)
		}
		if r := e.do(admin, "POST", ex, formType, "reason=again"); r.status != http.StatusBadRequest {
			t.Errorf("excluding an excluded vote = %d", r.status)
		}
		if r := e.do(admin, "POST", fmt.Sprintf("/admin/votes/%d/include", other.ID), formType, ""); r.status != http.StatusSeeOther {
			t.Fatalf("include = %d %s", r.status, r.body)
		}
		if got := excludedOf(t, e, other.ID); got != "" {
			t.Errorf("after include excluded %q", got)
		}
		if r := e.do(admin, "POST", fmt.Sprintf("/admin/votes/%d/include", other.ID), formType, ""); r.status != http.StatusBadRequest {
			t.Errorf("including a vote in the ratings = %d", r.status)
		}

		es, _, _ := e.arena.AuditLog(ctx, models.AuditFilter{Limit: 100})
		actions := map[string]int{}
		for _, en := range es {
			actions[en.Action]++
		}
		for _, a := range []string{"voter.block", "voter.unblock", "vote.exclude", "vote.include"} {
			if actions[a] != 1 {
				t.Errorf("audit %s: %d entries, want 1", a, actions[a])
			}
		}

		for path, want := range map[string]int{
			"/admin/voters?only=bogus":  http.StatusBadRequest,
			"/admin/voters?only=risky":  http.StatusOK,
			"/admin/voters/" + "nobody": http.StatusNotFound,
			"/admin/voters/a%20b":       http.StatusNotFound,
		} {
			if r := e.do(admin, "GET", path, "", ""); r.status != want {
				t.Errorf("GET %s = %d, want %d", path, r.status, want)
			}
		}
		if r := e.do(admin, "POST", "/admin/votes/999999/include", formType, ""); r.status != http.StatusNotFound {
			t.Errorf("include unknown vote = %d", r.status)
		}
		if r := e.do(admin, "POST", "/admin/voters/sweep", formType, ""); r.status != http.StatusSeeOther {
			t.Errorf("sweep = %d", r.status)
		}
		var api struct {
			Voters []struct {
				ID    string `json:"id"`
				Votes int    `json:"votes"`
			} `json:"voters"`
			Threshold float64 `json:"threshold"`
		}
		jr := e.do(admin, "GET", "/api/v1/admin/voters", "", "")
		if err := json.Unmarshal([]byte(jr.body), &api); err != nil || len(api.Voters) != 2 || api.Threshold != 0.7 {
			t.Errorf("API = %d %s", jr.status, jr.body)
		}
		jr = e.do(admin, "GET", "/api/v1/admin/voters?offset=1&limit=5", "", "")
		if err := json.Unmarshal([]byte(jr.body), &api); err != nil || len(api.Voters) != 1 || api.Voters[0].ID != voterOf(t, e, good) {
			t.Errorf("API page 2 = %d %s", jr.status, jr.body)
		}
		// The cursor of the first page of one leads to the same second page.
		var page1 struct {
			Next string `json:"next"`
		}
		jr = e.do(admin, "GET", "/api/v1/admin/voters?limit=1", "", "")
		if err := json.Unmarshal([]byte(jr.body), &page1); err != nil || page1.Next == "" {
			t.Fatalf("API first page of one = %d %s", jr.status, jr.body)
		}
		jr = e.do(admin, "GET", "/api/v1/admin/voters?limit=5&after="+page1.Next, "", "")
		if err := json.Unmarshal([]byte(jr.body), &api); err != nil || len(api.Voters) != 1 || api.Voters[0].ID != voterOf(t, e, good) ||
			!strings.Contains(jr.body, `"next":""`) {
			t.Errorf("API after %s = %d %s", page1.Next, jr.status, jr.body)
		}
		for _, q := range []string{"limit=0", "limit=10001", "offset=-1", "limit=x", "after=nobody"} {
			if r := e.do(admin, "GET", "/api/v1/admin/voters?"+q, "", ""); r.status != http.StatusBadRequest {
				t.Errorf("API ?%s = %d, want 400", q, r.status)
			}
		}
	})
}
