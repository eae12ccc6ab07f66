package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"openarena.dev/arena/handlers"
)

func TestCrossSiteVoteRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	voter := e.client()
	_, b := e.startBattle(voter)
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Origin", "https://evil.example"},
	} {
		r := e.do(voter, "POST", "/battles/"+b.ID+"/vote", "application/x-www-form-urlencoded", "winner=model_a", h...)
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site form post with %s = %d, want 403", h[0], r.status)
		}
	}
	if total, _, _ := e.store.CountVotes(t.Context()); total != 0 {
		t.Fatalf("a cross-site post stored %d votes", total)
	}
	same := e.do(voter, "POST", "/battles/"+b.ID+"/vote", "application/x-www-form-urlencoded", "winner=model_a", "Sec-Fetch-Site", "same-origin")
	if same.status != http.StatusSeeOther {
		t.Errorf("same-origin form post = %d, want 303", same.status)
	}
}

func TestSecurityHeadersAndHealth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	c := e.client()
	page := e.do(c, "GET", "/", "", "")
	csp := page.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if strings.Contains(page.body, "<script>") || strings.Contains(page.body, " onclick=") {
		t.Errorf("page has inline script")
	}
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if page.header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	var cookie string
	for _, sc := range page.header.Values("Set-Cookie") {
		if strings.HasPrefix(sc, "arena_voter=") {
			cookie = sc
		}
	}
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("voter cookie %q is not HttpOnly and SameSite", cookie)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/nope": 404} {
		if r := e.do(c, "GET", path, "", ""); r.status != want {
			t.Errorf("GET %s = %d, want %d", path, r.status, want)
		}
	}
}

func TestForgedVoterCookieGetsNewIdentity(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	owner := e.client()
	_, b := e.startBattle(owner)
	forger := e.client()
	r := e.do(forger, "POST", "/api/v1/battles/"+b.ID+"/vote", "application/json", `{"winner":"tie"}`,
		"Cookie", "arena_voter=00000000000000000000000000000000.deadbeef")
	if r.status != http.StatusNotFound {
		t.Errorf("vote with a forged cookie = %d, want 404", r.status)
	}
}

func TestRateLimitAndBodyLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{RateLimit: 20})
	c := e.client()
	limited := false
	for range 30 {
		if r, _ := e.startBattle(c); r.status == http.StatusTooManyRequests {
			limited = true
			if !strings.Contains(r.body, "slow down") {
				t.Errorf("429 without a message: %s", r.body)
			}
			break
		}
	}
	if !limited {
		t.Errorf("30 quick battle requests were never limited at 20 a minute")
	}
	big := `{"winner":"` + strings.Repeat("x", 100<<10) + `"}`
	if r := e.do(e.client(), "POST", "/api/v1/battles/x/vote", "application/json", big); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("100 KiB body = %d, want 413", r.status)
	}
}

func TestTrustedProxyAddress(t *testing.T) {
	t.Parallel()
	// Without trusted proxies, X-Forwarded-For must not change the address:
	// a spoofed header would otherwise dodge the per-address limit.
	e := newEnv(t, "sqlite", handlers.Config{RateLimit: 1, AddressFactor: 1})
	limited := false
	for i := range 20 {
		r := e.do(e.client(), "POST", "/api/v1/battles", "application/json", "", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		if r.status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("new voters from one address were never limited")
	}
}
