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
	"strconv"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/jobs"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/internal/gcheadroom"
	"openarena.dev/arena/metrics"
	"openarena.dev/arena/models"
)

// runServe opens and migrates the database and serves until ctx ends, then
// drains (see shutdown).
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	defer gcheadroom.Start(cfg.GCHeadroom).Stop()
	// First, so start-up itself (the full read of the votes) can be profiled.
	dsrv, err := serveDebug(cfg.DebugAddr, stdout)
	if err != nil {
		return err
	}
	defer closeSideServer(dsrv)
	store, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close()
	secret, err := serverSecret(ctx, store, cfg.Secret)
	if err != nil {
		return err
	}
	m := newMetrics(cfg)
	a := arena.New(store, arenaOptions(cfg, getenv, log, m))
	demoNote, err := prepareArena(ctx, a, cfg.Demo, stderr)
	if err != nil {
		return err
	}
	hcfg := handlers.Config{
		Secret: secret, RateLimit: cfg.RateLimit, TrustedProxies: cfg.TrustedProxies,
		BodyLimit: cfg.BodyLimit, SecureCookies: cfg.SecureCookies,
	}
	watchMetrics(m, a, &hcfg, cfg.MetricsToken)
	e, err := handlers.New(hcfg, a, log)
	if err != nil {
		return err
	}
	stopBackground, err := startBackground(ctx, a, cfg, log)
	if err != nil {
		return err
	}
	// Stopped and waited for before the deferred store.Close, so no
	// computation or job runs on a closed pool.
	defer stopBackground()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "Arena is serving on http://%s (database: %s)\n", displayAddr(ln.Addr()), describeDSN(cfg.DatabaseURL))
	msrv, err := serveMetrics(m, cfg.MetricsAddr, stdout)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprint(stdout, demoNote)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go hintOllama(ctx, getenv, stdout)
	if err := announceSetup(ctx, a, displayAddr(ln.Addr()), stdout); err != nil {
		log.Warn("could not make the first-run setup link", "error", err.Error())
	}
	select {
	case err := <-errc:
		closeSideServer(msrv)
		return err
	case <-ctx.Done():
	}
	return shutdown(a, srv, msrv, cfg.ShutdownGrace, log)
}

// arenaOptions are the domain's options from the configuration, with the
// metrics (when served) hearing the domain and timing the recomputer.
func arenaOptions(cfg Config, getenv func(string) string, log *slog.Logger, m *metrics.Metrics) arena.Options {
	live := arena.LiveOptions{Backend: newBackendCache(getenv).For, Sampling: cfg.Sampling}
	ratings := cfg.Ratings
	ratings.Log = log
	opt := arena.Options{Live: live, Ratings: ratings, Integrity: cfg.Integrity, Getenv: getenv,
		Jobs: jobs.Options{Log: log}}
	if m != nil {
		opt.Observer = m
		opt.Ratings.OnCompute = m.OnCompute
	}
	return opt
}

// listenSignals applies the changes other instances on the same PostgreSQL
// signal until ctx ends; on SQLite it returns at once.
func listenSignals(ctx context.Context, a *arena.Arena, log *slog.Logger) {
	if err := a.ListenSignals(ctx); err != nil {
		log.Error("listening for other instances' changes", "err", err)
	}
}

// startBackground starts the work that runs beside the requests: the
// recomputer, the sweeps and the job queue. stop ends it and waits for the
// recomputer and the queue (the queue with the shutdown grace).
func startBackground(ctx context.Context, a *arena.Arena, cfg Config, log *slog.Logger) (stop func(), err error) {
	// The recomputer rates votes cast while the server was down at once,
	// then follows new ones.
	rctx, stopRatings := context.WithCancel(ctx)
	ratingsDone := a.Boards().StartRatings(rctx)
	// Live streams cut by an earlier shutdown or crash left their battles
	// "streaming"; they are voided now and, for other instances' crashes,
	// every turn timeout.
	go a.SweepInterrupted(rctx)
	// Real content added by a command run beside the server switches
	// the demo off; the server notices here.
	go a.WatchDemo(rctx, arena.DemoCheckEvery)
	go listenSignals(rctx, a, log)
	if cfg.RiskSweep > 0 {
		go a.Integrity().SweepRiskEvery(rctx, cfg.RiskSweep)
	}
	// Queued jobs (answers for approved prompts) are worked here too.
	stopJobs, err := workJobs(ctx, a, cfg.ShutdownGrace, log)
	if err != nil {
		stopRatings()
		<-ratingsDone
		return nil, err
	}
	return func() {
		stopJobs()
		stopRatings()
		<-ratingsDone
	}, nil
}

// workJobs works the job queue until ctx ends (or the returned stop is
// called), then lets the jobs running finish for up to grace (the requests
// get the same grace, from the same moment) before cancelling them; a
// cancelled job is retried later, here or on another replica. stop returns
// once the queue has stopped.
func workJobs(ctx context.Context, a *arena.Arena, grace time.Duration, log *slog.Logger) (stop func(), err error) {
	if err := a.StartJobs(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start the job queue: %w", err)
	}
	jctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-jctx.Done()
		sctx, cancelGrace := context.WithTimeout(context.Background(), grace)
		defer cancelGrace()
		if err := a.StopJobs(sctx); err != nil {
			log.Warn("job queue stopped with jobs cancelled", "err", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// ratingsOptions reads the recomputer's settings (ARENA_MIN_VOTES,
// ARENA_RATINGS_DEBOUNCE, ARENA_RATINGS_CPU, ARENA_RATINGS_CATEGORY_INTERVAL,
// ARENA_BOOTSTRAP_ROUNDS and the reweighting) through get, which is
// getenv or the resolved settings.
func ratingsOptions(get func(string) string) (boards.Options, error) {
	var o boards.Options
	minVotes, err := settingInt(get, "ARENA_MIN_VOTES")
	if err != nil {
		return o, err
	}
	if minVotes < 0 {
		return o, fmt.Errorf("ARENA_MIN_VOTES must be 0 or more, not %d", minVotes)
	}
	// 0 in the environment means "mark none"; in boards.Options 0 is the default.
	o.MinVotes = minVotes
	if minVotes == 0 {
		o.MinVotes = -1
	}
	if o.Rounds, err = settingInt(get, "ARENA_BOOTSTRAP_ROUNDS"); err != nil {
		return o, err
	}
	if o.Rounds < 1 || o.Rounds > 10_000 {
		return o, fmt.Errorf("ARENA_BOOTSTRAP_ROUNDS must be between 1 and 10000, not %d", o.Rounds)
	}
	if o.Reweight, err = settingBool(get, "ARENA_REWEIGHT_PAIRS"); err != nil {
		return o, err
	}
	if o.ReweightFloor, err = settingInt(get, "ARENA_REWEIGHT_FLOOR"); err != nil {
		return o, err
	}
	if o.ReweightFloor < 1 {
		return o, fmt.Errorf("ARENA_REWEIGHT_FLOOR must be 1 or more, not %d", o.ReweightFloor)
	}
	if o.Debounce, err = positiveDuration(get, "ARENA_RATINGS_DEBOUNCE"); err != nil {
		return o, err
	}
	if o.CPU, err = ratingsCPU(get); err != nil {
		return o, err
	}
	o.CategoryInterval, err = positiveDuration(get, "ARENA_RATINGS_CATEGORY_INTERVAL")
	return o, err
}

// ratingsCPU reads ARENA_RATINGS_CPU, a number of cores: 0 in the
// environment means no bound, which boards.Options spells as a negative
// value (its 0 is the default).
func ratingsCPU(get func(string) string) (float64, error) {
	v := settingString(get, "ARENA_RATINGS_CPU")
	if v == "" {
		return 0, nil
	}
	cores, err := strconv.ParseFloat(v, 64)
	if err != nil || cores < 0 || cores > 1024 {
		return 0, fmt.Errorf("ARENA_RATINGS_CPU must be a number of cores from 0 (no bound) up, such as 0.5, not %q", v)
	}
	if cores == 0 {
		return -1, nil
	}
	return cores, nil
}

// positiveDuration reads a duration setting that must be above zero. It is
// 0 when get has nothing: boards.Options fills its own default, which the
// table's default restates.
func positiveDuration(get func(string) string, key string) (time.Duration, error) {
	v := get(key)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration such as 2s, not %q", key, v)
	}
	return d, nil
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

// prepareArena applies the demo rule (startDemo, whose note it returns)
// and dates on the public changelog each method setting that differs from
// the last one recorded (a new minimum-votes rule, say).
func prepareArena(ctx context.Context, a *arena.Arena, demo bool, stderr io.Writer) (string, error) {
	note, err := startDemo(ctx, a, demo, stderr)
	if err != nil {
		return "", err
	}
	if _, err := a.RecordSettings(ctx, a.MethodSettings()); err != nil {
		return "", fmt.Errorf("record method settings in the changelog: %w", err)
	}
	return note, nil
}
