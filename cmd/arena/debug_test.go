package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestServeDebug(t *testing.T) {
	if srv, err := serveDebug("", io.Discard); srv != nil || err != nil {
		t.Fatalf("no address: got %v, %v; want nothing served", srv, err)
	}
	var out strings.Builder
	srv, err := serveDebug("127.0.0.1:0", &out)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSideServer(srv)
	url := strings.TrimSpace(strings.TrimPrefix(out.String(), "Profiles are served on "))
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "debug/pprof/", http.StatusOK},
		{"GET", "debug/pprof/goroutine?debug=1", http.StatusOK},
		{"GET", "debug/pprof/cmdline", http.StatusOK},
		{"POST", "debug/pprof/cmdline", http.StatusMethodNotAllowed},
		{"GET", "metrics", http.StatusNotFound},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, strings.TrimSuffix(url, "debug/pprof/")+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
	if _, err := serveDebug(strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/debug/pprof/"), io.Discard); err == nil ||
		!strings.Contains(err.Error(), "ARENA_DEBUG_ADDR") {
		t.Errorf("address in use: got %v, want an error naming ARENA_DEBUG_ADDR", err)
	}
}
