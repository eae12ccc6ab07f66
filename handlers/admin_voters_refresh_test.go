package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/handlers"
)

// votersAPI is what the refresh test reads of the voters API.
type votersAPI struct {
	Voters []struct {
		ID      string `json:"id"`
		Votes   int    `json:"votes"`
		Blocked bool   `json:"blocked"`
	} `json:"voters"`
	Refreshing bool `json:"refreshing"`
}

// votersNow reads the voters API and returns it with the line of voter id
// (votes −1 when absent).
func votersNow(t *testing.T, e *env, admin *http.Client, id string) (api votersAPI, votes int, blocked bool) {
	t.Helper()
	r := e.do(admin, "GET", "/api/v1/admin/voters", "", "")
	if err := json.Unmarshal([]byte(r.body), &api); err != nil || r.status != http.StatusOK {
		t.Fatalf("voters API = %d %s", r.status, r.body)
	}
	for _, v := range api.Voters {
		if v.ID == id {
			return api, v.Votes, v.Blocked
		}
	}
	return api, -1, false
}

// The voters page never waits for a report to be computed again: an
// action that the report cannot take in place (the voter voted since)
// leaves it stale, and the next request is served it, saying it is being
// refreshed, while the next is computed in the background; the fresh one
// follows. An action the report can take in place shows at once.
func TestAdminVotersServeStaleWhileRefreshing(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		admin := signInAdmin(t, e)
		bad, good := e.client(), e.client()
		castVote(t, e, bad)
		castVote(t, e, good)
		badID, goodID := voterOf(t, e, bad), voterOf(t, e, good)

		// The first report: computed while the page waits (a small arena),
		// or said to be computing.
		deadline := time.Now().Add(time.Minute)
		for {
			page := e.do(admin, "GET", "/admin/voters", "", "")
			if page.status != http.StatusOK {
				t.Fatalf("voters page = %d", page.status)
			}
			if strings.Contains(page.body, badID[:12]) {
				break
			}
			if !strings.Contains(page.body, "Computing the report") || time.Now().After(deadline) {
				t.Fatalf("voters page lists neither the voter nor the first report's computation:\n%s", page.body)
			}
			time.Sleep(10 * time.Millisecond)
		}

		// Blocking a voter the report knows fully updates it in place.
		if r := e.do(admin, "POST", "/admin/voters/"+goodID+"/block", formType, "blocked=true"); r.status != http.StatusSeeOther {
			t.Fatalf("block = %d %s", r.status, r.body)
		}
		if api, votes, blocked := votersNow(t, e, admin, goodID); api.Refreshing || votes != 1 || !blocked {
			t.Errorf("after blocking a known voter: refreshing %v, votes %d, blocked %v; want the report updated in place",
				api.Refreshing, votes, blocked)
		}

		// A vote the report lacks, then an action on its voter.
		castVote(t, e, bad)
		if r := e.do(admin, "POST", "/admin/voters/"+badID+"/block", formType, "blocked=true"); r.status != http.StatusSeeOther {
			t.Fatalf("block = %d %s", r.status, r.body)
		}
		page := e.do(admin, "GET", "/admin/voters", "", "")
		if page.status != http.StatusOK || !strings.Contains(page.body, "refreshing in the background") {
			t.Fatalf("voters page after an action the report lacks = %d, not refreshing:\n%s", page.status, page.body)
		}
		if got := votesCell(page.body, badID); got != "1" {
			t.Errorf("stale voters page shows %q votes of the voter, want the report's 1", got)
		}
		// Served the stale report while the fresh one is computed, then
		// the fresh one: the second vote, the block.
		var api votersAPI
		var votes int
		var blocked bool
		for api.Refreshing || votes != 2 {
			if time.Now().After(deadline) {
				t.Fatalf("no fresh report: refreshing %v, votes %d", api.Refreshing, votes)
			}
			time.Sleep(10 * time.Millisecond)
			api, votes, blocked = votersNow(t, e, admin, badID)
			if votes != 1 && votes != 2 {
				t.Fatalf("voter has %d votes in the report, want 1 (stale) or 2 (fresh)", votes)
			}
		}
		if !blocked {
			t.Error("the fresh report lacks the block")
		}
		if page := e.do(admin, "GET", "/admin/voters", "", ""); strings.Contains(page.body, "refreshing") {
			t.Error("voters page still refreshing after the fresh report")
		}
	})
}

// votesCell is the votes column of voter id's row on the voters page.
func votesCell(body, id string) string {
	_, row, ok := strings.Cut(body, "<code>"+id[:12]+"</code>")
	if !ok {
		return ""
	}
	_, cell, _ := strings.Cut(row, `<td class="num">`)
	v, _, _ := strings.Cut(cell, "<")
	return v
}
