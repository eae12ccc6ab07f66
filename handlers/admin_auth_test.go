package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestAdminSignInReachesDashboard(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect, handlers.Config{})
			anon := e.do(e.client(), "GET", "/admin", "", "")
			if anon.status != http.StatusSeeOther || !strings.HasPrefix(anon.header.Get("Location"), "/admin/signin") {
				t.Fatalf("anonymous GET /admin = %d to %q, want 303 to the sign-in page", anon.status, anon.header.Get("Location"))
			}
			admin := signInAdmin(t, e)
			r := e.do(admin, "GET", "/admin", "", "")
			if r.status != http.StatusOK || !strings.Contains(r.body, `id="admin-greeting"`) {
				t.Fatalf("signed-in GET /admin = %d: %s", r.status, r.body)
			}
			entries, _, err := e.store.AuditEntries(t.Context(), models.AuditFilter{Action: "admin.signin"})
			if err != nil || len(entries) != 1 {
				t.Fatalf("sign-in audit entries = %v, %v; want one", entries, err)
			}
		})
	}
}
