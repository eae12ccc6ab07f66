package handlers_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// leaderboardArtifacts is where the leaderboard screenshots go: under
// $ARENA_TEST_ARTIFACTS when set (CI keeps them), else a temporary folder
// removed with the test.
func leaderboardArtifacts(t *testing.T) string {
	t.Helper()
	root := os.Getenv("ARENA_TEST_ARTIFACTS")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// boardPage is what the browser sees of a leaderboard page.
type boardPage struct {
	URL         string   `json:"url"`
	Models      []string `json:"models"`
	ActiveTab   string   `json:"activeTab"`
	Open        bool     `json:"open"`
	ScrollWidth float64  `json:"scrollWidth"`
}

const readBoardPage = `(() => ({
	url: location.pathname + location.search,
	models: [...document.querySelectorAll("#board tbody tr")].map(tr => tr.dataset.model),
	activeTab: (document.querySelector(".board-tabs a.active .tab-name") || {}).textContent || "",
	open: document.querySelector("input[name=open]").checked,
	scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
}))()`

// TestBrowserLeaderboard switches category, filters to open weights (the
// checkbox applies itself through app.js) and opens a model page, at phone
// and desktop widths, checking each page and keeping a screenshot of it.
func TestBrowserLeaderboard(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newBoardEnv(t, "sqlite")
	base := e.srv.URL
	dir := leaderboardArtifacts(t)
	for _, size := range []struct {
		name          string
		width, height int64
		phone         bool
	}{
		{"phone", 390, 844, true},
		{"desktop", 1280, 900, false},
	} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			b := newTab(t, browser)
			opts := []chromedp.EmulateViewportOption{}
			if size.phone {
				opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			b.do("viewport", chromedp.EmulateViewport(size.width, size.height, opts...))
			shot := func(name string) {
				t.Helper()
				png := browserRun(b, "screenshot", chromedp.FullScreenshot(100)) // quality 100 makes a PNG
				path := filepath.Join(dir, size.name+"-"+name+".png")
				if err := os.WriteFile(path, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot: %s", path)
			}
			check := func(what string, p boardPage, wantURL, wantTab string, wantModels []string, wantOpen bool) {
				t.Helper()
				if d := cmp.Diff(wantModels, p.Models); d != "" {
					t.Errorf("%s: models (-want +got):\n%s", what, d)
				}
				if p.URL != wantURL || p.ActiveTab != wantTab || p.Open != wantOpen {
					t.Errorf("%s: at %s, tab %q, open weights %v; want %s, %q, %v", what, p.URL, p.ActiveTab, p.Open, wantURL, wantTab, wantOpen)
				}
				if p.ScrollWidth > float64(size.width) {
					t.Errorf("%s: the page is %vpx wide on a %dpx screen", what, p.ScrollWidth, size.width)
				}
			}

			b.navigate(base + "/leaderboard")
			all := browserEval[boardPage](b, readBoardPage)
			if len(all.Models) != 3 || all.ActiveTab != "Overall" {
				t.Fatalf("overall board: %+v", all)
			}
			shot("overall")

			browserRun(b, "click the Coding tab", chromedp.WaitEvent(page.LoadEventFired, nil,
				chromedp.Click(chromedp.CSS(`.board-tabs a[href="/leaderboard?category=coding"]`), chromedp.NodeVisible)))
			coding := browserEval[boardPage](b, readBoardPage)
			check("coding", coding, "/leaderboard?category=coding", "Coding", []string{"zephyrion-7b", "borealis-70b"}, false)
			shot("coding")

			browserRun(b, "tick open weights only", chromedp.WaitEvent(page.LoadEventFired, nil,
				chromedp.Click(chromedp.CSS(`input[name=open]`), chromedp.NodeVisible)))
			open := browserEval[boardPage](b, readBoardPage)
			check("coding, open weights", open, "/leaderboard?category=coding&open=1", "Coding", []string{"zephyrion-7b"}, true)
			if rank := b.text(`#board tbody tr[data-model="zephyrion-7b"] td.rank`); rank != "1" {
				t.Errorf("the only model shown has rank %q", rank)
			}
			shot("coding-open")

			browserRun(b, "open the model page", chromedp.WaitEvent(page.LoadEventFired, nil,
				chromedp.Click(chromedp.CSS(`#board tbody tr[data-model="zephyrion-7b"] .model a`), chromedp.NodeVisible)))
			path := browserEval[string](b, `location.pathname`)
			if path != "/models/zephyrion-7b" || !strings.Contains(b.text("h1"), "Zephyrion 7B") {
				t.Errorf("model page: at %s with heading %q", path, b.text("h1"))
			}
			if w := browserEval[float64](b, `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`); w > float64(size.width) {
				t.Errorf("model page is %vpx wide on a %dpx screen", w, size.width)
			}
			shot("model")
		})
	}
}
