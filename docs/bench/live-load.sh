#!/usr/bin/env bash
# Measures how many concurrent live battles one arena instance holds: for
# each level of C concurrent clients, cmd/arenaload keeps C live battles
# under way for DURATION (each client: POST /api/v1/battles with a prompt as
# a new voter, read the event stream to the last event, start the next) and
# reports completed battles, errors, time to the first delta and to the end
# of the battle against the ideal (tokens × delay), and the server's memory,
# threads, file descriptors and CPU time.
#
#   bash docs/bench/live-load.sh                  # from the repository root
#   DBS=sqlite LEVELS="50 100" DURATION=20s bash docs/bench/live-load.sh
#
# Both contenders point at a fake OpenAI-compatible model server that
# arenaload itself serves on 127.0.0.1:18090 (-fake-llm: llm/llmtest's
# handler), answering TOKENS tokens (3.9 bytes each on average) with DELAY
# before each, so an answer takes TOKENS × DELAY (4 s by default), like a
# real model's. The fake model, the load generator, the arena and the
# database all share this machine's cores.
#
# For each database in DBS (sqlite: a fresh file; postgres: the database
# arena_live_bench, dropped and recreated on PGHOST:PGPORT, user postgres,
# trust auth) it imports the two contenders, starts `arena serve` on
# 127.0.0.1:18080 with ARENA_RATE_LIMIT=0 (the per-voter limit of six live
# prompts a minute never applies: every battle has a new voter) and
# ARENA_LOG_LEVEL=warn, runs the levels (a first level of 1 client gives the
# unloaded figures), and stops the server. arenaload runs no higher level
# once one failed more than 1 % of its battles or had a p99 time to first
# delta over 5 s.
#
# Everything listens on loopback only and is bounded: each level runs for
# DURATION plus at most REQUEST_TIMEOUT, each arenaload call stops after
# ARENALOAD_TIMEOUT, server start-up after 30 s, and the server is stopped on
# exit. The raw JSON lines and the server logs stay in $OUT.
set -euo pipefail

cd "$(dirname "$0")/../.."

DBS=${DBS:-"sqlite postgres"}
LEVELS=${LEVELS:-"50 100 200 400 800"}
DURATION=${DURATION:-30s}
TOKENS=${TOKENS:-200}
DELAY=${DELAY:-20ms}
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-60s}
ARENALOAD_TIMEOUT=${ARENALOAD_TIMEOUT:-20m}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
ARENA_ADDR=127.0.0.1:18080
FAKE_ADDR=127.0.0.1:18090
PG_DB=arena_live_bench
OUT=${OUT:-$(mktemp -d /tmp/live-load.XXXXXX)}
mkdir -p "$OUT/bin"
BIN="$OUT/bin"

arena_pid=
stop_arena() {
	[ -n "$arena_pid" ] || return 0
	kill -TERM "$arena_pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$arena_pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$arena_pid" 2>/dev/null || true
	wait "$arena_pid" 2>/dev/null || true
	arena_pid=
}
trap stop_arena EXIT

echo "== building into $BIN"
go build -o "$BIN/arena" ./cmd/arena
go build -o "$BIN/arenaload" ./cmd/arenaload

cat >"$OUT/contenders.json" <<EOF
[
 {"slug": "bench-live-1", "display_name": "Bench Live One", "organization": "Bench",
  "provider": {"kind": "openai", "base_url": "http://$FAKE_ADDR/v1", "model": "m1"}},
 {"slug": "bench-live-2", "display_name": "Bench Live Two", "organization": "Bench",
  "provider": {"kind": "openai", "base_url": "http://$FAKE_ADDR/v1", "model": "m2"}}
]
EOF

levels="1,$(echo "$LEVELS" | tr ' ' ',')"
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
for db in $DBS; do
	case $db in
	sqlite)
		dsn="$OUT/live.db"
		rm -f "$dsn" "$dsn-wal" "$dsn-shm"
		pgflag=()
		;;
	postgres)
		dsn="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${PG_DB}?sslmode=disable"
		dropdb --if-exists "$PG_DB"
		createdb "$PG_DB"
		pgflag=(-pg-db "$PG_DB")
		;;
	*)
		echo "unknown database $db (want sqlite or postgres)" >&2
		exit 2
		;;
	esac
	echo "== $db: importing the two contenders"
	"$BIN/arena" import contenders -db "$dsn" "$OUT/contenders.json"

	echo "== $db: starting arena on $ARENA_ADDR"
	ARENA_RATE_LIMIT=0 ARENA_DATABASE_URL="$dsn" ARENA_ADDR=$ARENA_ADDR ARENA_LOG_LEVEL=warn \
		"$BIN/arena" serve >"$OUT/arena-$db.log" 2>&1 &
	arena_pid=$!
	ready=
	for _ in $(seq 1 150); do
		if curl -fs -o /dev/null --max-time 1 "http://$ARENA_ADDR/readyz"; then ready=1; break; fi
		kill -0 "$arena_pid" 2>/dev/null || break
		sleep 0.2
	done
	if [ -z "$ready" ]; then
		echo "arena did not become ready; its log:" >&2
		cat "$OUT/arena-$db.log" >&2
		exit 1
	fi

	echo "== $db: levels $levels, $DURATION each, $TOKENS tokens × $DELAY per answer"
	"$BIN/arenaload" -mode live -url "http://$ARENA_ADDR" -fake-llm "$FAKE_ADDR" \
		-fake-tokens "$TOKENS" -fake-delay "$DELAY" -clients "$levels" -duration "$DURATION" \
		-request-timeout "$REQUEST_TIMEOUT" -timeout "$ARENALOAD_TIMEOUT" \
		-server-pid "$arena_pid" "${pgflag[@]}" -note "$db" -out "$OUT/results-$db.jsonl" |
		tee "$OUT/table-$db.md"
	echo "== $db: TCP sockets in TIME-WAIT on loopback now: $(ss -Htan state time-wait 2>/dev/null | wc -l)"
	stop_arena
	echo "== $db: server log lines at warn or above: $(grep -c 'level=' "$OUT/arena-$db.log" || true)"
	if [ "$db" = postgres ]; then dropdb --if-exists "$PG_DB"; fi
done

echo
echo "== run: $started → $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, ulimit -n $(ulimit -n), $(go version | cut -d' ' -f3-)"
for db in $DBS; do
	echo
	echo "### $db"
	echo
	"$BIN/arenaload" -report "$OUT/results-$db.jsonl"
done
echo
echo "raw results and logs: $OUT"
