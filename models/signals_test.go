package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestListenSignals checks that a change made through one store is heard
// by a listener on another store of the same schema, not by one on another
// schema, and that a listener whose connection is cut reconnects and
// reports SignalAll (anything may have changed meanwhile).
func TestListenSignals(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	other := storetest.Open(t, "postgres")
	writer := openDSN(t, dsn)
	ctx, cancel := context.WithCancel(context.Background())
	heard, heardOther := listen(t, ctx, openDSN(t, dsn)), listen(t, ctx, other)
	defer cancel()
	expect(t, heard, models.SignalAll)
	expect(t, heardOther, models.SignalAll)

	if err := writer.SaveFilterRulesSetting(ctx, `{"block_words":["x"]}`); err != nil {
		t.Fatal(err)
	}
	expect(t, heard, models.SignalFilter)
	if err := writer.SetContenderEnabled(ctx, 999, false); err == nil {
		t.Fatal("disabling a missing contender succeeded")
	}
	select {
	case got := <-heardOther:
		t.Fatalf("a store on another schema heard %q", got)
	case got := <-heard:
		t.Fatalf("heard %q for a change that was rolled back", got)
	case <-time.After(200 * time.Millisecond):
	}

	cutListeners(t, dsn)
	expect(t, heard, models.SignalAll)
	if _, err := writer.UpsertContenders(ctx, []models.Contender{{Slug: "new-model"}}, nil); err != nil {
		t.Fatal(err)
	}
	expect(t, heard, models.SignalContenders)
}

// TestListenSignalsSQLite: one process owns a SQLite file, so there is
// nothing to listen for and ListenSignals returns at once.
func TestListenSignalsSQLite(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	err := s.ListenSignals(context.Background(), func(string) { t.Error("a signal on SQLite") }, func(err error) { t.Error(err) })
	if err != nil {
		t.Fatal(err)
	}
}

func openDSN(t *testing.T, dsn string) *models.Store {
	t.Helper()
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// listen runs s.ListenSignals until ctx ends and returns what it hears.
func listen(t *testing.T, ctx context.Context, s *models.Store) <-chan string {
	heard := make(chan string, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := s.ListenSignals(ctx, func(topic string) { heard <- topic }, func(err error) { t.Log("listener:", err) })
		if err != nil {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { <-done })
	return heard
}

func expect(t *testing.T, heard <-chan string, want string) {
	t.Helper()
	select {
	case got := <-heard:
		if got != want {
			t.Fatalf("heard %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("heard nothing in 10 s, want %q", want)
	}
}

// cutListeners ends the sessions listening on the schema of dsn, as a
// PostgreSQL restart or a network cut would.
func cutListeners(t *testing.T, dsn string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	err = conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query = 'listen ' || quote_ident('arena:' || current_schema())`).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("cut %d listeners (%v), want 1", n, err)
	}
}
