package handlers_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"openarena.dev/arena/handlers"
)

// cspHook keeps the page's CSP violations where the test can read them.
const cspHook = `(() => {
	window.__csp = [];
	document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
})();`

// chartLook is what the browser made of a page's charts.
type chartLook struct {
	Charts      int      `json:"charts"`
	MinWidth    float64  `json:"minWidth"`
	Named       int      `json:"named"`
	StyledMarks int      `json:"styledMarks"`
	Marks       int      `json:"marks"`
	CSP         []string `json:"csp"`
	ScrollWidth float64  `json:"scrollWidth"`
	InnerWidth  float64  `json:"innerWidth"`
}

// lookAtCharts measures every chart: drawn with a size, named for screen
// readers, and its marks styled by the stylesheet (a blocked stylesheet or
// a style the CSP refused would leave lines without a stroke).
const lookAtCharts = `(() => {
	const svgs = [...document.querySelectorAll("svg.chart")];
	const marks = [...document.querySelectorAll("svg.chart .line, svg.chart .ci-bar, svg.chart .wr-bar")];
	return {
		charts: svgs.length,
		minWidth: Math.min(...svgs.map(s => s.getBoundingClientRect().width)),
		named: svgs.filter(s => s.getAttribute("role") === "img" && s.querySelector("title") && s.querySelector("desc")).length,
		styledMarks: marks.filter(m => { const st = getComputedStyle(m); return (st.stroke !== "none" && st.stroke !== "") || (st.fill !== "none" && m.localName === "rect"); }).length,
		marks: marks.length,
		csp: window.__csp || [],
		scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
		innerWidth: window.innerWidth,
	};
})()`

// TestBrowserModelPageAndCharts opens a model page and the leaderboard's
// charts in Chromium at desktop and phone widths: the charts are drawn,
// named, styled under the CSP, and the pages do not scroll sideways.
// Screenshots are kept as artefacts.
func TestBrowserModelPageAndCharts(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newEnv(t, "sqlite", handlers.Config{})
	winners := []string{"model_a", "model_b", "tie", "model_a", "model_b", "model_a"}
	for _, w := range winners {
		voter := e.client()
		r, b := e.startBattle(voter)
		if r.status != http.StatusCreated {
			t.Fatalf("battle = %d %s", r.status, r.body)
		}
		if r, _ := e.vote(voter, b.ID, w); r.status != http.StatusOK {
			t.Fatalf("vote = %d %s", r.status, r.body)
		}
	}
	if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, browser)
	b.do("install the CSP hook", chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspHook})
		return err
	}))
	views := []struct {
		name          string
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{"desktop", 1280, 900, nil},
		{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch}},
	}
	pages := []struct {
		name, path string
		minCharts  int
	}{
		{"model", "/models/zephyrion-7b", 1},
		// CI plot, two heatmaps, win rate, rating over time and best open
		// model per organisation; the test models have no country, so
		// there is no chart per country.
		{"leaderboard", "/leaderboard", 6},
	}
	for _, v := range views {
		b.do(v.name+" viewport", chromedp.EmulateViewport(v.width, v.height, v.opts...))
		for _, p := range pages {
			b.navigate(e.srv.URL + p.path)
			l := browserEval[chartLook](b, lookAtCharts)
			if l.Charts < p.minCharts || l.Named != l.Charts || l.MinWidth < 100 {
				t.Errorf("%s %s: %d charts (want at least %d), %d named, narrowest %vpx", v.name, p.name, l.Charts, p.minCharts, l.Named, l.MinWidth)
			}
			if l.Marks == 0 || l.StyledMarks != l.Marks {
				t.Errorf("%s %s: %d of %d chart marks styled", v.name, p.name, l.StyledMarks, l.Marks)
			}
			if len(l.CSP) > 0 {
				t.Errorf("%s %s: CSP violations %q", v.name, p.name, l.CSP)
			}
			if l.ScrollWidth > l.InnerWidth {
				t.Errorf("%s %s: page scrolls sideways (%v > %v)", v.name, p.name, l.ScrollWidth, l.InnerWidth)
			}
			b.saveScreenshot(v.name+"-"+p.name+".png", false)
		}
	}
}
