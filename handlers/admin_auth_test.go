package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/accounts"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// openAdminRoutes are the only admin routes anyone may reach.
var openAdminRoutes = map[string]bool{
	"GET /admin/signin": true, "POST /admin/signin": true,
	"GET /admin/setup": true, "POST /admin/setup": true,
}

// adminRoutes walks every route registered under /admin and /api/v1/admin,
// so routes added by other areas are covered as soon as they exist.
func adminRoutes(t *testing.T, e *env) []*echo.Route {
	t.Helper()
	ech, err := handlers.New(handlers.Config{Secret: []byte("test-secret-0123456789")}, e.arena, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var out []*echo.Route
	for _, r := range ech.Routes() {
		if r.Method == echo.RouteNotFound || openAdminRoutes[r.Method+" "+r.Path] {
			continue
		}
		if r.Path == "/admin" || strings.HasPrefix(r.Path, "/admin/") || r.Path == "/api/v1/admin" || strings.HasPrefix(r.Path, "/api/v1/admin/") {
			out = append(out, r)
		}
	}
	return out
}

var routeParam = regexp.MustCompile(`:[^/]+|\*`)

func TestAdminRoutesRefuseOthers(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{})
			routes := adminRoutes(t, e)
			if len(routes) < 4 {
				t.Fatalf("found only %d admin routes; the walk is broken", len(routes))
			}
			t.Logf("walking %d admin routes", len(routes))
			voter := e.client()
			e.do(voter, "GET", "/", "", "")
			if len(voter.Jar.Cookies(mustURL(t, e.srv.URL))) == 0 {
				t.Fatal("the voter got no cookie")
			}
			// A voter who planted a made-up admin cookie is no better off.
			forger := e.client()
			forger.Jar.SetCookies(mustURL(t, e.srv.URL), []*http.Cookie{{Name: "arena_admin", Value: "forged-session-token-000000000000000000000"}})
			before := auditCount(t, e)
			for who, c := range map[string]*http.Client{"anonymous": e.client(), "voter": voter, "forged cookie": forger} {
				for _, r := range routes {
					path := routeParam.ReplaceAllString(r.Path, "1")
					got := e.do(c, r.Method, path, "application/x-www-form-urlencoded", "x=1", "Sec-Fetch-Site", "same-origin")
					page := (r.Method == "GET" || r.Method == "HEAD") && !strings.HasPrefix(path, "/api/")
					switch {
					case page && (got.status != http.StatusSeeOther || !strings.HasPrefix(got.header.Get("Location"), "/admin/signin?next=")):
						t.Errorf("%s %s %s = %d to %q, want 303 to the sign-in page", who, r.Method, path, got.status, got.header.Get("Location"))
					case !page && got.status != http.StatusUnauthorized:
						t.Errorf("%s %s %s = %d, want 401", who, r.Method, path, got.status)
					case !page && strings.HasPrefix(path, "/api/") && !strings.Contains(got.body, `"error"`):
						t.Errorf("%s %s %s: body %q is not a JSON error", who, r.Method, path, got.body)
					}
				}
			}
			if after := auditCount(t, e); after != before {
				t.Errorf("refused requests changed the audit log from %d to %d entries", before, after)
			}
			// The same walk signed in reaches the handlers.
			admin := signInAdmin(t, e)
			for _, path := range []string{"/admin", "/admin/audit", "/api/v1/admin/audit"} {
				if got := e.do(admin, "GET", path, "", ""); got.status != http.StatusOK {
					t.Errorf("admin GET %s = %d: %s", path, got.status, got.body)
				}
			}
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func auditCount(t *testing.T, e *env) int64 {
	t.Helper()
	_, n, err := e.store.AuditEntries(t.Context(), models.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// signIn posts the sign-in form from the address (via X-Forwarded-For from
// a trusted proxy).
func signIn(e *env, c *http.Client, addr, username, password string) reply {
	form := url.Values{"username": {username}, "password": {password}}
	return e.do(c, "POST", "/admin/signin", "application/x-www-form-urlencoded", form.Encode(),
		"Sec-Fetch-Site", "same-origin", "X-Forwarded-For", addr)
}

func trustLoopback() handlers.Config {
	_, lo, _ := net.ParseCIDR("127.0.0.0/8")
	return handlers.Config{TrustedProxies: []*net.IPNet{lo}}
}

func TestAdminSignInThrottled(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, trustLoopback())
			for _, n := range []string{"ana", "bob", "cy"} {
				if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", n, testAdminPassword); err != nil {
					t.Fatal(err)
				}
			}
			c := e.client()

			// Unknown user and wrong password are answered alike.
			unknown := signIn(e, c, "10.9.9.1", "nobody", testAdminPassword)
			wrong := signIn(e, c, "10.9.9.2", "bob", "wrong-password-1")
			if unknown.status != http.StatusUnauthorized || wrong.status != unknown.status || errorText(wrong.body) != errorText(unknown.body) || errorText(wrong.body) == "" {
				t.Errorf("unknown user = %d %q, wrong password = %d %q; want the same 401 message",
					unknown.status, errorText(unknown.body), wrong.status, errorText(wrong.body))
			}

			// Per account: five failures from five addresses lock ana out,
			// even with the right password from a sixth address.
			for i := range accounts.SignInMaxFailures {
				if r := signIn(e, c, fmt.Sprintf("10.0.0.%d", i+1), "ana", "wrong-password-1"); r.status != http.StatusUnauthorized {
					t.Fatalf("failure %d = %d", i+1, r.status)
				}
			}
			r := signIn(e, c, "10.0.0.99", "ana", testAdminPassword)
			if r.status != http.StatusTooManyRequests || !strings.Contains(errorText(r.body), "Too many failed sign-ins") || r.header.Get("Retry-After") == "" {
				t.Errorf("ana after %d failures = %d %q (Retry-After %q), want 429 with a message", accounts.SignInMaxFailures, r.status, errorText(r.body), r.header.Get("Retry-After"))
			}
			if setCookie(r, "arena_admin") != "" {
				t.Error("a throttled sign-in set a session cookie")
			}

			// Per address: five failures on made-up names from one address
			// lock that address out, not another.
			for i := range accounts.SignInMaxFailures {
				signIn(e, c, "10.1.1.1", fmt.Sprintf("ghost%d", i), "wrong-password-1")
			}
			if r := signIn(e, c, "10.1.1.1", "bob", testAdminPassword); r.status != http.StatusTooManyRequests {
				t.Errorf("bob from the throttled address = %d, want 429", r.status)
			}
			if r := signIn(e, e.client(), "10.1.1.2", "bob", testAdminPassword); r.status != http.StatusSeeOther {
				t.Errorf("bob from another address = %d, want 303: %s", r.status, errorText(r.body))
			}

			// A success resets the count: 4 + 4 failures with a success
			// between them never reach the limit.
			for round := range 2 {
				for i := range accounts.SignInMaxFailures - 1 {
					signIn(e, c, fmt.Sprintf("10.2.%d.%d", round, i), "cy", "wrong-password-1")
				}
				if r := signIn(e, e.client(), "10.2.9.9", "cy", testAdminPassword); r.status != http.StatusSeeOther {
					t.Fatalf("cy round %d = %d %q, want 303 (a success resets the count)", round, r.status, errorText(r.body))
				}
			}
		})
	}
}

var formError = regexp.MustCompile(`(?s)<p class="form-error"[^>]*>(.*?)</p>`)

// errorText is the message of a refused form.
func errorText(body string) string {
	if m := formError.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func adminCookie(t *testing.T, e *env, c *http.Client) string {
	t.Helper()
	for _, ck := range c.Jar.Cookies(mustURL(t, e.srv.URL)) {
		if ck.Name == "arena_admin" {
			return ck.Value
		}
	}
	return ""
}

// withCookie is a fresh browser holding only the admin cookie value.
func withCookie(t *testing.T, e *env, value string) *http.Client {
	c := e.client()
	c.Jar.SetCookies(mustURL(t, e.srv.URL), []*http.Cookie{{Name: "arena_admin", Value: value}})
	return c
}

func TestAdminSessionRenewedAtSignIn(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{SecureCookies: true})
			if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", "ana", testAdminPassword); err != nil {
				t.Fatal(err)
			}
			// A token planted in the browser before sign-in is not kept.
			planted := "planted-by-an-attacker-0000000000000000000"
			c := withCookie(t, e, planted)
			r := signIn(e, c, "", "Ana", testAdminPassword) // usernames ignore case
			if r.status != http.StatusSeeOther {
				t.Fatalf("sign-in = %d", r.status)
			}
			if n := strings.Count(strings.Join(r.header.Values("Set-Cookie"), "\n"), "arena_admin="); n != 1 {
				t.Errorf("sign-in set the session cookie %d times, want once", n)
			}
			set := setCookie(r, "arena_admin")
			for _, want := range []string{"HttpOnly", "SameSite=Lax", "Secure", "Path=/"} {
				if !strings.Contains(set, want) {
					t.Errorf("session cookie %q lacks %s", set, want)
				}
			}
			first := adminCookie(t, e, c)
			if first == "" || first == planted {
				t.Fatalf("session cookie after sign-in = %q, want a new value", first)
			}
			if got := e.do(withCookie(t, e, planted), "GET", "/admin", "", ""); got.status != http.StatusSeeOther {
				t.Errorf("the planted token opens /admin: %d", got.status)
			}
			// Signing in again in the same browser renews the token and
			// ends the old one.
			signIn(e, c, "", "ana", testAdminPassword)
			second := adminCookie(t, e, c)
			if second == "" || second == first {
				t.Fatalf("second sign-in kept the token %q", second)
			}
			if got := e.do(withCookie(t, e, first), "GET", "/admin", "", ""); got.status != http.StatusSeeOther {
				t.Errorf("the token from before the second sign-in still opens /admin: %d", got.status)
			}
			if got := e.do(withCookie(t, e, second), "GET", "/admin", "", ""); got.status != http.StatusOK {
				t.Errorf("the current token does not open /admin: %d", got.status)
			}
			// The session expires after an hour without use: sweeping as of
			// 59 minutes from now keeps it, as of 61 minutes removes it.
			if n, err := e.store.DeleteExpiredSessions(t.Context(), time.Now().Add(59*time.Minute)); err != nil || n != 0 {
				t.Errorf("sweep at +59m removed %d sessions (%v), want 0", n, err)
			}
			if n, err := e.store.DeleteExpiredSessions(t.Context(), time.Now().Add(61*time.Minute)); err != nil || n != 1 {
				t.Errorf("sweep at +61m removed %d sessions (%v), want 1 (idle timeout one hour)", n, err)
			}
			if got := e.do(withCookie(t, e, second), "GET", "/admin", "", ""); got.status != http.StatusSeeOther {
				t.Errorf("an expired session still opens /admin: %d", got.status)
			}
		})
	}
}

func TestAdminSignOut(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{})
			admin := signInAdmin(t, e)
			token := adminCookie(t, e, admin)
			r := e.do(admin, "POST", "/admin/signout", "application/x-www-form-urlencoded", "")
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/signin" {
				t.Fatalf("sign-out = %d to %q", r.status, r.header.Get("Location"))
			}
			if set := setCookie(r, "arena_admin"); !strings.HasPrefix(set, "arena_admin=;") || !strings.Contains(set, "Max-Age=0") {
				t.Errorf("sign-out did not clear the cookie: %q", set)
			}
			// The token is dead on the server, not only in this browser.
			if got := e.do(withCookie(t, e, token), "GET", "/admin", "", ""); got.status != http.StatusSeeOther {
				t.Errorf("the signed-out token still opens /admin: %d", got.status)
			}
			entries, _, err := e.store.AuditEntries(t.Context(), models.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, en := range entries {
				actions = append(actions, en.Action+" by "+en.Actor)
			}
			name := entries[0].Actor
			want := []string{"admin.signout by " + name, "admin.signin by " + name, "admin.create by test"}
			if diff := cmp.Diff(want, actions); diff != "" {
				t.Errorf("audit log (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdminCrossSiteRefused(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{})
			admin := signInAdmin(t, e)
			before := auditCount(t, e)
			// Without the same-origin header the helper adds, as an older
			// browser that only sends Origin would.
			raw := &http.Client{Jar: admin.Jar, CheckRedirect: admin.CheckRedirect}
			for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
				if r := e.do(raw, "POST", "/admin/signout", "application/x-www-form-urlencoded", "", h...); r.status != http.StatusForbidden {
					t.Errorf("cross-site sign-out with %s = %d, want 403", h[0], r.status)
				}
				form := url.Values{"username": {"x"}, "password": {"y"}}.Encode()
				if r := e.do(e.client(), "POST", "/admin/signin", "application/x-www-form-urlencoded", form, h...); r.status != http.StatusForbidden {
					t.Errorf("cross-site sign-in with %s = %d, want 403", h[0], r.status)
				}
			}
			if got := e.do(admin, "GET", "/admin", "", ""); got.status != http.StatusOK {
				t.Errorf("the session did not survive refused cross-site posts: %d", got.status)
			}
			if after := auditCount(t, e); after != before {
				t.Errorf("refused cross-site posts wrote %d audit entries", after-before)
			}
		})
	}
}

func TestAdminFirstRunSetup(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{})
			token, ok, err := e.arena.Accounts().SetupToken(t.Context())
			if err != nil || !ok {
				t.Fatalf("setup token: %v %v", ok, err)
			}
			c := e.client()
			if r := e.do(c, "GET", "/admin/setup?token=wrong", "", ""); r.status != http.StatusNotFound {
				t.Errorf("setup with a wrong token = %d, want 404", r.status)
			}
			if r := e.do(c, "GET", "/admin/setup?token="+token, "", ""); r.status != http.StatusOK || !strings.Contains(r.body, "Create the first admin") {
				t.Fatalf("setup page = %d", r.status)
			}
			post := func(username, password string) reply {
				form := url.Values{"token": {token}, "username": {username}, "password": {password}}
				return e.do(c, "POST", "/admin/setup", "application/x-www-form-urlencoded", form.Encode(), "Sec-Fetch-Site", "same-origin")
			}
			refused := []struct{ name, username, password, want string }{
				{"129 bytes", "ana", strings.Repeat("é", 64) + "x", "too long: use at most 128 bytes"},
				{"common", "ana", "iloveyou1", "one of the most common"},
				{"short", "ana", "abc", "too short"},
				{"same as username", "harbourmaster", "HarbourMaster", "must not be the username"},
				{"bad username", "<script>", testAdminPassword, "letters, digits"},
			}
			for _, tc := range refused {
				r := post(tc.username, tc.password)
				if r.status != http.StatusBadRequest || !strings.Contains(errorText(r.body), tc.want) {
					t.Errorf("%s: %d %q, want 400 saying %q", tc.name, r.status, errorText(r.body), tc.want)
				}
			}
			if n, _ := e.store.CountAdmins(t.Context()); n != 0 {
				t.Fatalf("refused setups created %d admins", n)
			}
			// 128 bytes of two-byte letters: exactly the limit.
			if r := post("ana", strings.Repeat("é", 64)); r.status != http.StatusSeeOther {
				t.Fatalf("setup = %d %q", r.status, errorText(r.body))
			}
			if r := post("bob", testAdminPassword); r.status != http.StatusNotFound {
				t.Errorf("second use of the token = %d, want 404", r.status)
			}
			if r := e.do(c, "GET", "/admin/setup?token="+token, "", ""); r.status != http.StatusNotFound {
				t.Errorf("setup page after an admin exists = %d, want 404", r.status)
			}
			if _, ok, _ := e.arena.Accounts().SetupToken(t.Context()); ok {
				t.Error("a setup token is still offered after an admin exists")
			}
			if r := signIn(e, c, "", "ana", strings.Repeat("é", 64)); r.status != http.StatusSeeOther {
				t.Errorf("the first admin cannot sign in: %d", r.status)
			}
		})
	}
}

func TestAdminAuditLog(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{})
			ctx := context.Background()
			base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			// 60 rejections by ana, one a day... and one contender edit by bob.
			for i := range 60 {
				err := e.store.AddAudit(ctx, &models.AuditEntry{At: base.Add(time.Duration(i) * time.Hour), Actor: "ana",
					Action: "prompt.reject", Target: fmt.Sprintf("prompt %d", i), Before: `{"status":"pending"}`, After: `{"status":"rejected"}`})
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := e.arena.Audit(ctx, "bob", "contender.update", "contender zephyrion-7b", map[string]any{"enabled": true}, map[string]any{"enabled": false}); err != nil {
				t.Fatal(err)
			}
			admin := signInAdmin(t, e)

			var list struct {
				Entries []struct {
					Actor, Action, Target string
					Before, After         json.RawMessage
				}
				Total         int64
				Offset, Limit int
			}
			get := func(q string) reply {
				t.Helper()
				r := e.do(admin, "GET", "/api/v1/admin/audit?"+q, "", "")
				list.Entries = nil
				if r.status == http.StatusOK {
					if err := json.Unmarshal([]byte(r.body), &list); err != nil {
						t.Fatal(err)
					}
				}
				return r
			}
			cases := []struct {
				query   string
				total   int64
				targets []string
			}{
				{"actor=bob", 1, []string{"contender zephyrion-7b"}},
				{"action=prompt.reject&limit=2", 60, []string{"prompt 59", "prompt 58"}},
				{"action=prompt.reject&limit=2&offset=58", 60, []string{"prompt 1", "prompt 0"}},
				{"target=PROMPT+5&actor=ana", 11, nil},
				{"target=50%25", 0, nil},
				// 2026-03-02 covers hours 12..35 of the run.
				{"from=2026-03-02&to=2026-03-02&action=prompt.reject", 24, nil},
				{"from=2026-03-03&action=prompt.reject&limit=1", 24, []string{"prompt 59"}},
				{"to=2026-03-01&limit=1", 12, []string{"prompt 11"}},
			}
			for _, tc := range cases {
				if r := get(tc.query); r.status != http.StatusOK {
					t.Errorf("%s = %d %s", tc.query, r.status, r.body)
					continue
				}
				var targets []string
				for _, en := range list.Entries {
					targets = append(targets, en.Target)
				}
				if list.Total != tc.total || (tc.targets != nil && !cmp.Equal(targets, tc.targets)) {
					t.Errorf("%s: total %d targets %v, want %d %v", tc.query, list.Total, targets, tc.total, tc.targets)
				}
			}
			get("actor=bob")
			if len(list.Entries) != 1 || string(list.Entries[0].Before) != `{"enabled":true}` || string(list.Entries[0].After) != `{"enabled":false}` {
				t.Errorf("before/after of bob's edit = %+v", list.Entries)
			}
			for _, q := range []string{"from=yesterday", "limit=0", "limit=501", "offset=-1", "from=2026-03-05&to=2026-03-01"} {
				if r := get(q); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"error"`) {
					t.Errorf("%s = %d %s, want 400 with a message", q, r.status, r.body)
				}
			}

			// The page: newest first, 50 a page, filters kept in the pager.
			page := e.do(admin, "GET", "/admin/audit?actor=ana", "", "")
			if page.status != http.StatusOK || strings.Count(page.body, "<tr>") != 51 || !strings.Contains(page.body, "prompt 59") || strings.Contains(page.body, ">prompt 9<") {
				t.Errorf("audit page 1 = %d with %d rows", page.status, strings.Count(page.body, "<tr>"))
			}
			if !strings.Contains(page.body, `href="/admin/audit?actor=ana&amp;page=2"`) {
				t.Errorf("page 1 has no link to page 2 keeping the filter")
			}
			page2 := e.do(admin, "GET", "/admin/audit?actor=ana&page=2", "", "")
			if strings.Count(page2.body, "<tr>") != 11 || !strings.Contains(page2.body, ">prompt 0<") {
				t.Errorf("audit page 2 has %d rows", strings.Count(page2.body, "<tr>"))
			}
			if r := e.do(admin, "GET", "/admin/audit?from=31/12/2026", "", ""); r.status != http.StatusBadRequest || !strings.Contains(r.body, "must be a date like") {
				t.Errorf("bad date on the page = %d", r.status)
			}
		})
	}
}

func TestAdminDashboardCounts(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, handlers.Config{})
			voter := e.client()
			for range 2 {
				_, b := e.startBattle(voter)
				if r, _ := e.vote(voter, b.ID, "model_a"); r.status != http.StatusOK {
					t.Fatalf("vote = %d", r.status)
				}
			}
			admin := signInAdmin(t, e)
			r := e.do(admin, "GET", "/admin", "", "")
			for id, want := range map[string]string{"votes-today": "2", "enabled-contenders": "3", "pending-prompts": "0", "excluded-votes": "0"} {
				re := regexp.MustCompile(`id="` + id + `"[^>]*>.*?<dd>(\d+)</dd>`)
				m := re.FindStringSubmatch(r.body)
				if m == nil || m[1] != want {
					t.Errorf("%s = %v, want %s", id, m, want)
				}
			}
		})
	}
}

// setCookie is the Set-Cookie line of the reply for the named cookie.
func setCookie(r reply, name string) string {
	for _, v := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v
		}
	}
	return ""
}

func TestAdminSignInNext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", "ana", testAdminPassword); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ next, want string }{
		{"", "/admin"},
		{"/admin/audit?actor=ana", "/admin/audit?actor=ana"},
		{"/leaderboard", "/admin"},
		{"//evil.example/admin", "/admin"},
		{"https://evil.example/admin", "/admin"},
		{"/admin/signin", "/admin"},
		{"/administrator", "/admin"},
	}
	for _, tc := range cases {
		form := url.Values{"username": {"ana"}, "password": {testAdminPassword}, "next": {tc.next}}
		r := e.do(e.client(), "POST", "/admin/signin", "application/x-www-form-urlencoded", form.Encode())
		if r.status != http.StatusSeeOther || r.header.Get("Location") != tc.want {
			t.Errorf("next %q: %d to %q, want 303 to %q", tc.next, r.status, r.header.Get("Location"), tc.want)
		}
	}
	// The page asked for before signing in is where the sign-in form leads.
	c := e.client()
	r := e.do(c, "GET", "/admin/audit?action=admin.signin", "", "")
	loc, _ := url.Parse(r.header.Get("Location"))
	page := e.do(c, "GET", loc.RequestURI(), "", "")
	if !strings.Contains(page.body, `name="next" value="/admin/audit?action=admin.signin"`) {
		t.Errorf("the sign-in form does not carry the page asked for: %s", loc)
	}
}

// TestAdminSignInParallelGuesses sends many wrong passwords at once: no more
// than the limit may be checked, however they interleave.
func TestAdminSignInParallelGuesses(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, dialect, trustLoopback())
			if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", "ana", testAdminPassword); err != nil {
				t.Fatal(err)
			}
			const n = 16
			statuses := make(chan int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					statuses <- signIn(e, e.client(), fmt.Sprintf("10.3.0.%d", i), "ana", fmt.Sprintf("wrong-guess-%d", i)).status
				})
			}
			wg.Wait()
			close(statuses)
			count := map[int]int{}
			for st := range statuses {
				count[st]++
			}
			if count[http.StatusUnauthorized] > accounts.SignInMaxFailures || count[http.StatusUnauthorized]+count[http.StatusTooManyRequests] != n {
				t.Errorf("%d parallel guesses answered %v; at most %d may be checked (401), the rest refused (429)", n, count, accounts.SignInMaxFailures)
			}
		})
	}
}
