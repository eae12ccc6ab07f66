package handlers

// This file serves a leaderboard view in any format: it asks the domain
// which board to show and caches the rendered bytes by board version.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/views"
)

// boardData is what all three formats of a view are made from: the board
// the domain decides to show (see boards.Service.Display) and the category
// tabs.
type boardData struct {
	req  boardRequest
	show boards.Display
	cats []boards.CategorySummary
	// demo is set while the demo bots are on.
	demo bool
}

func (s *Server) boardData(ctx context.Context, req boardRequest) (*boardData, error) {
	d := &boardData{req: req}
	var err error
	if d.cats, err = s.arena.Boards().Categories(ctx); err != nil {
		return nil, err
	}
	if d.show, err = s.arena.Boards().Display(ctx, req.q); err != nil {
		return nil, err
	}
	demo, err := s.arena.Demo(ctx)
	d.demo = demo.On
	return d, err
}

// serveBoard answers a board view in a format from the cache of rendered
// views, rendering it on a miss. The key holds the board's version, so a
// new snapshot is shown as soon as the arena sees it.
func (s *Server) serveBoard(c echo.Context, req boardRequest, format string) error {
	ctx := c.Request().Context()
	version, err := s.boardVersion(ctx, req.q.Category)
	if err != nil {
		return err
	}
	// The page's frame differs with the demo banner (whose setup link only
	// the server's own machine may see), so the banner is part of the key.
	key := format + " " + version + " " + boardQueryString(req.q) + " " + bannerKey(s.demoBanner(c))
	now := time.Now()
	e, ok := s.boards.get(key, now)
	if !ok {
		if e, err = s.renderBoard(c, req, format); err != nil {
			return err
		}
		e.at = now
		// Before the first snapshot the board is the online Elo of every
		// counted vote, and its version does not change with them: caching
		// it would hide the vote a voter has just cast.
		if version != noSnapshotVersion {
			s.boards.put(key, e)
		}
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, e.contentType)
	h.Set("Cache-Control", "no-store")
	for k, v := range e.header {
		h.Set(k, v)
	}
	return c.Blob(http.StatusOK, e.contentType, e.body)
}

// renderBoard builds one view's bytes.
func (s *Server) renderBoard(c echo.Context, req boardRequest, format string) (boardEntry, error) {
	d, err := s.boardData(c.Request().Context(), req)
	if err != nil {
		return boardEntry{}, err
	}
	var buf bytes.Buffer
	switch format {
	case "json":
		enc := json.NewEncoder(&buf)
		if err := enc.Encode(d.json()); err != nil {
			return boardEntry{}, err
		}
		return boardEntry{body: buf.Bytes(), contentType: echo.MIMEApplicationJSON}, nil
	case "csv":
		if err := d.writeCSV(&buf); err != nil {
			return boardEntry{}, err
		}
		return boardEntry{body: buf.Bytes(), contentType: "text/csv; charset=utf-8",
			header: map[string]string{"Content-Disposition": fmt.Sprintf("inline; filename=%q", "leaderboard-"+csvName(req.q.Category)+".csv")}}, nil
	}
	v, err := s.pageView(c.Request().Context(), d)
	if err != nil {
		return boardEntry{}, err
	}
	if err := views.LeaderboardPage(s.meta(c, "Leaderboard", "leaderboard"), v).Render(c.Request().Context(), &buf); err != nil {
		return boardEntry{}, err
	}
	return boardEntry{body: buf.Bytes(), contentType: echo.MIMETextHTMLCharsetUTF8}, nil
}

// bannerKey tells apart the frames a demo banner gives a page.
func bannerKey(b *views.DemoBanner) string {
	if b == nil {
		return "-"
	}
	return fmt.Sprintf("demo %t %s", b.NoAdmin, b.SetupURL)
}
