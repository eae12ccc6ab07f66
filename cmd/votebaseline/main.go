// Command votebaseline is the floor the arena's vote endpoint is measured
// against: a bare net/http server with a pgx pool that stores the same vote
// row in a table of the same shape, with the same two statements in one
// transaction as the arena's models.Store.RecordVote (an INSERT … ON
// CONFLICT (battle_id) DO NOTHING, then an UPDATE of the battle's state). It
// has no framework, no middleware, no ORM and no separate read of the
// battle: the INSERT takes the battle's owner check, leak flag and reading
// time from the battles row itself.
//
// It creates its database (default arena_baseline) and tables when missing.
// Routes:
//
//	POST /battles     → 201 {"id"} and a voter cookie (a new voter unless one is sent)
//	POST /vote/{id}   {"winner": "model_a"} → 200 {"winner", "counted", "reason"};
//	                  409 when the battle is unknown, another voter's or already voted
//	GET  /healthz     → 200 when the database answers
//
// It is a benchmark fixture: the voter cookie is not signed.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	dsn := flag.String("db", "postgres://postgres@127.0.0.1:5432/arena_baseline?sslmode=disable", "PostgreSQL URL; the database is created when missing")
	conns := flag.Int("conns", 32, "largest number of database connections (the arena's PostgreSQL pool has 32)")
	flag.Parse()
	if err := run(ctx, *addr, *dsn, int32(*conns)); err != nil {
		fmt.Fprintln(os.Stderr, "votebaseline:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, dsn string, conns int32) error {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return err
	}
	cfg.MaxConns = conns
	if err := ensureDatabase(ctx, cfg.ConnConfig); err != nil {
		return err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, schema+upgrade); err != nil {
		return fmt.Errorf("create tables: %w", err)
	}
	key := make([]byte, 32)
	rand.Read(key)
	s := &server{pool: pool, key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /battles", s.createBattle)
	mux.HandleFunc("POST /vote/{id}", s.vote)
	mux.HandleFunc("GET /healthz", s.healthz)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Printf("votebaseline is serving on http://%s (database %s)\n", ln.Addr(), cfg.ConnConfig.Database)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ensureDatabase creates the database of cc when it does not exist, through
// the server's "postgres" database.
func ensureDatabase(ctx context.Context, cc *pgx.ConnConfig) error {
	admin := cc.Copy()
	name := admin.Database
	admin.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("connect to create database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// schema mirrors the arena's battles and votes tables on PostgreSQL (columns,
// indexes and the votes→battles foreign key), without the foreign keys to
// prompts, contenders and answers, which the baseline does not have and which
// a vote does not check.
const schema = `
CREATE TABLE IF NOT EXISTS battles (
    id varchar(32) PRIMARY KEY,
    prompt_id bigint NOT NULL,
    contender_a_id bigint NOT NULL,
    contender_b_id bigint NOT NULL,
    response_a_id bigint,
    response_b_id bigint,
    voter_id varchar(64) NOT NULL,
    mode varchar(8) NOT NULL,
    state varchar(8) NOT NULL,
    leak varchar(256) NOT NULL DEFAULT '',
    void_reason varchar(256) NOT NULL DEFAULT '',
    created_at timestamptz,
    updated_at timestamptz
);
CREATE INDEX IF NOT EXISTS idx_battles_contender_a_id ON battles (contender_a_id);
CREATE INDEX IF NOT EXISTS idx_battles_contender_b_id ON battles (contender_b_id);
CREATE INDEX IF NOT EXISTS idx_battles_prompt_id ON battles (prompt_id);
CREATE INDEX IF NOT EXISTS idx_battles_state ON battles (state);
CREATE INDEX IF NOT EXISTS idx_battles_voter_state_created ON battles (voter_id, state, created_at);
CREATE TABLE IF NOT EXISTS votes (
    id bigserial PRIMARY KEY,
    battle_id varchar(32) NOT NULL REFERENCES battles (id) ON DELETE CASCADE,
    winner varchar(16) NOT NULL,
    voter_id varchar(64) NOT NULL,
    ip_hash varchar(64) NOT NULL DEFAULT '',
    read_seconds numeric NOT NULL DEFAULT 0,
    counted boolean NOT NULL,
    reason varchar(256) NOT NULL DEFAULT '',
    excluded varchar(256) NOT NULL DEFAULT '',
    created_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS idx_votes_battle_id ON votes (battle_id);
CREATE INDEX IF NOT EXISTS idx_votes_counted_id ON votes (id) WHERE counted = true;
CREATE INDEX IF NOT EXISTS idx_votes_voter_created ON votes (voter_id, created_at);
`

// upgrade runs after schema: it brings a baseline database made before the
// arena's schema changed to the same shape (the excluded column, the
// arena's dropped indexes gone), and makes the partial index on excluded,
// which needs the column to exist first.
const upgrade = `
ALTER TABLE votes ADD COLUMN IF NOT EXISTS excluded varchar(256) NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS idx_votes_rated_id ON votes (id) WHERE counted = true AND excluded = '';
DROP INDEX IF EXISTS idx_votes_counted;
DROP INDEX IF EXISTS idx_votes_voter_id;
DROP INDEX IF EXISTS idx_battles_voter_id;
`

type server struct {
	pool *pgxpool.Pool
	key  []byte
}

const cookieName = "voter"

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.pool.Ping(r.Context()); err != nil {
		http.Error(w, "database down", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// createBattle stores a ready battle for the caller (a new voter unless the
// request carries a voter cookie) with fixed contenders.
func (s *server) createBattle(w http.ResponseWriter, r *http.Request) {
	voter := ""
	if c, err := r.Cookie(cookieName); err == nil && len(c.Value) == 32 {
		voter = c.Value
	} else {
		voter = newID()
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: voter, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	id := newID()
	_, err := s.pool.Exec(r.Context(), `INSERT INTO battles
		(id, prompt_id, contender_a_id, contender_b_id, response_a_id, response_b_id, voter_id, mode, state, created_at, updated_at)
		VALUES ($1, 1, 1, 2, 1, 2, $2, 'bank', 'ready', now(), now())`, id, voter)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

// vote stores the caller's vote on their battle and marks it voted, in one
// transaction.
func (s *server) vote(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such battle"})
		return
	}
	var req struct {
		Winner string `json:"winner"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad body"})
		return
	}
	switch req.Winner {
	case "model_a", "model_b", "tie", "tie (bothbad)":
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad winner"})
		return
	}
	ctx := r.Context()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	defer tx.Rollback(ctx)
	var counted bool
	var reason string
	err = tx.QueryRow(ctx, `INSERT INTO votes (battle_id, winner, voter_id, ip_hash, read_seconds, counted, reason, created_at)
		SELECT b.id, $2, b.voter_id, $4, extract(epoch FROM now() - b.created_at), b.leak = '', b.leak, now()
		FROM battles b WHERE b.id = $1 AND b.voter_id = $3 AND b.state = 'ready'
		ON CONFLICT (battle_id) DO NOTHING
		RETURNING counted, reason`, r.PathValue("id"), req.Winner, c.Value, s.ipHash(r)).Scan(&counted, &reason)
	if errors.Is(err, pgx.ErrNoRows) {
		writeJSON(w, http.StatusConflict, map[string]string{"error": "no such open battle of yours"})
		return
	}
	if err == nil {
		_, err = tx.Exec(ctx, `UPDATE battles SET state = 'voted', updated_at = now() WHERE id = $1`, r.PathValue("id"))
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Winner  string `json:"winner"`
		Counted bool   `json:"counted"`
		Reason  string `json:"reason"`
	}{req.Winner, counted, reason})
}

// ipHash is a keyed hash of the connection's address, as the arena stores.
func (s *server) ipHash(r *http.Request) string {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("ip:" + host))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("write answer: %v", err)
	}
}

// newID makes battle and voter ids as the arena does (models.IDAt): the
// Unix second, then 96 random bits, so the indexes on them take new
// entries on their last pages in both servers.
func newID() string {
	var b [16]byte
	binary.BigEndian.PutUint32(b[:4], uint32(time.Now().Unix()))
	rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}
