package handlers

import (
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// compressMinLength leaves small answers (a redirect, a short JSON error)
// alone: below about a kilobyte gzip's header and the CPU cost outweigh
// the bytes saved.
const compressMinLength = 1024

// compress gzips pages, JSON and assets for clients that accept it and adds
// Vary: Accept-Encoding so caches keep the two forms apart.
func compress() echo.MiddlewareFunc {
	return middleware.GzipWithConfig(middleware.GzipConfig{
		Skipper:   skipCompression,
		MinLength: compressMinLength,
	})
}

// alreadyCompressed are extensions whose bytes gzip cannot shrink.
var alreadyCompressed = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true,
	".woff": true, ".woff2": true, ".gz": true, ".br": true, ".zip": true, ".zst": true,
}

// skipCompression leaves out the live answer stream, whose events must
// reach the browser as they are written rather than sit in a compressor's
// window, and content that is compressed already.
func skipCompression(c echo.Context) bool {
	r := c.Request()
	if strings.Contains(r.Header.Get(echo.HeaderAccept), "text/event-stream") || strings.HasSuffix(r.URL.Path, "/stream") {
		return true
	}
	return alreadyCompressed[strings.ToLower(path.Ext(r.URL.Path))]
}
