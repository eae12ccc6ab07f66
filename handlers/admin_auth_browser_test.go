package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"openarena.dev/arena/handlers"
)

// TestBrowserAdminFirstRun creates the first admin through the setup link in
// Chromium (a common password refused first), signs in, reads the audit
// log through the admin navigation and signs out. It runs on SQLite only:
// the same handlers are tested on both databases over HTTP.
func TestBrowserAdminFirstRun(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newEnv(t, "sqlite", handlers.Config{})
	base := e.srv.URL
	token, ok, err := e.arena.Accounts().SetupToken(t.Context())
	if err != nil || !ok {
		t.Fatalf("setup token: %v %v", ok, err)
	}
	b := newTab(t, browser)
	b.navigate(base + "/admin/setup?token=" + token)
	b.do("fill in a common password",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "ana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "iloveyou1"))
	b.clickAndLoad(`form[action="/admin/setup"] button[type="submit"]`)
	if got := b.text("#setup-error"); !strings.Contains(got, "most common") {
		t.Fatalf("setup with a common password says %q", got)
	}
	b.do("fill in a good password",
		chromedp.SetValue(chromedp.CSS(`input[name="username"]`), "ana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testAdminPassword))
	b.clickAndLoad(`form[action="/admin/setup"] button[type="submit"]`)

	// The setup signs the new admin in and says so.
	if got := b.text("#admin-greeting"); got != "Signed in as ana." {
		t.Fatalf("dashboard greeting = %q", got)
	}
	if got := b.text("#admin-welcome"); !strings.Contains(got, "is ready, and you are signed in") {
		t.Errorf("no confirmation after the setup: %q", got)
	}
	b.saveScreenshot("setup-welcome.png", false)
	b.clickAndLoad(`.admin-signout button`)
	b.navigate(base + "/admin/signin")
	b.do("sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "ana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testAdminPassword))
	b.clickAndLoad(`form[action="/admin/signin"] button[type="submit"]`)
	if got := b.text("#admin-greeting"); got != "Signed in as ana." {
		t.Fatalf("dashboard greeting after signing in again = %q", got)
	}
	// The admin stylesheet applies (nothing blocked by the CSP).
	if d := browserEval[string](b, `getComputedStyle(document.querySelector(".admin")).display`); d != "grid" {
		t.Errorf(".admin display = %q, want grid", d)
	}

	b.clickAndLoad(`.admin-nav a[href="/admin/audit"]`)
	actions := browserEval[[]string](b, `[...document.querySelectorAll("#audit-log tbody tr td:nth-child(3)")].map(td => td.textContent)`)
	if strings.Join(actions, ",") != "admin.signin,admin.signout,admin.create" {
		t.Errorf("audit log shows %v, want the creation, the sign-out and the sign-in, newest first", actions)
	}
	b.do("filter by action", chromedp.SendKeys(chromedp.CSS(`.admin-filters input[name="action"]`), "admin.create"))
	b.clickAndLoad(`.admin-filters button[type="submit"]`)
	actors := browserEval[[]string](b, `[...document.querySelectorAll("#audit-log tbody tr td:nth-child(2)")].map(td => td.textContent)`)
	if strings.Join(actors, ",") != "setup" {
		t.Errorf("admin.create rows by %v, want one by setup", actors)
	}

	b.clickAndLoad(`.admin-signout button`)
	b.do("wait for the sign-in form", chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/signin"]`)))
	// Signed out, the audit log sends the browser back to the sign-in.
	b.navigate(base + "/admin/audit")
	if loc := browserEval[string](b, `location.pathname + location.search`); loc != "/admin/signin?next=%2Fadmin%2Faudit" {
		t.Errorf("after sign-out /admin/audit leads to %s", loc)
	}
}
