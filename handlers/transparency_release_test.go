package handlers_test

import (
	"regexp"
	"strings"
	"testing"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

var releaseRow = regexp.MustCompile(`<tr><td class="model">([^<]+)</td><td class="num">(-?\d+)</td><td class="num">(-?\d+|—)</td><td class="num">([^<]+)</td></tr>`)

// TestTransparencyRatesTheRelease votes on live battles, whose answers the
// release holds, so the board of the released battles is the live board:
// the transparency page sets the same score beside each model.
func TestTransparencyRatesTheRelease(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		e.llm.Set("left", llmtest.Behavior{Text: "Rivers run to the sea."})
		e.llm.Set("right", llmtest.Behavior{Text: "Water flows downhill."})
		voter := e.client()
		for i, w := range []string{models.WinnerA, models.WinnerB, models.WinnerA, models.WinnerTie, models.WinnerA} {
			id := e.startLive(voter, "Tell me about rivers, part "+string(rune('a'+i))+".")
			e.stream(voter, id)
			if r, _ := e.vote(voter, id, w); r.status != 200 {
				t.Fatalf("vote = %d %s", r.status, r.body)
			}
		}
		if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
			t.Fatal(err)
		}
		page := e.do(e.client(), "GET", "/transparency", "", "")
		rows := releaseRow.FindAllStringSubmatch(page.body, -1)
		if len(rows) != 2 || !strings.Contains(page.body, "The board of the released battles") {
			t.Fatalf("release board rows = %v", rows)
		}
		for _, r := range rows {
			if r[2] != r[3] || (r[4] != "+0" && r[4] != "-0") {
				t.Errorf("%s: live %s, from the release %s (%s); want the same score with nothing held back", r[1], r[2], r[3], r[4])
			}
		}
	})
}
