package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// colorScheme makes the tab's pages see prefers-color-scheme: scheme.
func (b *tab) colorScheme(scheme string) {
	b.t.Helper()
	_, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	if err != nil {
		b.t.Fatalf("emulate %s: %v", scheme, err)
	}
}

// viewport sets a desktop or, below 720 px, a phone viewport.
func (b *tab) viewport(width int64) {
	b.t.Helper()
	if width <= 720 {
		b.do("phone viewport", chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
		return
	}
	b.do("desktop viewport", chromedp.EmulateViewport(width, 900))
}

// contrastPair is one visible element with text of its own, its colour
// over the first opaque background behind it, and the WCAG ratio required.
type contrastPair struct {
	Where string  `json:"where"`
	Text  string  `json:"text"`
	FG    string  `json:"fg"`
	BG    string  `json:"bg"`
	Ratio float64 `json:"ratio"`
	Need  float64 `json:"need"`
}

// contrastJS walks every visible element with its own text (disabled
// controls excepted, as WCAG does), blends its colour (with the opacity of
// it and its ancestors) over the layered backgrounds up to the first opaque
// one, and computes the WCAG 2 contrast ratio.
const contrastJS = `(() => {
	const parse = (c) => {
		let m = c.match(/^rgba?\(([^)]+)\)/);
		if (m) { const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
		m = c.match(/^color\(srgb ([^)]+)\)/);
		if (m) { const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
		return null;
	};
	const over = (top, under) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
	const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
	const background = (el) => {
		const layers = [];
		for (let e = el; e; e = e.parentElement) {
			const c = parse(getComputedStyle(e).backgroundColor);
			if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
		}
		let bg = [255, 255, 255, 1];
		for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
		return bg;
	};
	const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
		(el.parentElement ? " in " + el.parentElement.tagName.toLowerCase() + (el.parentElement.className ? "." + String(el.parentElement.className).split(" ")[0] : "") : "");
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.nodeValue.trim()).map(n => n.nodeValue.trim()).join(" ");
		if (!own || !el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.height === 0 || el.closest(":disabled, .visually-hidden, svg, option")) continue;
		const cs = getComputedStyle(el);
		let opacity = 1;
		for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
		const bg = background(el), c = parse(cs.color);
		const fg = over([c[0], c[1], c[2], c[3] * opacity], bg);
		const l1 = lum(fg), l2 = lum(bg);
		const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
		const large = size >= 24 || (size >= 18.66 && bold);
		out.push({where: where(el), text: own.slice(0, 40), fg: cs.color, bg: "rgb(" + bg.slice(0, 3).map(Math.round).join(",") + ")",
			ratio: Math.round((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) * 100) / 100, need: large ? 3 : 4.5});
	}
	return out;
})()`

// assertContrast checks every text of the page against WCAG AA and returns
// the pairs it measured.
func (b *tab) assertContrast(what string) []contrastPair {
	b.t.Helper()
	pairs := browserEval[[]contrastPair](b, contrastJS)
	if len(pairs) < 5 {
		b.t.Errorf("%s: only %d texts measured", what, len(pairs))
	}
	for _, p := range pairs {
		if p.Ratio < p.Need {
			b.t.Errorf("%s: %s %q is %s on %s, contrast %.2f:1, want %.1f:1", what, p.Where, p.Text, p.FG, p.BG, p.Ratio, p.Need)
		}
	}
	return pairs
}

// TestBrowserContrast measures the contrast of every visible text on the
// battle, reveal, side-by-side and admin queue pages at 390 and 1366 px,
// light and dark, against WCAG AA, and checks the pages' headings.
func TestBrowserContrast(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newModerationEnv(t, "sqlite")
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
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int64{390, 1366} {
			name := fmt.Sprintf("%s-%d", scheme, width)
			t.Run(name, func(t *testing.T) {
				b := newTab(t, browser)
				b.colorScheme(scheme)
				b.viewport(width)
				b.navigate(base + "/")
				if h := b.text("h1"); h != "Which answer is better?" {
					t.Errorf("the battle is headed %q", h)
				}
				b.do("open the own prompt", chromedp.Click(chromedp.CSS("#own-prompt summary"), chromedp.NodeVisible))
				b.do("type", chromedp.SendKeys(chromedp.ID("prompt"), "A prompt"))
				b.assertContrast(name + " battle")
				b.saveScreenshot(name+"-battle.png", false)
				b.clickAndLoad(`#vote-form button[value="tie"]`)
				b.do("wait for the reveal", chromedp.WaitVisible(chromedp.ID("next")))
				pairs := b.assertContrast(name + " reveal")
				if width > 720 && !hasPair(pairs, "kbd", "N") {
					t.Errorf("the N hint on Next battle was not measured")
				}
				b.saveScreenshot(name+"-reveal.png", false)
				b.navigate(base + "/compare")
				if h := b.text("h1"); h != "Side by side" {
					t.Errorf("/compare is headed %q", h)
				}
				b.assertContrast(name + " compare")
				b.saveScreenshot(name+"-compare.png", false)

				adm.colorScheme(scheme)
				adm.viewport(width)
				adm.navigate(base + "/admin/prompts")
				adm.assertContrast(name + " admin queue")
				adm.saveScreenshot(name+"-admin-queue.png", false)
			})
		}
	}
}

func hasPair(pairs []contrastPair, tag, text string) bool {
	for _, p := range pairs {
		if strings.HasPrefix(p.Where, tag) && p.Text == text {
			return true
		}
	}
	return false
}

// promptState is the own-prompt form as the page shows it.
type promptState struct {
	Open     bool   `json:"open"`
	Visible  bool   `json:"visible"`
	Length   int    `json:"length"`
	Counter  string `json:"counter"`
	Over     bool   `json:"over"`
	Error    string `json:"error"`
	Heading  string `json:"heading"`
	MaxAttrs int    `json:"maxAttrs"`
}

const promptLook = `(() => {
	const q = (s) => document.querySelector(s);
	const box = q("#prompt"), count = q("#prompt-count"), err = q("#prompt-error");
	return {
		open: !!(q("#own-prompt") && q("#own-prompt").open),
		visible: !!box && box.checkVisibility(),
		length: box ? Array.from(box.value).length : -1,
		counter: count ? count.textContent : "",
		over: !!(count && count.classList.contains("over")),
		error: err ? err.textContent.trim() : "",
		heading: q("h1") ? q("h1").textContent : "",
		maxAttrs: document.querySelectorAll("textarea[maxlength]").length,
	};
})()`

// TestBrowserPromptKeptAfterError pastes 20,000 characters into the folded
// own-prompt box of a bank battle at 390 and 1366 px: the counter warns,
// nothing is cut, and the refusal comes back on the battle page with the
// whole text and the reason beside the form.
func TestBrowserPromptKeptAfterError(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newModerationEnv(t, "sqlite")
	for _, width := range []int64{390, 1366} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			b := newTab(t, browser)
			b.viewport(width)
			b.navigate(e.srv.URL + "/")
			s := browserEval[promptState](b, promptLook)
			if s.Open || s.Visible || s.Heading != "Which answer is better?" || s.MaxAttrs != 0 {
				t.Fatalf("before asking: %+v; want the box folded under the battle's heading, no maxlength", s)
			}
			b.do("unfold", chromedp.Click(chromedp.CSS("#own-prompt summary"), chromedp.NodeVisible))
			// A paste: the value set at once, then the input event.
			browserEval[bool](b, `(() => { const p = document.querySelector("#prompt");
				p.value = "Why? ".repeat(4000); p.dispatchEvent(new Event("input")); return true; })()`)
			s = browserEval[promptState](b, promptLook)
			if s.Length != 20000 || !s.Over || !strings.HasPrefix(s.Counter, "20000 / 8000") {
				t.Errorf("after the paste: %+v; want 20000 characters kept and the counter over 8000", s)
			}
			b.saveScreenshot("pasted.png", true)
			b.clickAndLoad(`#own-prompt button[type="submit"]`)
			s = browserEval[promptState](b, promptLook)
			if s.Heading != "Which answer is better?" || !s.Open || s.Length != 20000 || !strings.Contains(s.Error, "the limit is 8000") {
				t.Errorf("after the refusal: %+v; want the battle again, the box open with all 20000 characters and the reason", s)
			}
			b.saveScreenshot("refused.png", false)
		})
	}
}

// TestBrowserQueueRowActions approves one prompt and rejects another with
// the buttons on their own rows (the rejection asks for its reason in
// place), and checks that languages read as names and buttons are styled.
func TestBrowserQueueRowActions(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newModerationEnv(t, "sqlite")
	base := e.srv.URL
	if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", "moderator", testAdminPassword); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, browser)
	b.navigate(base + "/admin/signin")
	b.do("sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "moderator"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testAdminPassword))
	b.clickAndLoad(`form[action="/admin/signin"] button[type="submit"]`)
	b.navigate(base + "/admin/prompts")
	names := browserEval[[]string](b, `[...document.querySelectorAll("#queue .language-name")].map(s => s.textContent)`)
	if len(names) != 2 || slices.Contains(names, "und") || slices.Contains(names, "") {
		t.Errorf("language names in the queue = %q; want names, not codes", names)
	}
	styled := browserEval[[]string](b, `[...document.querySelectorAll("#queue button, #bulk button")].map(x => getComputedStyle(x).borderRadius)`)
	if len(styled) == 0 || slices.Contains(styled, "0px") {
		t.Errorf("queue buttons' border radius = %q; want them styled like the rest", styled)
	}
	row := b.queueRowID(rejectedText)
	b.do("open the reject", chromedp.Click(chromedp.CSS("#"+row+" .row-reject summary"), chromedp.NodeVisible))
	b.do("give a reason", chromedp.SendKeys(chromedp.CSS("#"+row+` .row-reject input[name="reason"]`), "asks about private persons"))
	b.saveScreenshot("queue-row-reject.png", false)
	b.clickAndLoad("#" + row + " .row-reject button.reject")
	if got := b.text("#notice"); got != "Rejected 1 prompt(s)." {
		t.Errorf("notice after rejecting one row = %q", got)
	}
	b.clickAndLoad("#" + b.queueRowID(approvedText) + " button.approve")
	if got := b.text("#notice"); got != "Approved 1 prompt(s)." {
		t.Errorf("notice after approving one row = %q", got)
	}
	waitAnswers(t, e.arena)
	if got := b.text("#tab-pending .count"); got != "0" {
		t.Errorf("pending after the two row actions = %q, want 0", got)
	}
}
