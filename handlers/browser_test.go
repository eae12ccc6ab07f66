package handlers_test

// Browser tests: the real server on a real store, driven by headless Chromium
// through chromedp. They skip without Chromium (ARENA_TEST_CHROMIUM, default
// "chromium" on the PATH) unless ARENA_TEST_REQUIRE_BROWSER=1.
//
// Screenshots go to t.ArtifactDir(): keep them with
//
//	go test -run Browser -artifacts -outputdir /tmp/arena-artifacts ./handlers/

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

const (
	// browserStart bounds the launch of Chromium.
	browserStart = time.Minute
	// browserStep bounds one step (a navigation, a click, an evaluation).
	browserStep = 15 * time.Second
)

// chromiumPath finds the browser, or skips (fails when required).
func chromiumPath(t *testing.T) string {
	t.Helper()
	name := os.Getenv("ARENA_TEST_CHROMIUM")
	if name == "" {
		name = "chromium"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ARENA_TEST_REQUIRE_BROWSER") == "1" {
			t.Fatalf("Chromium is required (ARENA_TEST_REQUIRE_BROWSER=1) but %q was not found: %v", name, err)
		}
		t.Skipf("skipping browser test: Chromium %q not found (set ARENA_TEST_CHROMIUM to its path): %v", name, err)
	}
	return path
}

// The browser is shared by the tests of the package (each test gets its own
// tab in its own browser context, so no cookies are shared) and stopped by
// TestMain: one Chromium start instead of one per test.
var chromium struct {
	once sync.Once
	ctx  context.Context
	err  error
	stop func()
}

func TestMain(m *testing.M) {
	flag.Parse()
	raiseParallel(4)
	code := m.Run()
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// raiseParallel lets n parallel tests run at once unless -parallel was given.
// The default, one per core, leaves a 2-core machine idle: most of these
// tests wait on Chromium, PostgreSQL or an answer stream rather than compute.
func raiseParallel(n int) {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	// Unset, the flag holds its default, GOMAXPROCS.
	if cur, err := strconv.Atoi(flag.Lookup("test.parallel").Value.String()); !set && err == nil && cur < n {
		flag.Set("test.parallel", strconv.Itoa(n))
	}
}

// startBrowser returns the shared headless Chromium, launching it on first
// use; it skips (or fails) the test when there is no Chromium.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		// The race run (go test -race -short) covers the server's concurrency;
		// the full run drives the browser.
		t.Skip("skipping browser test in -short mode")
	}
	path := chromiumPath(t)
	chromium.once.Do(func() { chromium.ctx, chromium.stop, chromium.err = launchChromium(path) })
	if chromium.err != nil {
		t.Fatalf("start Chromium %s: %v", path, chromium.err)
	}
	return chromium.ctx
}

// launchChromium starts the browser with a throwaway profile. stop ends it
// and removes the profile.
func launchChromium(path string) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "arena-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stop := func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser process to exit
		os.RemoveAll(profile)
	}
	// The first Do starts the browser and ties it to bctx, which must not
	// carry a deadline; the wait for it is bounded here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err = <-started:
	case <-time.After(browserStart):
		err = fmt.Errorf("no answer within %v", browserStart)
	}
	if err != nil {
		stop()
		return nil, nil, err
	}
	return bctx, stop, nil
}

// tab is one page in its own browser context (its own cookies).
type tab struct {
	t   *testing.T
	ctx context.Context
}

func newTab(t *testing.T, browser context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return &tab{t: t, ctx: ctx}
}

// do runs steps within browserStep and fails the test on an error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// browserRun runs one action with a value within browserStep.
func browserRun[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserStep)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// browserEval evaluates a JavaScript expression (promises are awaited) and
// decodes its JSON value into T.
func browserEval[T any](b *tab, js string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	opts = append(opts, chromedp.EvalAwaitPromise)
	return browserRun(b, "evaluate "+firstLine(js), chromedp.Evaluate[T](js, opts...))
}

// honourCSP makes an evaluation obey the page's CSP for eval; DevTools
// evaluations bypass it by default.
func honourCSP(p *runtime.EvaluateParams) { p.AllowUnsafeEvalBlockedByCSP = new(false) }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}

// navigate loads url and waits for its load event; it fails unless the
// document's status is 200.
func (b *tab) navigate(url string) {
	b.t.Helper()
	resp := browserRun(b, "navigate to "+url, chromedp.NavigateResponse(url))
	if resp == nil || resp.Status != 200 {
		b.t.Fatalf("browser: %s answered %v", url, resp)
	}
}

// clickAndLoad clicks the element and waits for the page it leads to.
func (b *tab) clickAndLoad(sel string) {
	b.t.Helper()
	browserRun(b, "click "+sel, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)))
}

// keyAndLoad presses a key on the page and waits for the page it leads to.
func (b *tab) keyAndLoad(key string) {
	b.t.Helper()
	browserRun(b, "press "+key, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.KeyEvent(key)))
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(browserRun(b, "text of "+sel, chromedp.TextContent(chromedp.CSS(sel))))
}

// saveScreenshot writes a PNG of the whole page (or, when viewport is set,
// of what is on screen) into the test's artefact directory.
func (b *tab) saveScreenshot(name string, viewport bool) {
	b.t.Helper()
	shot := chromedp.FullScreenshot(100)
	if viewport {
		shot = chromedp.CaptureScreenshot()
	}
	png := browserRun(b, "screenshot", shot)
	dir := b.t.ArtifactDir()
	if root := os.Getenv("ARENA_TEST_ARTIFACTS"); root != "" {
		// CI keeps this folder; go test's own artefact folder is kept
		// only with -artifacts.
		dir = filepath.Join(root, strings.ReplaceAll(b.t.Name(), "/", "_"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// boardState is what the leaderboard page shows about votes.
type boardState struct {
	Meta  string         `json:"meta"`
	Votes map[string]int `json:"votes"` // per model slug
}

var countedVotes = regexp.MustCompile(`(\d+) counted votes?`)

// leaderboard opens /leaderboard and returns the counted votes in its
// summary line and the sum of the Votes column.
func (b *tab) leaderboard(base string) (counted, cells int) {
	b.t.Helper()
	b.navigate(base + "/leaderboard")
	st := browserEval[boardState](b, `({
		meta: document.querySelector("p.meta").textContent,
		votes: Object.fromEntries([...document.querySelectorAll("#board tbody tr")].map(
			tr => [tr.dataset.model, Number(tr.querySelector(".votes").textContent)])),
	})`)
	m := countedVotes.FindStringSubmatch(st.Meta)
	if m == nil {
		b.t.Fatalf("leaderboard summary %q has no count of counted votes", st.Meta)
	}
	counted, _ = strconv.Atoi(m[1])
	for _, n := range st.Votes {
		cells += n
	}
	return counted, cells
}

// revealed checks the reveal page after a vote for side ("A" or "B") and
// returns the battle id.
func (b *tab) revealed(side string) string {
	b.t.Helper()
	b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("reveal")))
	loc := browserRun(b, "location", chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]
	if !strings.Contains(loc, "/battles/") || len(id) != 32 {
		b.t.Fatalf("after the vote the browser is at %s, want /battles/{id}", loc)
	}
	nameA, nameB := b.text("#model-a"), b.text("#model-b")
	var names []string
	for _, c := range testContenders {
		names = append(names, c.DisplayName)
	}
	if !slices.Contains(names, nameA) || !slices.Contains(names, nameB) || nameA == nameB {
		b.t.Errorf("reveal names %q and %q, want two different contenders of %q", nameA, nameB, names)
	}
	if got := b.text("#counted"); !strings.HasPrefix(got, "Your vote counted") {
		b.t.Errorf("#counted = %q, want \"Your vote counted…\"", got)
	}
	chosen := map[string]string{"A": nameA, "B": nameB}[side]
	if got, want := b.text(".verdict"), "You preferred "+side+": "+chosen; !strings.HasPrefix(got, want) {
		b.t.Errorf("verdict = %q, want %q", got, want)
	}
	return id
}

// assertStackedWithoutScript loads the battle with scripts off: no tabs,
// both answers shown one above the other.
func assertStackedWithoutScript(b *tab, base, measure string) {
	b.t.Helper()
	type rect struct{ Top, Bottom, Height float64 }
	var off emulation.SetScriptExecutionDisabledParams
	off.Value = true
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, off); err != nil {
		b.t.Fatal(err)
	}
	b.navigate(base + "/")
	got := browserEval[struct{ A, B rect }](b, measure)
	if got.A.Height == 0 || got.B.Height == 0 || got.B.Top < got.A.Bottom {
		b.t.Errorf("phone without script: A %+v, B %+v; want both shown, stacked", got.A, got.B)
	}
	off.Value = false
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, off); err != nil {
		b.t.Fatal(err)
	}
	b.navigate(base + "/")
}

// TestBrowserVoteByClickAndKeyboard votes once by clicking and once by
// keyboard, and watches the leaderboard count both.
func TestBrowserVoteByClickAndKeyboard(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		b := newTab(t, browser)
		base := e.srv.URL

		if counted, cells := b.leaderboard(base); counted != 0 || cells != 0 {
			t.Fatalf("empty leaderboard shows %d counted votes, %d in the Votes column", counted, cells)
		}

		b.navigate(base + "/")
		b.do("wait for the battle", chromedp.WaitVisible(chromedp.ID("answer-a")), chromedp.WaitVisible(chromedp.ID("answer-b")))
		if a, bb := b.text("#answer-a"), b.text("#answer-b"); !strings.Contains(a, "An answer.") || !strings.Contains(bb, "An answer.") {
			t.Fatalf("answers shown: A %q, B %q", a, bb)
		}
		// Blind in the live DOM too, not only in the bytes sent.
		dom := browserEval[string](b, `document.documentElement.outerHTML`)
		for _, term := range identityTerms() {
			if strings.Contains(strings.ToLower(dom), strings.ToLower(term)) {
				t.Errorf("battle page DOM names %q before the vote", term)
			}
		}

		b.clickAndLoad(`#vote-form button[value="model_a"]`)
		first := b.revealed("A")
		if v, err := e.store.Vote(t.Context(), first); err != nil || v.Winner != models.WinnerA || !v.Counted {
			t.Fatalf("stored vote of %s = %+v, %v; want model_a, counted", first, v, err)
		}
		if counted, cells := b.leaderboard(base); counted != 1 || cells != 2 {
			t.Errorf("after one vote the leaderboard shows %d counted votes and %d in the Votes column, want 1 and 2", counted, cells)
		}

		// Back to the reveal, then the keyboard: N for the next battle, 2 for B.
		b.navigate(base + "/battles/" + first)
		b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("next")))
		b.keyAndLoad("n")
		b.do("wait for the next battle", chromedp.WaitVisible(chromedp.ID("vote-form")))
		action := browserRun(b, "vote form action", chromedp.AttributeValue(chromedp.ID("vote-form"), "action"))
		if strings.Contains(action.Value, first) {
			t.Fatalf("N led to the voted battle again (%s)", action.Value)
		}
		b.keyAndLoad("2")
		second := b.revealed("B")
		if second == first {
			t.Fatalf("the keyboard vote landed on the first battle")
		}
		if v, err := e.store.Vote(t.Context(), second); err != nil || v.Winner != models.WinnerB || !v.Counted {
			t.Fatalf("stored vote of %s = %+v, %v; want model_b, counted", second, v, err)
		}
		if counted, cells := b.leaderboard(base); counted != 2 || cells != 4 {
			t.Errorf("after two votes the leaderboard shows %d counted votes and %d in the Votes column, want 2 and 4", counted, cells)
		}
		total, counted, _ := e.store.CountVotes(t.Context())
		if total != 2 || counted != 2 {
			t.Errorf("stored votes = %d (counted %d), want 2", total, counted)
		}
	})
}

// readXSSCorpus reads ../views/testdata/xss.txt: one payload a line, '#'
// comments and blank lines skipped, with the escapes \n \t \r \\ and \u{HEX}
// (any other backslash is literal).
func readXSSCorpus(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "views", "testdata", "xss.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var b strings.Builder
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c != '\\' || i+1 == len(line) {
				b.WriteByte(c)
				continue
			}
			switch line[i+1] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\':
				b.WriteByte('\\')
			case 'u':
				end := strings.IndexByte(line[i+2:], '}')
				if !strings.HasPrefix(line[i+2:], "{") || end < 0 {
					b.WriteString(`\u`)
					break
				}
				v, err := strconv.ParseUint(line[i+3:i+2+end], 16, 32)
				if err != nil {
					t.Fatalf("xss.txt:%d: bad \\u{}: %v", n, err)
				}
				b.WriteRune(rune(v))
				i += 2 + end
				continue
			default:
				b.WriteByte('\\')
				b.WriteByte(line[i+1])
			}
			i++
		}
		out = append(out, b.String())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// xssHook runs in every frame before the page's own scripts: the dialog
// functions count and report instead of opening, and CSP violations are
// kept so the test can see that the policy was enforced.
const xssHook = `(() => {
	const report = (what) => {
		window.__xss = (window.__xss || 0) + 1;
		try { window.__xssReport && window.__xssReport(what + " at " + location.href); } catch (e) {}
	};
	for (const name of ["alert", "confirm", "prompt", "print"]) {
		window[name] = function () { report(name + "(" + Array.from(arguments).join(",") + ")"); };
	}
	window.__csp = [];
	document.addEventListener("securitypolicyviolation", (e) => {
		window.__csp.push(e.violatedDirective + " " + e.blockedURI);
	});
})();`

// xssCheck looks at a rendered battle page: anything a payload could have
// turned into live markup, and whether anything ran.
const xssCheck = `(async () => {
	const bad = [];
	const mds = [...document.querySelectorAll(".md")];
	const live = "script,iframe,frame,frameset,object,embed,applet,img,image,svg,math,style,link,meta,base," +
		"form,input,button,textarea,select,video,audio,source,track,template,noscript,marquee,details,isindex,picture,canvas";
	for (const md of mds) {
		for (const el of md.querySelectorAll(live)) bad.push("element <" + el.localName + ">");
		for (const el of md.querySelectorAll("*")) {
			for (const a of el.attributes) {
				const n = a.name.toLowerCase();
				if (n.startsWith("on") || n.includes(":") || ["style", "src", "srcset", "srcdoc", "action", "formaction",
					"background", "data", "poster", "xmlns", "id", "name", "form"].includes(n)) {
					bad.push("attribute " + n + "=" + JSON.stringify(a.value) + " on <" + el.localName + ">");
				}
			}
		}
		for (const a of md.querySelectorAll('a[href^="javascript:" i]')) bad.push("javascript: link " + a.getAttribute("href"));
		for (const el of md.querySelectorAll("[href]")) {
			let scheme = "unparsable";
			try { scheme = new URL(el.href).protocol; } catch (e) {}
			if (!["http:", "https:", "mailto:"].includes(scheme)) bad.push("href " + JSON.stringify(el.getAttribute("href")) + " (" + scheme + ")");
		}
		// Fire what a reader could: hover, focus, click (not links, which leave the page).
		for (const el of md.querySelectorAll("*")) {
			for (const type of ["mouseover", "mouseenter", "mousemove", "focus", "focusin", "animationstart", "toggle"]) {
				el.dispatchEvent(new Event(type, {bubbles: true}));
			}
			if (!el.closest("a")) el.click();
		}
	}
	for (const el of document.querySelectorAll("iframe,frame,object,embed")) bad.push("document has <" + el.localName + ">");
	const scripts = [...document.scripts].map(s => s.src || "inline: " + s.textContent.slice(0, 60));
	// Let a frame render and queued tasks run (error events, timers), with a
	// fallback in case animation frames are throttled.
	await new Promise(r => { requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 10))); setTimeout(r, 200); });
	return {xss: window.__xss || 0, mds: mds.length, bad, scripts, path: location.pathname};
})()`

type xssResult struct {
	XSS     int      `json:"xss"`
	MDs     int      `json:"mds"`
	Bad     []string `json:"bad"`
	Scripts []string `json:"scripts"`
	Path    string   `json:"path"`
}

// TestBrowserXSSCorpusInert shows every payload of the XSS corpus, as a
// prompt or as an answer, in a real browser, and checks that nothing
// runs, nothing live is in the rendered Markdown, nothing is fetched from
// elsewhere, and the CSP refuses inline script.
func TestBrowserXSSCorpusInert(t *testing.T) {
	t.Parallel()
	payloads := readXSSCorpus(t)
	if len(payloads) < 50 {
		t.Fatalf("views/testdata/xss.txt has %d payloads, want at least 50", len(payloads))
	}
	browser := startBrowser(t)

	// SQLite only: PostgreSQL text cannot hold the NUL bytes of some
	// payloads, and rendering does not depend on the dialect.
	s := storetest.Open(t, "sqlite")
	ctx := t.Context()
	if _, err := s.UpsertContenders(ctx, testContenders[:2], nil); err != nil {
		t.Fatal(err)
	}
	// Three payloads a page, as the prompt, answer A and answer B, so that
	// about 40 pages cover the corpus (wrapping round to fill the last).
	pages := (len(payloads) + 2) / 3
	slot := func(pg, k int) int { return (3*pg + k) % len(payloads) }
	var rows []models.BankRow
	for pg := range pages {
		for k, c := range testContenders[:2] {
			rows = append(rows, models.BankRow{PromptID: fmt.Sprintf("xss-%03d", pg), Prompt: payloads[slot(pg, 0)],
				Model: c.Slug, Output: payloads[slot(pg, k+1)]})
		}
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	e := startEnv(t, s, handlers.Config{})
	base := e.srv.URL

	b := newTab(t, browser)
	var mu sync.Mutex
	var ran, dialogs, foreign []string
	record := func(list *[]string, s string) {
		mu.Lock()
		*list = append(*list, s)
		mu.Unlock()
	}
	dialogEvents := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	requests := chromedp.Events(b.ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range dialogEvents {
			if err != nil {
				return
			}
			record(&dialogs, string(ev.Type)+"("+ev.Message+") at "+ev.URL)
			chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			if u := ev.Request.URL; !strings.HasPrefix(u, base+"/") && u != "about:blank" {
				record(&foreign, u)
			}
		}
	}()
	b.do("install the script hooks",
		chromedp.ExposeFunc("__xssReport", func(_ context.Context, what string) (bool, error) {
			record(&ran, what)
			return true, nil
		}),
		chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: xssHook})
			return err
		}),
	)

	// The first page gives the browser its voter cookie; the battles of every
	// payload are then made for that voter and opened by URL.
	b.navigate(base + "/")
	cookies := browserRun(b, "read cookies", func(ctx context.Context, tt *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tt, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
		return res.Cookies, err
	})
	voter := ""
	for _, c := range cookies {
		if c.Name == "arena_voter" {
			voter, _, _ = strings.Cut(c.Value, ".")
		}
	}
	if len(voter) != 32 {
		t.Fatalf("no voter cookie in the browser: %+v", cookies)
	}

	pids, err := s.BankPromptIDs(ctx)
	if err != nil || len(pids) != pages {
		t.Fatalf("bank has %d servable prompts (%v), want %d", len(pids), err, pages)
	}
	type battle struct {
		id   string
		page int
	}
	var battles []battle
	for _, pid := range pids {
		p, answers, err := s.PromptAnswers(ctx, pid)
		if err != nil || len(answers) != 2 || p.ExternalID == nil {
			t.Fatalf("prompt %d: %d answers, %v", pid, len(answers), err)
		}
		pg, _ := strconv.Atoi(strings.TrimPrefix(*p.ExternalID, "xss-"))
		if answers[0].Contender.Slug != testContenders[0].Slug {
			answers[0], answers[1] = answers[1], answers[0]
		}
		idb := make([]byte, 16)
		rand.Read(idb)
		bt := &models.Battle{
			ID: hex.EncodeToString(idb), PromptID: p.ID, VoterID: voter, Mode: models.ModeBank, State: models.StateReady,
			ContenderAID: answers[0].ContenderID, ContenderBID: answers[1].ContenderID,
			ResponseAID: &answers[0].ID, ResponseBID: &answers[1].ID,
		}
		if err := s.CreateBattle(ctx, bt); err != nil {
			t.Fatal(err)
		}
		battles = append(battles, battle{bt.ID, pg})
	}

	appJS := ""
	for _, bt := range battles {
		path := "/battles/" + bt.id
		b.navigate(base + path)
		r := browserEval[xssResult](b, xssCheck)
		what := fmt.Sprintf("page of payloads %d %q (prompt), %d %q (A), %d %q (B)",
			slot(bt.page, 0)+1, payloads[slot(bt.page, 0)], slot(bt.page, 1)+1, payloads[slot(bt.page, 1)],
			slot(bt.page, 2)+1, payloads[slot(bt.page, 2)])
		if r.XSS != 0 {
			t.Errorf("%s: a dialog function was called %d times", what, r.XSS)
		}
		if r.Path != path {
			t.Errorf("%s: the page navigated itself to %s", what, r.Path)
		}
		if r.MDs != 3 {
			t.Errorf("%s: %d Markdown containers, want 3 (prompt and two answers)", what, r.MDs)
		}
		for _, bad := range r.Bad {
			t.Errorf("%s: %s", what, bad)
		}
		if len(r.Scripts) != 1 || !strings.HasPrefix(r.Scripts[0], base+"/static/") {
			t.Errorf("%s: scripts on the page = %q, want only the app's own", what, r.Scripts)
		} else if appJS == "" {
			appJS = r.Scripts[0]
		}
	}

	// The CSP itself: the document carries it, and the browser refuses an
	// inline script and an inline handler even when they get into the DOM.
	resp := browserRun(b, "navigate", chromedp.NavigateResponse(base+"/battles/"+battles[0].id))
	csp := ""
	for k, v := range resp.Headers {
		if strings.EqualFold(k, "Content-Security-Policy") {
			csp = fmt.Sprint(v)
		}
	}
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy = %q, want script-src 'self' without unsafe-inline", csp)
	}
	inline := browserEval[struct {
		Ran  []string `json:"ran"`
		CSP  []string `json:"csp"`
		Eval string   `json:"eval"`
	}](b, `(async () => {
		window.__ran = [];
		const s = document.createElement("script");
		s.textContent = "window.__ran.push('inline script')";
		document.body.appendChild(s);
		const d = document.createElement("div");
		d.innerHTML = '<img src="/static/none.png" onerror="window.__ran.push(\'inline handler\')">';
		document.body.appendChild(d);
		let ev = "refused";
		try { (0, eval)("1"); ev = "allowed"; } catch (e) {}
		await new Promise(r => setTimeout(r, 200));
		return {ran: window.__ran, csp: window.__csp, eval: ev};
	})()`, honourCSP)
	if len(inline.Ran) != 0 || inline.Eval != "refused" {
		t.Errorf("CSP let run: %q (eval %s)", inline.Ran, inline.Eval)
	}
	if !slices.ContainsFunc(inline.CSP, func(v string) bool { return strings.HasPrefix(v, "script-src") }) {
		t.Errorf("no script-src violation reported for the injected inline script; violations: %q", inline.CSP)
	}
	// The app's own script still loaded and works under the policy.
	if appJS == "" {
		t.Errorf("the app script was not found on the battle pages")
	}

	b.do("let late timers fire", chromedp.Sleep(300*time.Millisecond))
	mu.Lock()
	defer mu.Unlock()
	for _, r := range ran {
		t.Errorf("script ran: %s", r)
	}
	for _, d := range dialogs {
		t.Errorf("dialog opened: %s", d)
	}
	for _, u := range foreign {
		t.Errorf("the page fetched %s (only the arena's own origin is allowed)", u)
	}
	t.Logf("%d payloads rendered in %d battle pages", len(payloads), len(battles))
}

// A realistic battle for the layout test: Markdown with headings, lists, a
// table, a long code line and a long URL.
var layoutPrompt = "How do I stop a Go HTTP server gracefully when the process gets SIGTERM?"

var layoutAnswers = []string{
	"Use `http.Server.Shutdown` with a context that has a deadline:\n\n" +
		"```go\nctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)\ndefer stop()\n" +
		"go func() { _ = srv.ListenAndServe() }()\n<-ctx.Done()\nshutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)\n" +
		"defer cancel()\nif err := srv.Shutdown(shutdownCtx); err != nil { log.Printf(\"shutdown: %v\", err) }\n```\n\n" +
		"1. Stop accepting new connections.\n2. Let in-flight requests finish.\n3. Exit when the deadline passes.\n\n" +
		"See https://pkg.go.dev/net/http#Server.Shutdown_and_a_very_long_fragment_that_does_not_break_anywhere_at_all_on_a_phone.",
	"## Short version\n\nCall **`srv.Shutdown(ctx)`** after catching the signal.\n\n" +
		"| Step | What happens |\n|---|---|\n| SIGTERM | `signal.NotifyContext` cancels the context |\n| Shutdown | listeners close, idle connections close |\n| Deadline | remaining connections are cut |\n\n" +
		"> Note: `Shutdown` does not wait for hijacked connections such as WebSockets.",
	"Catch the signal, then shut down:\n\n- `signal.Notify(ch, syscall.SIGTERM)`\n- `srv.Shutdown(ctx)` with a timeout\n- return from `main`\n\nThat is all.",
}

// TestBrowserPhoneLayout checks the battle on a desktop and on a 390×844
// phone: side by side on the desktop; stacked on the phone, with the vote
// buttons in view and no horizontal scrolling. Screenshots are saved.
func TestBrowserPhoneLayout(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	s := storetest.Open(t, "sqlite")
	ctx := t.Context()
	if _, err := s.UpsertContenders(ctx, testContenders, nil); err != nil {
		t.Fatal(err)
	}
	var rows []models.BankRow
	for i, c := range testContenders {
		rows = append(rows, models.BankRow{PromptID: "layout", Prompt: layoutPrompt, Model: c.Slug, Output: layoutAnswers[i]})
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	e := startEnv(t, s, handlers.Config{})
	base := e.srv.URL

	type rect struct{ Left, Top, Right, Bottom, Width, Height float64 }
	type layout struct {
		A, B         rect
		Buttons      []rect
		Hidden       []string
		ScrollWidth  float64
		InnerWidth   float64
		InnerHeight  float64
		NamesStacked bool
	}
	const measure = `(() => {
		const r = (el) => { const b = el.getBoundingClientRect(); return {Left: b.left, Top: b.top, Right: b.right, Bottom: b.bottom, Width: b.width, Height: b.height}; };
		const q = (s) => document.querySelector(s);
		const buttons = [...document.querySelectorAll("#vote-form button, #next")];
		const hidden = buttons.filter(el => { const s = getComputedStyle(el); return s.display === "none" || s.visibility !== "visible" || el.offsetParent === null; }).map(el => el.textContent);
		const names = [...document.querySelectorAll(".names .side")].map(r);
		return {
			A: r(q("#answer-a").closest(".answer")), B: r(q("#answer-b").closest(".answer")),
			Buttons: buttons.map(r), Hidden: hidden,
			ScrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
			InnerWidth: window.innerWidth, InnerHeight: window.innerHeight,
			NamesStacked: names.length === 2 && names[1].Top >= names[0].Bottom,
		};
	})()`

	b := newTab(t, browser)

	// Desktop: the answers side by side.
	b.do("desktop viewport", chromedp.EmulateViewport(1280, 900))
	b.navigate(base + "/")
	d := browserEval[layout](b, measure)
	if !(d.B.Left >= d.A.Right && d.B.Top == d.A.Top) {
		t.Errorf("desktop: answers are not side by side: A %+v, B %+v", d.A, d.B)
	}
	if d.ScrollWidth > d.InnerWidth {
		t.Errorf("desktop: page scrolls sideways (%v > %v)", d.ScrollWidth, d.InnerWidth)
	}
	b.saveScreenshot("desktop-battle.png", false)

	// Phone: the same battle (an open battle is shown again on reload).
	const phoneW, phoneH = 390, 844
	b.do("phone viewport", chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.navigate(base + "/")
	p := browserEval[layout](b, measure)
	if p.InnerWidth != phoneW {
		t.Errorf("phone: window.innerWidth = %v, want %d (viewport meta)", p.InnerWidth, phoneW)
	}
	// Tabs: A shown, B one tap away instead of a long scroll.
	if p.A.Height == 0 || p.B.Height != 0 {
		t.Errorf("phone: want answer A shown and B behind its tab: A %+v, B %+v", p.A, p.B)
	}
	b.do("tap the B tab", chromedp.Tap(chromedp.ID("tab-b"), chromedp.NodeVisible))
	if tb := browserEval[layout](b, measure); tb.B.Height == 0 || tb.A.Height != 0 || tb.B.Top > p.A.Top+1 {
		t.Errorf("phone: after tapping B, A %+v, B %+v; want B in A's place", tb.A, tb.B)
	}
	b.saveScreenshot("phone-battle-tab-b.png", true)
	b.do("tap the A tab", chromedp.Tap(chromedp.ID("tab-a"), chromedp.NodeVisible))
	assertStackedWithoutScript(b, base, measure)
	if p.ScrollWidth > phoneW {
		t.Errorf("phone: page is %vpx wide, wider than the %dpx screen", p.ScrollWidth, phoneW)
	}
	if len(p.Buttons) != 4 || len(p.Hidden) != 0 {
		t.Errorf("phone: %d vote buttons, hidden: %q", len(p.Buttons), p.Hidden)
	}
	for i, r := range p.Buttons {
		if r.Width <= 0 || r.Height <= 0 || r.Left < 0 || r.Right > phoneW {
			t.Errorf("phone: vote button %d is not fully on screen horizontally: %+v", i+1, r)
		}
		if r.Top < 0 || r.Bottom > p.InnerHeight {
			t.Errorf("phone: vote button %d is not in view without scrolling: %+v (viewport height %v)", i+1, r, p.InnerHeight)
		}
	}
	// On screen, as the phone shows it: a full-page capture would draw the
	// sticky vote bar in the middle of the page.
	b.saveScreenshot("phone-battle.png", true)

	// Vote by tapping, then the reveal on the phone.
	browserRun(b, "tap B is better", chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Tap(chromedp.CSS(`#vote-form button[value="model_b"]`))))
	b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("reveal")))
	r := browserEval[layout](b, measure)
	if !r.NamesStacked {
		t.Errorf("phone: the two names on the reveal do not stack")
	}
	if r.ScrollWidth > phoneW {
		t.Errorf("phone reveal: page is %vpx wide, wider than the %dpx screen", r.ScrollWidth, phoneW)
	}
	if len(r.Buttons) != 1 || len(r.Hidden) != 0 || r.Buttons[0].Right > phoneW {
		t.Errorf("phone reveal: Next battle link %+v hidden %q", r.Buttons, r.Hidden)
	}
	b.saveScreenshot("phone-reveal.png", false)

	// The leaderboard's wide table scrolls inside its box, not the page.
	b.navigate(base + "/leaderboard")
	w := browserEval[float64](b, `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`)
	if w > phoneW {
		t.Errorf("phone leaderboard: page is %vpx wide, wider than the %dpx screen", w, phoneW)
	}
	b.saveScreenshot("phone-leaderboard.png", false)
}
