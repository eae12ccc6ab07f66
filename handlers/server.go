// Package handlers is the arena's HTTP layer: it binds and validates requests,
// calls the arena, and renders views or JSON. All routes are in routes.go.
package handlers

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/static"
	"openarena.dev/arena/views"
)

// Config is the HTTP layer's share of the arena's configuration.
type Config struct {
	// Secret keys the voter cookie signature and the address hashes.
	Secret []byte
	// RateLimit is battle and vote requests per minute per voter; each
	// address gets AddressFactor times as many (many voters share NATs).
	// 0 turns limiting off.
	RateLimit     int
	AddressFactor int
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// Empty means the connection's own address is the client's.
	TrustedProxies []*net.IPNet
	// BodyLimit caps request bodies, e.g. "64K".
	BodyLimit string
	// SecureCookies marks cookies Secure (set when served over TLS).
	SecureCookies bool
	// Requests, when set, hears every answered request by route.
	Requests RequestObserver
	// Metrics is served at GET /metrics to requests bearing MetricsToken
	// ("Authorization: Bearer …"); without both, /metrics is not served
	// on this address (it may be on a separate one, see cmd/arena).
	Metrics      http.Handler
	MetricsToken string
}

// Server holds what the handlers share.
type Server struct {
	cfg    Config
	arena  *arena.Arena
	assets *static.Assets
	log    *slog.Logger
	admin  adminAuth
	charts chartsCache
	// boards holds recently rendered leaderboard views.
	boards boardCache
}

// New builds the Echo instance with every route and middleware.
func New(cfg Config, a *arena.Arena, log *slog.Logger) (*echo.Echo, error) {
	assets, err := static.New(map[string][]byte{"highlight.css": []byte(views.HighlightCSS())})
	if err != nil {
		return nil, err
	}
	if cfg.AddressFactor == 0 {
		cfg.AddressFactor = 5
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "64K"
	}
	s := &Server{cfg: cfg, arena: a, assets: assets, log: log}
	s.admin = newAdminAuth(cfg, a.Accounts())
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	s.routes(e)
	return e, nil
}

// ipExtractor is set explicitly: Echo v4 would otherwise believe any
// client's X-Forwarded-For.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// meta fills the page frame, with the demo banner while the demo is on.
func (s *Server) meta(c echo.Context, title, nav string) views.Meta {
	return views.Meta{Title: title, Nav: nav, CSSURL: s.assets.URL("app.css"), HighlightURL: s.assets.URL("highlight.css"), JSURL: s.assets.URL("app.js"),
		Demo: s.demoBanner(c), PromptMax: s.arena.PromptMaxChars()}
}

// demoBanner says that the bots are demo bots and how to add a real
// model. While no admin exists it points at the first-run setup; the link
// carries the setup secret, so it is given only to a request whose own
// connection comes from this machine (never to one that merely claims to
// in a forwarded header), and everyone else is told where to find it.
func (s *Server) demoBanner(c echo.Context) *views.DemoBanner {
	d, err := s.arena.Demo(c.Request().Context())
	if err != nil {
		s.log.Warn("reading the demo state failed", "err", err)
		return nil
	}
	if !d.On {
		return nil
	}
	b := &views.DemoBanner{NoAdmin: d.SetupToken != ""}
	if b.NoAdmin && loopbackPeer(c.Request().RemoteAddr) {
		b.SetupURL = "/admin/setup?token=" + url.QueryEscape(d.SetupToken)
	}
	return b
}

// loopbackPeer reports whether a connection's remote address (host:port)
// is on this machine.
func loopbackPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
