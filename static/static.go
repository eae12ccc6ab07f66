// Package static embeds the arena's stylesheet, script and icons and serves
// them under content-hashed URLs with long cache lifetimes.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed files
var embedded embed.FS

// Assets serves the embedded files; a URL carries the file's content hash so
// a changed file gets a new URL and old ones may be cached forever.
type Assets struct {
	files  fs.FS
	hashes map[string]string // name → short content hash
	extra  map[string][]byte // generated files, e.g. highlight CSS
}

// Prefix is where assets are served.
const Prefix = "/static/"

// New indexes the embedded files. extra adds generated files (name → body),
// such as CSS produced by a library at start-up.
func New(extra map[string][]byte) (*Assets, error) {
	sub, err := fs.Sub(embedded, "files")
	if err != nil {
		return nil, err
	}
	a := &Assets{files: sub, hashes: map[string]string{}, extra: extra}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		a.hashes[p] = shortHash(b)
		return nil
	})
	for name, b := range extra {
		a.hashes[name] = shortHash(b)
	}
	return a, err
}

func shortHash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:6])
}

// URL returns the hashed URL of a file, e.g. /static/3f2a…/app.css.
func (a *Assets) URL(name string) string {
	return Prefix + a.hashes[name] + "/" + name
}

// ServeHTTP answers /static/{hash}/{name}. A stale hash still gets the file
// (a page cached across a deploy must not break) but without the long cache.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	hash, name, ok := strings.Cut(rest, "/")
	want, known := a.hashes[name]
	if !ok || !known {
		http.NotFound(w, r)
		return
	}
	if hash == want {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if ct := contentType(name); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if b, ok := a.extra[name]; ok {
		w.Write(b)
		return
	}
	http.ServeFileFS(w, r, a.files, name)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return ""
}
