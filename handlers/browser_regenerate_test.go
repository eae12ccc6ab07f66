package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

// waitAnswers polls the battle page until it shows both finished answers
// with the vote unlocked, and returns them as A and B.
func (b *tab) waitAnswers() (a, bb string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s, ok := b.look()
		if ok && s.Ready && !s.Streaming && len(s.Disabled) == 4 && !s.Disabled[0] && s.A != "" && s.B != "" {
			return strings.TrimSpace(s.A), strings.TrimSpace(s.B)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.t.Fatal("the battle page did not show both finished answers")
	return "", ""
}

// TestBrowserRegenerate asks a live battle, has both answers written again
// (R on a desktop, a tap on a phone), checks the new answers arrive on the
// same sides, votes, and finds the earlier answers on the reveal.
func TestBrowserRegenerate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		width int64
		phone bool
	}{
		{"desktop", 1366, false},
		{"phone", 390, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			browser := startBrowser(t)
			e := newLiveEnv(t, "sqlite")
			e.llm.Set("left", llmtest.Behavior{Text: "Rivers run downhill to the sea."})
			e.llm.Set("right", llmtest.Behavior{Text: "Water flows in channels."})
			b := newTab(t, browser)
			b.viewport(c.width)
			id := b.askLive(e.srv.URL, "Tell me about rivers.")
			a0, _ := b.waitAnswers()
			firstSide := a0 == "Rivers run downhill to the sea."
			b.assertLiveBlind("before regenerating", e)
			if got := b.text("#regenerates-count"); !strings.Contains(got, "3 more times") {
				t.Errorf("regenerate count says %q", got)
			}
			b.saveScreenshot(c.name+"-before-regenerate.png", c.phone)

			e.llm.Set("left", llmtest.Behavior{Text: "Rivers carve valleys over ages."})
			e.llm.Set("right", llmtest.Behavior{Text: "Streams join into rivers."})
			if c.phone {
				browserRun(b, "tap Regenerate", chromedp.WaitEvent(page.LoadEventFired, nil,
					chromedp.Tap(chromedp.CSS(`#regenerate-form button`))))
			} else {
				b.keyAndLoad("r")
			}
			a1, b1 := b.waitAnswers()
			if (a1 == "Rivers carve valleys over ages.") != firstSide || a1+b1 == a0 {
				t.Fatalf("after regenerating A=%q B=%q; the first A was %q", a1, b1, a0)
			}
			b.assertLiveBlind("after regenerating", e)
			if got := b.text("#regenerates-count"); !strings.Contains(got, "2 more times") {
				t.Errorf("regenerate count says %q after one regeneration", got)
			}
			b.saveScreenshot(c.name+"-after-regenerate.png", c.phone)

			b.keyAndLoad("1")
			if got := b.revealed("A"); got != id {
				t.Fatalf("voted on %s, want %s", got, id)
			}
			if v, err := e.store.Vote(t.Context(), id); err != nil || v.Winner != models.WinnerA || !v.Counted {
				t.Fatalf("stored vote %+v, %v", v, err)
			}
			if got := b.text("#set-aside summary"); got != "Answers written before regenerating (1)" {
				t.Errorf("reveal's set-aside summary = %q", got)
			}
			b.do("open the earlier answers", chromedp.Click(chromedp.CSS("#set-aside summary")))
			if got := b.text("#set-aside"); !strings.Contains(got, "Rivers run downhill to the sea.") {
				t.Errorf("earlier answers on the reveal: %q", got)
			}
			b.saveScreenshot(c.name+"-reveal-regenerated.png", false)
		})
	}
}
