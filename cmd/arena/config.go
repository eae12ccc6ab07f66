package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// Config is the whole configuration of a running arena, read from ARENA_*
// variables and overridable by flags.
type Config struct {
	Addr           string
	DatabaseURL    string
	Secret         string
	RateLimit      int
	TrustedProxies []*net.IPNet
	BodyLimit      string
	SecureCookies  bool
	LogLevel       slog.Level
	ShutdownGrace  time.Duration
	// Demo registers the built-in demo bots as contenders at start-up.
	Demo bool
	// Sampling is the live pair policy (ARENA_SAMPLING: informative, the
	// default, or uniform).
	Sampling rating.PairPolicy
	// Integrity and RiskSweep are the voter-integrity settings
	// (ARENA_RISK_*, see loadIntegrity).
	Integrity integrity.Options
	RiskSweep time.Duration
}

// loadConfig reads the environment, then the flags of the serve command.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	cfg := Config{
		Addr:          envOr(getenv, "ARENA_ADDR", ":8080"),
		DatabaseURL:   envOr(getenv, "ARENA_DATABASE_URL", models.DefaultDSN),
		Secret:        getenv("ARENA_SECRET"),
		BodyLimit:     envOr(getenv, "ARENA_BODY_LIMIT", "64K"),
		ShutdownGrace: 15 * time.Second,
	}
	var err error
	if cfg.RateLimit, err = envInt(getenv, "ARENA_RATE_LIMIT", 60); err != nil {
		return cfg, err
	}
	if cfg.SecureCookies, err = envBool(getenv, "ARENA_SECURE_COOKIES"); err != nil {
		return cfg, err
	}
	if cfg.Demo, err = envBool(getenv, "ARENA_DEMO"); err != nil {
		return cfg, err
	}
	if cfg.TrustedProxies, err = parseCIDRs(getenv("ARENA_TRUSTED_PROXIES")); err != nil {
		return cfg, err
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(envOr(getenv, "ARENA_LOG_LEVEL", "info"))); err != nil {
		return cfg, fmt.Errorf("ARENA_LOG_LEVEL: %w", err)
	}
	if cfg.Sampling, err = rating.ParsePairPolicy(envOr(getenv, "ARENA_SAMPLING", rating.PolicyInformative)); err != nil {
		return cfg, fmt.Errorf("ARENA_SAMPLING: %w", err)
	}
	if cfg.Integrity, cfg.RiskSweep, err = loadIntegrity(getenv); err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (ARENA_ADDR)")
	fs.StringVar(&cfg.DatabaseURL, "db", cfg.DatabaseURL, "postgres:// URL or SQLite file (ARENA_DATABASE_URL)")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "add the built-in offline demo bots as contenders (ARENA_DEMO)")
	fs.IntVar(&cfg.RateLimit, "rate-limit", cfg.RateLimit, "battle and vote requests per minute per voter, 0 for none (ARENA_RATE_LIMIT)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.RateLimit < 0 {
		return cfg, fmt.Errorf("rate limit must be 0 (off) or more, not %d", cfg.RateLimit)
	}
	return cfg, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(getenv func(string) string, key string, def int) (int, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s must be a whole number, not %q", key, v)
	}
	return n, nil
}

func envBool(getenv func(string) string, key string) (bool, error) {
	v := getenv(key)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false, not %q", key, v)
	}
	return b, nil
}

// parseCIDRs reads a comma-separated list of networks or single addresses.
func parseCIDRs(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil && ip.To4() != nil {
				part += "/32"
			} else {
				part += "/128"
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("ARENA_TRUSTED_PROXIES: %q is not an address or network", part)
		}
		out = append(out, n)
	}
	return out, nil
}
