package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
)

const (
	voterCookieName = "arena_voter"
	voterKey        = "voter"
)

// voterCookie identifies the anonymous voter by an unguessable id (its
// first second, then 96 random bits: see models.IDAt) in a cookie signed
// with the server secret; a missing or forged cookie gets a new id.
// The cookie is only set on responses, never trusted unsigned.
func (s *Server) voterCookie(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, ok := "", false
		if ck, err := c.Cookie(voterCookieName); err == nil {
			id, ok = s.verifyVoter(ck.Value)
		}
		if !ok {
			id = arena.NewIDAt(time.Now())
			c.SetCookie(&http.Cookie{
				Name: voterCookieName, Value: id + "." + s.sign("voter:"+id), Path: "/",
				MaxAge: int((365 * 24 * time.Hour).Seconds()), HttpOnly: true,
				SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || c.IsTLS(),
			})
		}
		c.Set(voterKey, id)
		return next(c)
	}
}

func (s *Server) verifyVoter(v string) (string, bool) {
	id, sig, ok := strings.Cut(v, ".")
	if !ok || len(id) != 32 {
		return "", false
	}
	return id, hmac.Equal([]byte(sig), []byte(s.sign("voter:"+id)))
}

func (s *Server) sign(msg string) string {
	m := hmac.New(sha256.New, s.cfg.Secret)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// ipHash is the keyed hash of the client address: enough to see many voter
// ids behind one address, never the address itself.
func (s *Server) ipHash(c echo.Context) string {
	return s.sign("ip:" + c.RealIP())[:32]
}

func voterID(c echo.Context) string {
	id, _ := c.Get(voterKey).(string)
	return id
}
