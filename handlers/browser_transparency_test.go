package handlers_test

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"

	"openarena.dev/arena/handlers"
)

// TestBrowserTransparency opens the transparency page, the changelog and a
// retired model's page at phone and desktop width, checks that none
// overflows the page sideways, and saves screenshots.
func TestBrowserTransparency(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newEnv(t, "sqlite", handlers.Config{})
	for _, w := range []string{"model_a", "model_b", "model_a", "tie", "model_a"} {
		voter := e.client()
		_, b := e.startBattle(voter)
		if r, _ := e.vote(voter, b.ID, w); r.status != http.StatusOK {
			t.Fatalf("vote = %d %s", r.status, r.body)
		}
	}
	if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
		t.Fatal(err)
	}
	admin := signInAdmin(t, e)
	if r := lifecycleAction(t, e, admin, "zephyrion-7b", "retire", "replaced by a newer release"); r.status != http.StatusSeeOther {
		t.Fatalf("retire = %d %s", r.status, r.body)
	}
	b := newTab(t, browser)
	for _, v := range []struct {
		name          string
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{"desktop", 1366, 900, nil},
		{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch}},
	} {
		b.do(v.name+" viewport", chromedp.EmulateViewport(v.width, v.height, v.opts...))
		for _, p := range []struct{ name, path, must string }{
			{"transparency", "/transparency", "#bias-overall"},
			{"changelog", "/changelog", "#changelog"},
			{"retired-model", "/models/zephyrion-7b", "#model-status"},
		} {
			b.navigate(e.srv.URL + p.path)
			if got := b.text(p.must); got == "" {
				t.Errorf("%s %s: %s is empty", v.name, p.name, p.must)
			}
			over := browserEval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`)
			if over {
				t.Errorf("%s %s: the page overflows sideways", v.name, p.name)
			}
			b.saveScreenshot(p.name+"-"+v.name, false)
		}
	}
}
