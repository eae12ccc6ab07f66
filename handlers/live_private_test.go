package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

// A live prompt ends with answers from two contenders, which is all the
// bank asks of a prompt; it must still never be served to another voter.
func TestLivePromptNeverServedFromTheBank(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		e.llm.Set("left", llmtest.Behavior{Text: "Left answer."})
		e.llm.Set("right", llmtest.Behavior{Text: "Right answer."})
		voter := e.client()
		id := e.startLive(voter, "My private question about my own life.")
		if _, evs := e.stream(voter, id); len(evs) == 0 {
			t.Fatal("no stream events")
		}
		if res, _ := e.vote(voter, id, models.WinnerA); res.status != http.StatusOK {
			t.Fatalf("vote = %d %s", res.status, res.body)
		}
		ids, err := e.store.BankPromptIDs(t.Context())
		if err != nil || len(ids) != 0 {
			t.Fatalf("bank prompts after a live battle = %v, %v; want none", ids, err)
		}
		r := e.do(e.client(), "GET", "/", "", "")
		if r.status != http.StatusOK || strings.Contains(r.body, "My private question") {
			t.Fatalf("another voter's page shows the live prompt (status %d)", r.status)
		}
	})
}
