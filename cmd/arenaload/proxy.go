package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync/atomic"
	"time"
)

// proxyMaxBody is the largest request body the proxy keeps to send again:
// votes and battle starts are far smaller.
const proxyMaxBody = 1 << 20

// runProxy is `arenaload proxy`: a round-robin reverse proxy in front of
// several arena replicas on loopback, for the fault test
// (docs/bench/faults.sh). Each request goes to the next backend in turn; a
// backend that refuses the connection is skipped and the request goes to
// the next one. A request that reached a backend is sent again elsewhere
// only when its method is idempotent: a vote that reached a replica killed
// mid-request may or may not be stored, so the proxy answers 502 and the
// voter decides (it sends the same vote again, which the arena answers
// idempotently).
//
//	arenaload proxy -listen 127.0.0.1:18480 -backends 127.0.0.1:18481,127.0.0.1:18482
func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("arenaload proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:18480", "loopback address to listen on")
	list := fs.String("backends", "", "comma-separated loopback host:port of the replicas")
	if err := fs.Parse(args); err != nil {
		return err
	}
	backends, err := parseBackends(ctx, *list)
	if err != nil {
		return err
	}
	if _, err := parseBaseURL(ctx, "http://"+*listen, net.DefaultResolver); err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newRoundRobin(backends, stderr), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Fprintf(stdout, "proxy on http://%s to %s\n", ln.Addr(), strings.Join(backends, ", "))
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseBackends checks that every backend is a loopback host:port.
func parseBackends(ctx context.Context, list string) ([]string, error) {
	var out []string
	for b := range strings.SplitSeq(list, ",") {
		b = strings.TrimSpace(b)
		if b == "" {
			continue
		}
		if _, err := parseBaseURL(ctx, "http://"+b, net.DefaultResolver); err != nil {
			return nil, fmt.Errorf("-backends: %w", err)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("-backends: give at least one host:port")
	}
	return out, nil
}

// newRoundRobin is the proxy's handler: httputil's reverse proxy whose
// transport picks the backend.
func newRoundRobin(backends []string, logTo io.Writer) http.Handler {
	rt := &roundRobin{backends: backends, next: &atomic.Uint64{}, base: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}}
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			// The transport sets the host; only the scheme is known here.
			r.Out.URL.Scheme, r.Out.URL.Host = "http", backends[0]
			r.SetXForwarded()
		},
		Transport: rt,
		ErrorLog:  nil,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			fmt.Fprintf(logTo, "proxy: %s %s: %v\n", r.Method, r.URL.Path, err)
			http.Error(w, "no replica answered: "+err.Error(), http.StatusBadGateway)
		},
	}
}

// roundRobin is a transport that sends each request to the next backend,
// and on to the one after while it is safe to.
type roundRobin struct {
	backends []string
	next     *atomic.Uint64
	base     http.RoundTripper
}

// RoundTrip tries the backends in turn from the next one.
func (p *roundRobin) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := bufferBody(req)
	if err != nil {
		return nil, err
	}
	start := p.next.Add(1)
	var last error
	for i := range len(p.backends) {
		out := req.Clone(req.Context())
		out.URL.Host = p.backends[(int(start)+i)%len(p.backends)]
		out.Host = out.URL.Host
		if body != nil {
			out.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := p.base.RoundTrip(out)
		if err == nil {
			return resp, nil
		}
		last = err
		if !neverReached(err) && !idempotent(req.Method) {
			return nil, err
		}
	}
	return nil, last
}

// bufferBody reads the request's body so it can be sent to another backend.
func bufferBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(io.LimitReader(req.Body, proxyMaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > proxyMaxBody {
		return nil, fmt.Errorf("request body over %d bytes", proxyMaxBody)
	}
	return b, nil
}

// neverReached says the request cannot have reached the backend: the
// connection itself failed (refused, or no answer to the dial).
func neverReached(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// idempotent methods may be sent twice without changing the outcome.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
