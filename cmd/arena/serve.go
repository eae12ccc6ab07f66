package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// runServe opens and migrates the database and serves until ctx ends, then
// drains requests for up to the shutdown grace period.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	store, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	secret, err := serverSecret(ctx, store, cfg.Secret)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if err := addDemoBots(ctx, store, stdout); err != nil {
			return err
		}
	}
	live := arena.LiveOptions{Backend: newBackendCache(getenv).For}
	e, err := handlers.New(handlers.Config{
		Secret: secret, RateLimit: cfg.RateLimit, TrustedProxies: cfg.TrustedProxies,
		BodyLimit: cfg.BodyLimit, SecureCookies: cfg.SecureCookies,
	}, arena.New(store, arena.Options{Live: live}), log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "Arena is serving on http://%s (database: %s)\n", displayAddr(ln.Addr()), describeDSN(cfg.DatabaseURL))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func openStore(ctx context.Context, dsn string) (*models.Store, error) {
	store, err := models.Open(dsn)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, fmt.Errorf("migrate %s: %w", describeDSN(dsn), err)
	}
	return store, nil
}

// serverSecret is ARENA_SECRET when set; otherwise one generated on first run
// and kept in the database, so voters stay signed in across restarts and all
// replicas agree.
func serverSecret(ctx context.Context, store *models.Store, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 16 {
			return nil, errors.New("ARENA_SECRET must be at least 16 characters")
		}
		return []byte(configured), nil
	}
	b := make([]byte, 32)
	rand.Read(b)
	s, err := store.EnsureSetting(ctx, "secret", hex.EncodeToString(b))
	return []byte(s), err
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", t.Port)
	}
	return a.String()
}

// describeDSN names the database without its password.
func describeDSN(dsn string) string {
	if isPostgresURL(dsn) {
		return "PostgreSQL " + redactURL(dsn)
	}
	return "SQLite " + dsn
}
