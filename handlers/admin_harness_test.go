package handlers_test

import (
	"cmp"
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// testAdminPassword is the password signInAdmin gives its admins.
const testAdminPassword = "plum-tree-harbour-42"

// sameOrigin marks every request as coming from the arena's own pages, as a
// browser would, unless the test set Sec-Fetch-Site itself.
type sameOrigin struct{ next http.RoundTripper }

func (s sameOrigin) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("Sec-Fetch-Site") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return s.next.RoundTrip(r)
}

// signInAdmin creates an admin in e.store and returns a browser (cookie
// jar, no redirects followed, same-origin headers) signed in as them.
func signInAdmin(t *testing.T, e *env) *http.Client {
	t.Helper()
	name := "admin-" + strings.ToLower(rand.Text()[:8])
	if _, err := e.arena.Accounts().CreateAdmin(t.Context(), "test", name, testAdminPassword); err != nil {
		t.Fatalf("create admin: %v", err)
	}
	c := e.client()
	c.Transport = sameOrigin{cmp.Or(e.transport, http.DefaultTransport)}
	form := url.Values{"username": {name}, "password": {testAdminPassword}}
	r := e.do(c, "POST", "/admin/signin", "application/x-www-form-urlencoded", form.Encode())
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin" {
		t.Fatalf("sign-in = %d to %q, want 303 to /admin: %s", r.status, r.header.Get("Location"), r.body)
	}
	return c
}
