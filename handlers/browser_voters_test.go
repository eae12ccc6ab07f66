package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// TestBrowserVoterBlock votes in one browser, then in another signs in as
// admin, finds the voter on /admin/voters, blocks them (their vote leaves
// the ratings, and so does their next one), excludes and puts back one vote
// by hand, and unblocks them (everything back).
func TestBrowserVoterBlock(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		ctx := context.Background()
		base := e.srv.URL
		voter := newTab(t, browser)
		vote := func() uint {
			t.Helper()
			voter.navigate(base + "/")
			voter.do("wait for the battle", chromedp.WaitVisible(chromedp.ID("answer-a")))
			voter.clickAndLoad(`#vote-form button[value="model_a"]`)
			v, err := e.store.Vote(ctx, voter.revealed("A"))
			if err != nil {
				t.Fatal(err)
			}
			return v.ID
		}
		excluded := func(id uint) string {
			t.Helper()
			v, err := e.arena.Integrity().VoteByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return v.Excluded
		}
		first := vote()
		v, _ := e.arena.Integrity().VoteByID(ctx, first)

		if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", "warden", testAdminPassword); err != nil {
			t.Fatal(err)
		}
		adm := newTab(t, browser)
		adm.navigate(base + "/admin/signin")
		adm.do("sign in",
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "warden"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testAdminPassword))
		adm.clickAndLoad(`form[action="/admin/signin"] button[type="submit"]`)
		adm.navigate(base + "/admin/voters")
		adm.clickAndLoad(fmt.Sprintf(`#voters a[href="/admin/voters/%s"]`, v.VoterID))

		adm.clickAndLoad("#block")
		adm.do("wait for the unblock button", chromedp.WaitVisible(chromedp.ID("unblock")))
		if got := excluded(first); got != models.ExcludedBlocked {
			t.Fatalf("after Block the vote is excluded %q", got)
		}
		second := vote()
		if got := excluded(second); got != models.ExcludedBlocked {
			t.Errorf("a blocked voter's new vote is excluded %q", got)
		}
		if got := voter.text("#reveal"); strings.Contains(got, "blocked") {
			t.Errorf("the reveal tells a blocked voter: %q", got)
		}

		adm.clickAndLoad("#unblock")
		adm.do("wait for the block button", chromedp.WaitVisible(chromedp.ID("block")))
		for _, id := range []uint{first, second} {
			if got := excluded(id); got != "" {
				t.Errorf("after Unblock vote %d is excluded %q", id, got)
			}
		}

		row := fmt.Sprintf("#vote-%d", second)
		adm.do("give a reason", chromedp.SendKeys(chromedp.CSS(row+` input[name="reason"]`), "answers copied from elsewhere"))
		adm.clickAndLoad(row + ` form.inline-form button`)
		if got := excluded(second); got != "admin: answers copied from elsewhere" {
			t.Errorf("after Exclude: %q", got)
		}
		if got := adm.text(row + " td:nth-child(10)"); !strings.Contains(got, "answers copied from elsewhere") {
			t.Errorf("status cell %q", got)
		}
		adm.clickAndLoad(row + ` form button`)
		if got := excluded(second); got != "" {
			t.Errorf("after Put back: %q", got)
		}
		adm.saveScreenshot("admin-voter.png", false)
	})
}
