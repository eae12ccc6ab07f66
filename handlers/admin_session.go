package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
)

// Admin session timeouts: idle sessions end after an hour, all sessions
// after twelve, whatever the activity.
const (
	adminIdleTimeout = time.Hour
	adminLifetime    = 12 * time.Hour
	adminCookieName  = "arena_admin"
)

// Session keys.
const (
	sessionAdminID   = "admin_id"
	sessionAdminName = "admin"
	adminKey         = "admin"
	// sessionSavedKey marks a request whose handler saved the session
	// itself, so it is not saved twice.
	sessionSavedKey = "admin_session_saved"
)

// adminAuth holds the admin sessions.
type adminAuth struct {
	sessions *scs.SessionManager
}

func newAdminAuth(cfg Config, store sessionBackend) adminAuth {
	sm := scs.New()
	sm.Store = sessionStore{store}
	sm.IdleTimeout = adminIdleTimeout
	sm.Lifetime = adminLifetime
	// Only a hash of the token is stored, so reading the table does not
	// hand out live sessions.
	sm.HashTokenInStore = true
	sm.Cookie.Name = adminCookieName
	sm.Cookie.Path = "/"
	sm.Cookie.HttpOnly = true
	// Lax still sends the cookie when an admin follows a link to /admin;
	// cross-site POSTs are refused by crossOriginProtection anyway.
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	// A session cookie (no Max-Age): closing the browser ends it too.
	sm.Cookie.Persist = false
	return adminAuth{sessions: sm}
}

// sessionStore keeps scs sessions in the arena's database, so that every
// replica sees them and a restart keeps them.
type sessionStore struct{ store sessionBackend }

// sessionBackend is where admin sessions are kept (the accounts).
type sessionBackend interface {
	Session(ctx context.Context, token string, now time.Time) ([]byte, bool, error)
	SaveSession(ctx context.Context, token string, b []byte, expiry time.Time) error
	DeleteSession(ctx context.Context, token string) error
}

var _ scs.CtxStore = sessionStore{}

// FindCtx returns the unexpired session data under token.
func (s sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	return s.store.Session(ctx, token, time.Now().UTC())
}

// CommitCtx stores the session data under token until expiry.
func (s sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.store.SaveSession(ctx, token, b, expiry.UTC())
}

// DeleteCtx removes the session under token.
func (s sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, token)
}

// Find is FindCtx without a context, for scs.Store.
func (s sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context, for scs.Store.
func (s sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context, for scs.Store.
func (s sessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// withSession loads the admin session into the request context and saves
// it, with its cookie, just before the response header is written (as
// scs.LoadAndSave does, but inside Echo so the one error handler still
// writes the errors). Visitors without a session cookie cost no query.
func (s *Server) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sm := s.admin.sessions
		token := ""
		if ck, err := c.Cookie(sm.Cookie.Name); err == nil {
			token = ck.Value
		}
		ctx, err := sm.Load(c.Request().Context(), token)
		if err != nil {
			return err
		}
		c.SetRequest(c.Request().WithContext(ctx))
		c.Response().Header().Add("Vary", "Cookie")
		c.Response().Before(func() {
			if saved, _ := c.Get(sessionSavedKey).(bool); saved {
				return
			}
			ctx := c.Request().Context()
			switch sm.Status(ctx) {
			case scs.Modified:
				token, expiry, err := sm.Commit(ctx)
				if err != nil {
					s.log.ErrorContext(ctx, "save admin session", "error", err.Error())
					return
				}
				sm.WriteSessionCookie(ctx, c.Response().Writer, token, expiry)
			case scs.Destroyed:
				sm.WriteSessionCookie(ctx, c.Response().Writer, "", time.Time{})
			}
		})
		return next(c)
	}
}
