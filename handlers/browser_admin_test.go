package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// Prompts of the moderation browser test.
const (
	approvedText = "Why is the sea salty?"
	rejectedText = "Which of my neighbours is the worst?"
)

// newModerationEnv serves the test contenders, each answering through the
// chat-completions test server, a bank of one prompt all three answered, and
// the two suggestions waiting for review.
func newModerationEnv(t *testing.T, dialect string) *env {
	t.Helper()
	ctx := context.Background()
	fake := llmtest.New(llmtest.Behavior{Text: "Evaporation leaves the salt behind."})
	t.Cleanup(fake.Close)
	s := storetest.Open(t, dialect)
	cs := append([]models.Contender(nil), testContenders...)
	for i := range cs {
		cs[i].Provider = models.Provider{Kind: "openai", BaseURL: fake.BaseURL(), Model: cs[i].Slug,
			Params: map[string]any{"idle_timeout": 2}}
	}
	if _, err := s.UpsertContenders(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	var rows []models.BankRow
	for _, c := range cs {
		rows = append(rows, models.BankRow{PromptID: "p-1", Prompt: "What is 2+2?", Model: c.Slug, Output: "Four."})
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	backend := func(c *models.Contender) (llm.Backend, error) {
		p := c.Provider
		return llm.New(llm.ProviderConfig{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, Params: p.Params},
			func(string) string { return "" })
	}
	a := arena.New(s, arena.Options{Live: arena.LiveOptions{Backend: backend, Timeout: 10 * time.Second}, Jobs: testJobs})
	startJobs(t, a)
	for _, text := range []string{approvedText, rejectedText} {
		if _, err := a.Moderation().SuggestPrompt(ctx, "suggester", text); err != nil {
			t.Fatal(err)
		}
	}
	e, err := handlers.New(handlers.Config{Secret: []byte("test-secret-0123456789")}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, arena: a, srv: srv}
}

// queueRowID finds the queue row of a prompt by its text and returns its element id.
func (b *tab) queueRowID(text string) string {
	b.t.Helper()
	id := browserEval[string](b, `(() => {
		for (const tr of document.querySelectorAll("#queue tbody tr")) {
			if (tr.querySelector(".prompt-text").textContent === `+jsString(text)+`) return tr.id;
		}
		return "";
	})()`)
	if id == "" {
		b.t.Fatalf("no queue row shows %q", text)
	}
	return id
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TestBrowserModeration signs in through the form, approves one suggested
// prompt and rejects another, disables a contender on its admin page, and then votes: the
// approved prompt is served once its answers exist, the rejected one and
// the disabled contender never are.
func TestBrowserModeration(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	eachDialect(t, func(t *testing.T, d string) {
		e := newModerationEnv(t, d)
		base := e.srv.URL
		if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", "moderator", testAdminPassword); err != nil {
			t.Fatal(err)
		}
		adm := newTab(t, browser)
		adm.navigate(base + "/admin/signin")
		adm.do("sign in",
			chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "moderator"),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testAdminPassword))
		adm.clickAndLoad(`form[action="/admin/signin"] button[type="submit"]`)
		adm.navigate(base + "/admin/prompts")
		if got := adm.text("#tab-pending .count"); got != "2" {
			t.Fatalf("pending count = %q, want 2", got)
		}

		// Reject without a reason is refused and changes nothing.
		row := adm.queueRowID(rejectedText)
		adm.do("choose the prompt to reject", chromedp.Click(chromedp.CSS("#"+row+` input[type="checkbox"]`)))
		adm.do("submit without a reason", chromedp.Click(chromedp.ID("bulk-reject")))
		adm.do("wait for the refusal", chromedp.WaitVisible(chromedp.Search(`//*[contains(text(), "Give a reason")]`)))
		adm.navigate(base + "/admin/prompts")
		row = adm.queueRowID(rejectedText)
		adm.do("choose the prompt to reject", chromedp.Click(chromedp.CSS("#"+row+` input[type="checkbox"]`)),
			chromedp.SendKeys(chromedp.ID("reject-reason"), "asks about private persons"))
		adm.clickAndLoad("#bulk-reject")
		if got := adm.text("#notice"); got != "Rejected 1 prompt(s)." {
			t.Errorf("notice after rejecting = %q", got)
		}
		row = adm.queueRowID(approvedText)
		adm.do("choose the prompt to approve", chromedp.Click(chromedp.CSS("#"+row+` input[type="checkbox"]`)))
		adm.clickAndLoad("#bulk-approve")
		waitAnswers(t, e.arena)
		adm.navigate(base + "/admin/prompts?tab=approved")
		row = adm.queueRowID(approvedText)
		if got := adm.text("#" + row + " .job"); got != "Generated 3 of 3" {
			t.Errorf("answer progress = %q, want \"Generated 3 of 3\"", got)
		}
		if got := adm.text("#tab-rejected .count"); got != "1" {
			t.Errorf("rejected count = %q, want 1", got)
		}

		disableContender(t, e, adm, base, "cascadia-3")

		voter := newTab(t, browser)
		seen := map[string]int{}
		for i := range 24 {
			voter.navigate(base + "/")
			voter.do("wait for the battle", chromedp.WaitVisible(chromedp.ID("answer-a")))
			prompt := voter.text(".prompt .md")
			seen[prompt]++
			voter.clickAndLoad(`#vote-form button[value="tie"]`)
			voter.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("reveal")))
			for _, sel := range []string{"#model-a", "#model-b"} {
				if name := voter.text(sel); name == "Cascadia Three" {
					t.Fatalf("battle %d: the disabled contender was served", i)
				}
			}
		}
		if seen[rejectedText] > 0 {
			t.Errorf("the rejected prompt was served %d times", seen[rejectedText])
		}
		if seen[approvedText] == 0 {
			t.Errorf("the approved prompt never appeared in 24 battles: %v", seen)
		}
		adm.saveScreenshot("moderation-queue.png", false)
	})
}

// disableContender opens the contender's admin page, presses Disable, and
// checks the store agrees.
func disableContender(t *testing.T, e *env, adm *tab, base, slug string) {
	t.Helper()
	c, err := e.store.ContenderBySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	adm.navigate(fmt.Sprintf("%s/admin/contenders/%d", base, c.ID))
	adm.clickAndLoad("#disable-contender")
	adm.do("wait for the enable button", chromedp.WaitVisible(chromedp.ID("enable-contender")))
	if c, err = e.store.ContenderBySlug(t.Context(), slug); err != nil || c.Enabled {
		t.Fatalf("after pressing Disable %s is %+v, %v", slug, c, err)
	}
}
