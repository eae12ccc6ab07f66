package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Mode is the kind of server under load: it fixes the two paths used.
type Mode string

// The two kinds of server arenaload knows.
const (
	// ModeArena is the arena's JSON API.
	ModeArena Mode = "arena"
	// ModeBaseline is cmd/votebaseline, the bare net/http + pgx handler.
	ModeBaseline Mode = "baseline"
	// ModeLive is the arena's live battles: start, then read the stream.
	ModeLive Mode = "live"
)

// createPath is where a new battle is made (no body, a fresh voter each time).
func (m Mode) createPath() string {
	if m == ModeBaseline {
		return "/battles"
	}
	return "/api/v1/battles"
}

// votePath is where the vote on battle id is sent.
func (m Mode) votePath(id string) string {
	if m == ModeBaseline {
		return "/vote/" + url.PathEscape(id)
	}
	return "/api/v1/battles/" + url.PathEscape(id) + "/vote"
}

func parseMode(s string) (Mode, error) {
	switch Mode(s) {
	case ModeArena, ModeBaseline, ModeLive:
		return Mode(s), nil
	}
	return "", fmt.Errorf("-mode must be arena, baseline or live, not %q", s)
}

// parseBaseURL accepts only http URLs whose host is a loopback address (or
// localhost resolving only to loopback): the generator is a benchmark tool,
// not something to point at other people's servers.
func parseBaseURL(ctx context.Context, raw string, resolver *net.Resolver) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("-url %q: scheme must be http or https", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("-url %q: give only scheme, host, port and path", raw)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("-url %q has no host", raw)
	}
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("-url %q: %s is not a loopback address; arenaload only loads servers on this machine", raw, host)
		}
	} else {
		if !strings.EqualFold(host, "localhost") {
			return nil, fmt.Errorf("-url %q: host must be a loopback address or localhost", raw)
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		addrs, err := resolver.LookupIPAddr(rctx, host)
		if err != nil {
			return nil, fmt.Errorf("-url %q: %w", raw, err)
		}
		for _, a := range addrs {
			if !a.IP.IsLoopback() {
				return nil, fmt.Errorf("-url %q: localhost resolves to %s, which is not loopback", raw, a.IP)
			}
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// newClient returns a client that keeps at least conns idle connections to
// the one host, ignores proxy settings, never follows redirects (so no
// request can leave the given URL) and gives up on a request after timeout.
func newClient(conns int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns + 16,
		MaxIdleConnsPerHost: conns + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return errors.New("arenaload does not follow redirects")
		},
	}
}
