package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"openarena.dev/arena/arena"
)

// requestsGrace bounds the wait, after the live streams are done, for the
// short requests still running (votes, pages) before connections are
// closed.
const requestsGrace = 5 * time.Second

// shutdown runs once a signal ended serve's context. The listener stays
// open while live streams finish, so a balancer that has not yet seen
// /readyz turn 503 gets a clear 503 for new battles rather than a refused
// connection, and votes on finished battles are still taken. Streams still
// running after grace are cut and their battles voided. Then the server
// stops taking connections and waits up to requestsGrace for the requests
// left. It returns within grace plus about 15 s.
func shutdown(a *arena.Arena, srv, msrv *http.Server, grace time.Duration, log *slog.Logger) error {
	log.Info("shutting down: new battles refused, live streams finishing", "grace", grace, "streams", a.LiveStreams())
	dctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if n := a.Drain(dctx); n > 0 {
		log.Warn("grace period over: live streams cut and their battles voided", "streams", n)
	}
	defer closeSideServer(msrv)
	sctx, cancelRequests := context.WithTimeout(context.Background(), requestsGrace)
	defer cancelRequests()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("requests still running after the grace period; closing their connections", "err", err)
		return srv.Close()
	}
	return nil
}
