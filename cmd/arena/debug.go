package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveDebug serves Go's runtime profiles (net/http/pprof) on addr when it
// is set, and says where; nil when it is not. They live on their own
// address, never the public one: a profile names the code and costs CPU
// while it is taken, so only an operator on the machine should ask.
func serveDebug(addr string, stdout io.Writer) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on ARENA_DEBUG_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: debugMux(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(stdout, "Profiles are served on http://%s/debug/pprof/\n", displayAddr(ln.Addr()))
	return srv, nil
}

// debugMux routes pprof's handlers explicitly rather than through
// http.DefaultServeMux, which any imported package could add to.
func debugMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}
