package models

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
	"gorm.io/gorm"
)

// Signals tell the other instances on the same PostgreSQL database that
// something they cache changed, so they read it again at once instead of at
// their next periodic check. Each is a NOTIFY sent in the transaction of the
// change it reports (PostgreSQL delivers it on commit, never for a change
// rolled back), so commands run beside the servers signal too. On SQLite,
// which one process owns, nothing is sent: the process applies its own
// changes.
//
// A signal is a hint, not a log: a listener that lost its connection gets
// SignalAll when it is back, and the periodic checks stay as the fallback.
const (
	// SignalRatings: what is rated changed (the ratings change log was
	// written).
	SignalRatings = "ratings"
	// SignalBoards: a new rating snapshot was stored.
	SignalBoards = "boards"
	// SignalFilter: the admin's prompt filter lists changed.
	SignalFilter = "filter"
	// SignalContenders: a contender was added, edited, enabled or disabled
	// (which also switches the demo on or off).
	SignalContenders = "contenders"
	// SignalBank: prompts or answers that battles are served from changed.
	SignalBank = "bank"
	// SignalAll is never sent: the listener reports it when its connection
	// is (re)established, since anything may have changed while it was
	// not listening.
	SignalAll = "all"
)

// signalChannelSQL names the channel: one per schema, like the advisory
// locks, so separate arenas sharing a database do not hear each other.
const signalChannelSQL = `'arena:' || COALESCE(current_schema(), '')`

// listenReconnect is how long the listener waits before connecting again
// after losing its connection.
const listenReconnect = time.Second

// notifyTx sends topic to the listening instances when tx commits; nothing
// on SQLite.
func notifyTx(tx *gorm.DB, topic string) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec("SELECT pg_notify("+signalChannelSQL+", ?)", topic).Error
}

// ListenSignals calls handle with each signal sent on this database (by
// this instance too) until ctx ends, and with SignalAll each time its own
// connection is established. handle runs on the listening goroutine and
// must not block. Connection failures are passed to logErr (none once ctx
// has ended) and retried every second. On SQLite it returns at once: there is no other process
// to hear.
func (s *Store) ListenSignals(ctx context.Context, handle func(topic string), logErr func(error)) error {
	if !s.postgres {
		return nil
	}
	var channel string
	if err := s.db.WithContext(ctx).Raw("SELECT " + signalChannelSQL).Scan(&channel).Error; err != nil {
		return err
	}
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, s.dsn) },
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				logErr(err)
			}
		},
		ReconnectDelay: listenReconnect,
	}
	l.Handle(channel, signalHandler(handle))
	err := l.Listen(ctx)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// signalHandler passes each notification's topic on; it is a backlog
// handler so that every (re)connection reports SignalAll.
type signalHandler func(topic string)

// HandleNotification passes the topic on.
func (h signalHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	h(n.Payload)
	return nil
}

// HandleBacklog runs after LISTEN on each connection: what was sent while
// no connection listened is lost, so everything may have changed.
func (h signalHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h(SignalAll)
	return nil
}
