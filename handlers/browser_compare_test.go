package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// newDemoEnv is a server whose contenders are the built-in demo bots, as
// `arena --demo` registers them, streaming a word every paceMS.
func newDemoEnv(t *testing.T, paceMS int) *env {
	t.Helper()
	s := storetest.Open(t, "sqlite")
	var cs []models.Contender
	for _, d := range llm.DemoContenders() {
		cs = append(cs, models.Contender{Slug: d.Slug, DisplayName: d.DisplayName, Organization: d.Organization,
			Provider: models.Provider{Kind: d.Provider.Kind, Model: d.Provider.Model, Params: map[string]any{"pace_ms": paceMS, "max_tokens": 60}}})
	}
	if _, err := s.UpsertContenders(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	backend := func(c *models.Contender) (llm.Backend, error) {
		p := c.Provider
		return llm.New(llm.ProviderConfig{Kind: p.Kind, Model: p.Model, Params: p.Params}, func(string) string { return "" })
	}
	a := arena.New(s, arena.Options{Live: arena.LiveOptions{Backend: backend, Tick: 10 * time.Millisecond, Pace: arena.Pace{Chars: 8}}})
	e, err := handlers.New(handlers.Config{Secret: []byte("test-secret-0123456789")}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, arena: a, srv: srv, transport: keepAlive(t)}
}

// TestBrowserCompare opens the side-by-side page on a desktop and on a
// phone, picks two demo bots, sends a prompt, watches both answers stream
// under the models' names, votes and sees that the vote was not counted.
func TestBrowserCompare(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newDemoEnv(t, 15)
	dir := leaderboardArtifacts(t)
	demos := llm.DemoContenders()
	left, right := demos[0], demos[1]
	for _, size := range []struct {
		name          string
		width, height int64
		phone         bool
	}{{"desktop", 1366, 900, false}, {"phone", 390, 844, true}} {
		t.Run(size.name, func(t *testing.T) {
			b := newTab(t, browser)
			opts := []chromedp.EmulateViewportOption{}
			if size.phone {
				opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			b.do("viewport", chromedp.EmulateViewport(size.width, size.height, opts...))
			b.navigate(e.srv.URL + "/compare")
			if h := b.text("h1"); h != "Side by side" {
				t.Fatalf("/compare is headed %q", h)
			}
			if w := browserEval[float64](b, `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`); w > float64(size.width) {
				t.Errorf("the form is %vpx wide on a %dpx screen", w, size.width)
			}
			b.do("pick the models", chromedp.SetValue(chromedp.ID("model-a"), left.Slug), chromedp.SetValue(chromedp.ID("model-b"), right.Slug))
			b.do("type the prompt", chromedp.SendKeys(chromedp.ID("prompt"), "Tell me something about rivers."))
			b.saveShot(dir, size.name+"-compare.png")
			b.clickAndLoad(`#compare-form button[type="submit"]`)
			browserEval[bool](b, liveMark)

			heads := browserEval[[]string](b, `[...document.querySelectorAll(".answer h2 .model-name")].map(h => h.textContent)`)
			if len(heads) != 2 || heads[0] != left.DisplayName || heads[1] != right.DisplayName {
				t.Errorf("answer headings = %q; want %q then %q", heads, left.DisplayName, right.DisplayName)
			}
			streamed, final := false, liveSample{}
			deadline := time.Now().Add(30 * time.Second)
			for {
				s, ok := b.look()
				if !ok {
					t.Fatal("the battle page stopped answering")
				}
				if s.Same && s.Streaming && s.A != "" && s.B != "" && len(s.Disabled) == 4 && s.Disabled[0] {
					if !streamed {
						b.saveShot(dir, size.name+"-streaming.png")
					}
					streamed = true
				}
				if !s.Same {
					t.Fatalf("the page reloaded; the finished answers should be swapped in (%+v)", s)
				}
				if s.Ready && !s.Streaming && len(s.Disabled) == 4 && !s.Disabled[0] {
					final = s
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the answers did not finish; last sample %+v", s)
				}
				time.Sleep(15 * time.Millisecond)
			}
			if !streamed {
				t.Error("never saw both answers part-way through streaming with the vote locked")
			}
			if strings.TrimSpace(final.A) == "" || strings.TrimSpace(final.B) == "" {
				t.Errorf("finished answers: A %q, B %q", final.A, final.B)
			}
			if final.Typing != 0 || final.Stop || !final.Turn {
				t.Errorf("after the stream: %d typing indicators, Stop %v, turn form %v; want 0, false, true", final.Typing, final.Stop, final.Turn)
			}
			if w := browserEval[float64](b, `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`); w > float64(size.width) {
				t.Errorf("the battle is %vpx wide on a %dpx screen", w, size.width)
			}
			b.saveShot(dir, size.name+"-answered.png")

			browserRun(b, "vote A", chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(`#vote-form button[value="model_a"]`), chromedp.NodeVisible)))
			b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("reveal")))
			if got := b.text("#counted"); !strings.Contains(got, "not counted") || !strings.Contains(got, arena.NamedVoteReason) {
				t.Errorf("#counted = %q; want it to say the vote was not counted and why", got)
			}
			if got := b.text("#model-a"); got != left.DisplayName {
				t.Errorf("#model-a = %q, want %q", got, left.DisplayName)
			}
			b.saveShot(dir, size.name+"-reveal.png")
		})
	}
}

// saveShot writes a full-page PNG into dir (see leaderboardArtifacts).
func (b *tab) saveShot(dir, name string) {
	b.t.Helper()
	png := browserRun(b, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
