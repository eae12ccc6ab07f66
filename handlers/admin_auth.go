package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/accounts"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// errNotAdmin refuses a request that is not signed in as an admin.
func errNotAdmin() error {
	return fault.New(fault.Unauthenticated, "Sign in as an admin to see this.")
}

// requireAdmin lets through only requests whose session belongs to an
// existing admin. Others are sent to the sign-in page when they are a
// browser asking for a page, and refused with 401 otherwise (the JSON API,
// forms). The admin's name is then available through adminName.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return s.withSession(func(c echo.Context) error {
		ctx := c.Request().Context()
		sm := s.admin.sessions
		id := sm.GetInt(ctx, sessionAdminID)
		if id > 0 {
			ad, err := s.arena.Accounts().Admin(ctx, uint(id))
			switch {
			case err == nil:
				c.Set(adminKey, ad.Username)
				c.Response().Header().Set("Cache-Control", "no-store")
				return next(c)
			case !errors.Is(err, models.ErrNotFound):
				return err
			}
			// The admin was removed: the session is worth nothing now.
			if err := sm.Destroy(ctx); err != nil {
				return err
			}
		}
		r := c.Request()
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, "/api/") {
			return c.Redirect(http.StatusSeeOther, "/admin/signin?next="+url.QueryEscape(r.URL.RequestURI()))
		}
		return errNotAdmin()
	})
}

// adminName is the username of the admin making the request, set by
// requireAdmin; empty outside it.
func adminName(c echo.Context) string {
	n, _ := c.Get(adminKey).(string)
	return n
}

// safeNext keeps a post-sign-in destination only when it is an admin page of
// this site, so the sign-in form cannot be used to redirect elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(next, "//") ||
		(u.Path != "/admin" && !strings.HasPrefix(u.Path, "/admin/")) ||
		strings.HasPrefix(u.Path, "/admin/signin") || strings.HasPrefix(u.Path, "/admin/signout") {
		return "/admin"
	}
	return u.RequestURI()
}

// adminSignInPage shows the sign-in form, or goes on to the admin pages when
// already signed in.
func (s *Server) adminSignInPage(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if s.admin.sessions.GetInt(c.Request().Context(), sessionAdminID) > 0 {
		return c.Redirect(http.StatusSeeOther, next)
	}
	return render(c, http.StatusOK, views.SignInPage(s.meta(c, "Admin sign-in", "admin"), views.SignInView{Next: next}))
}

// adminSignIn checks the credentials, throttled per account and keyed
// address, and starts a session under a fresh token.
func (s *Server) adminSignIn(c echo.Context) error {
	ctx := c.Request().Context()
	username := strings.TrimSpace(c.FormValue("username"))
	v := views.SignInView{Username: username, Next: safeNext(c.FormValue("next"))}
	ad, err := s.arena.Accounts().SignIn(ctx, username, c.FormValue("password"), s.ipHash(c))
	switch fault.KindOf(err) {
	case fault.Throttled, fault.Unauthenticated:
		// Refused sign-ins show the form again, with the reason.
		status, msg := statusOf(err)
		setRetryAfter(c, err)
		v.Error = msg
		return render(c, status, views.SignInPage(s.meta(c, "Admin sign-in", "admin"), v))
	}
	if err != nil {
		return err
	}
	if err := s.beginSession(c, int(ad.ID), ad.Username); err != nil {
		return err
	}
	// Sign-ins are rare, so they are when expired sessions are swept.
	if _, err := s.arena.Accounts().DeleteExpiredSessions(ctx, time.Now().UTC()); err != nil {
		s.log.WarnContext(ctx, "delete expired admin sessions", "error", err.Error())
	}
	return c.Redirect(http.StatusSeeOther, v.Next)
}

// adminSignOut ends the session and records it.
func (s *Server) adminSignOut(c echo.Context) error {
	ctx := c.Request().Context()
	name := adminName(c)
	if err := s.admin.sessions.Destroy(ctx); err != nil {
		return err
	}
	if err := s.arena.Audit(ctx, name, "admin.signout", name, nil, nil); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/signin")
}

// adminSetupPage shows the first-run form when the token is the current one.
func (s *Server) adminSetupPage(c echo.Context) error {
	token := c.QueryParam("token")
	open, err := s.arena.Accounts().SetupOpen(c.Request().Context(), token)
	if err != nil {
		return err
	}
	if !open {
		return accounts.ErrSetupClosed
	}
	return render(c, http.StatusOK, views.SetupPage(s.meta(c, "Create the first admin", "admin"), setupView(token, "", "")))
}

// adminSetup creates the first admin with the setup token and signs them in.
func (s *Server) adminSetup(c echo.Context) error {
	ctx := c.Request().Context()
	token, username := c.FormValue("token"), strings.TrimSpace(c.FormValue("username"))
	ad, err := s.arena.Accounts().CreateFirstAdmin(ctx, token, username, c.FormValue("password"))
	if fault.Is(err, fault.Invalid) {
		return render(c, http.StatusBadRequest, views.SetupPage(s.meta(c, "Create the first admin", "admin"), setupView(token, username, err.Error())))
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "first admin created", "admin", ad.Username)
	// The new admin has just typed the password: signed in at once, and
	// told so on the dashboard.
	if err := s.beginSession(c, int(ad.ID), ad.Username); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin?welcome=1")
}

// beginSession signs the admin in on this browser.
func (s *Server) beginSession(c echo.Context, id int, name string) error {
	ctx := c.Request().Context()
	sm := s.admin.sessions
	// A fresh token at sign-in: a token planted before cannot be ridden.
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionAdminID, id)
	sm.Put(ctx, sessionAdminName, name)
	// Save now rather than as the header goes out, so a failure to store
	// the session is an error instead of a sign-in that silently did not
	// stick.
	token, expiry, err := sm.Commit(ctx)
	if err != nil {
		return err
	}
	sm.WriteSessionCookie(ctx, c.Response().Writer, token, expiry)
	c.Set(sessionSavedKey, true)
	return nil
}

func setupView(token, username, msg string) views.SetupView {
	return views.SetupView{Token: token, Username: username, Error: msg, MinBytes: accounts.MinPasswordBytes, MaxBytes: accounts.MaxPasswordBytes}
}
