package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserNewcomer walks a first-time voter through the arena the first
// command serves: the demo bots and their bank on an empty database. At
// desktop and phone widths it votes on the first battle, goes on to the
// next, asks its own prompt, regenerates both answers, votes again, and
// opens the side-by-side mode, keeping screenshots of each step.
func TestBrowserNewcomer(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	for _, size := range []struct {
		name  string
		width int64
		phone bool
	}{{"desktop", 1366, false}, {"phone", 390, true}} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			e := newDemoEnv(t, 1)
			if st, err := e.arena.StartDemo(t.Context(), true, nil); err != nil || !st.On {
				t.Fatalf("start the demo: %+v, %v", st, err)
			}
			b := newTab(t, browser)
			b.viewport(size.width)
			press := func(what, sel, key string) {
				t.Helper()
				if size.phone {
					browserRun(b, "tap "+what, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Tap(chromedp.CSS(sel))))
					return
				}
				b.keyAndLoad(key)
			}

			// The first page is a battle, under the demo banner.
			b.navigate(e.srv.URL + "/")
			if h := b.text("h1"); h != "Which answer is better?" {
				t.Fatalf("the first page is headed %q, want the battle", h)
			}
			if banner := b.text("#demo-banner"); !strings.Contains(banner, "demo bots") {
				t.Errorf("the demo banner says %q", banner)
			}
			if w := browserEval[float64](b, `document.documentElement.scrollWidth`); w > float64(size.width) {
				t.Errorf("the battle page is %vpx wide on a %dpx screen", w, size.width)
			}
			b.saveScreenshot("1-first-battle.png", size.phone)

			// The first vote, and the names revealed.
			press("A is better", `#vote-form button[value="model_a"]`, "1")
			b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("reveal")))
			for _, sel := range []string{"#model-a", "#model-b"} {
				if name := b.text(sel); !strings.HasSuffix(name, "(demo bot)") {
					t.Errorf("%s on the reveal is %q, want a demo bot", sel, name)
				}
			}
			if got := b.text("#counted"); !strings.HasPrefix(got, "Your vote counted") {
				t.Errorf("after the first vote: %q", got)
			}
			b.saveScreenshot("2-first-reveal.png", false)

			// The next battle, then the voter's own prompt.
			press("Next battle", "#next", "n")
			if h := b.text("h1"); h != "Which answer is better?" {
				t.Fatalf("Next battle leads to a page headed %q", h)
			}
			browserEval[bool](b, `(document.querySelectorAll("details").forEach(d => d.open = true), true)`)
			b.do("type a prompt", chromedp.SendKeys(chromedp.ID("prompt"), "How does voting work here?"))
			b.clickAndLoad(`form.ask button[type="submit"]`)
			first, _ := b.waitAnswers()
			b.saveScreenshot("3-own-prompt.png", size.phone)
			press("Regenerate both", "#regenerate-form button", "r")
			again, _ := b.waitAnswers()
			if got := b.text("#regenerates-count"); !strings.Contains(got, "2 more times") {
				t.Errorf("after one regeneration the page says %q", got)
			}
			b.saveScreenshot("4-regenerated.png", size.phone)
			t.Logf("answer A before and after regenerating: %q / %q", first, again)
			press("B is better", `#vote-form button[value="model_b"]`, "2")
			b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("reveal")))
			if got := b.text("#set-aside summary"); got != "Answers written before regenerating (1)" {
				t.Errorf("the reveal's earlier answers: %q", got)
			}

			// Side by side, from the navigation.
			b.clickAndLoad(`nav a[href="/compare"]`)
			if h := b.text("h1"); h != "Side by side" {
				t.Errorf("the Side by side link leads to %q", h)
			}
			b.saveScreenshot("5-side-by-side.png", false)
		})
	}
}
