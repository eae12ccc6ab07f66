package handlers_test

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"openarena.dev/arena/handlers"
)

// TestBrowserFirstVisitHelp checks what a first-time voter is told: the
// heading, the shortcut list on a desktop until dismissed (and never again in
// that browser), and on a phone a long press that explains a vote button
// without voting.
func TestBrowserFirstVisitHelp(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newEnv(t, "sqlite", handlers.Config{})
	t.Run("desktop", func(t *testing.T) {
		b := newTab(t, browser)
		b.do("desktop", chromedp.EmulateViewport(1366, 900))
		b.navigate(e.srv.URL + "/")
		if h := b.text("h1"); h != "Which answer is better?" {
			t.Errorf("the battle's heading is %q", h)
		}
		if !browserEval[bool](b, `!document.getElementById("shortcuts").hidden`) {
			t.Fatal("the shortcut list is not shown on the first visit")
		}
		b.saveScreenshot("desktop-first-visit.png", true)
		b.do("dismiss the shortcuts", chromedp.Click(chromedp.ID("shortcuts-close")))
		if browserEval[bool](b, `!document.getElementById("shortcuts").hidden`) {
			t.Error("the shortcut list stays after Got it")
		}
		b.navigate(e.srv.URL + "/")
		if browserEval[bool](b, `!document.getElementById("shortcuts").hidden`) {
			t.Error("the shortcut list is shown again after it was dismissed")
		}
		tip := browserEval[string](b, `document.querySelector('#vote-form button[value="tie"]').title`)
		if tip != "Both answers are about equally good." {
			t.Errorf("the Tie button explains itself as %q", tip)
		}
	})
	t.Run("phone", func(t *testing.T) {
		b := newTab(t, browser)
		b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
		b.navigate(e.srv.URL + "/")
		if browserEval[bool](b, `!document.getElementById("shortcuts").hidden`) {
			t.Error("a phone is shown keyboard shortcuts")
		}
		type box struct{ X, Y float64 }
		c := browserEval[box](b, `(() => { const r = document.querySelector('#vote-form button[value="tie (bothbad)"]').getBoundingClientRect();
			return {X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`)
		touch := func(typ input.DispatchTouchEventType, pts []*input.TouchPoint) {
			if _, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts}); err != nil {
				t.Fatal(err)
			}
		}
		touch(input.DispatchTouchEventTypeTouchStart, []*input.TouchPoint{{X: c.X, Y: c.Y}})
		time.Sleep(700 * time.Millisecond)
		touch(input.DispatchTouchEventTypeTouchEnd, []*input.TouchPoint{})
		time.Sleep(300 * time.Millisecond)
		type state struct {
			Open   bool    `json:"open"`
			Path   string  `json:"path"`
			Scroll float64 `json:"scroll"`
		}
		s := browserEval[state](b, `({open: document.querySelector('#vote-form button[value="tie (bothbad)"]').classList.contains("tip-open"),
			path: location.pathname, scroll: document.documentElement.scrollWidth})`)
		if !s.Open {
			t.Error("a long press does not open the explanation")
		}
		if s.Path != "/" {
			t.Errorf("a long press voted: the page went to %s", s.Path)
		}
		if s.Scroll > 390 {
			t.Errorf("the explanation widens the page to %vpx", s.Scroll)
		}
		if n, _, _ := e.store.CountVotes(t.Context()); n != 0 {
			t.Errorf("%d votes stored after a long press", n)
		}
		b.saveScreenshot("phone-long-press.png", true)
	})
}
