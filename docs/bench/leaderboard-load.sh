#!/usr/bin/env bash
# Measures the public leaderboard under load on PostgreSQL: 100 models and
# 1,000,000 counted votes, 64 concurrent clients on loopback.
#
#   bash docs/bench/leaderboard-load.sh                 # from the repository root
#   MODELS=20 VOTES=100000 DURATION=5s bash docs/bench/leaderboard-load.sh   # a quick try
#
# Steps, each bounded:
#  1. drops and recreates the database arena_lb on PGHOST:PGPORT (default
#     127.0.0.1:5432, user postgres, trust auth);
#  2. `arenaload seed` migrates it with the arena's own schema and fills it:
#     MODELS contenders (organisations, countries, licences, about half open
#     weights), PROMPTS bank prompts of every category (categorised by the
#     arena's rules as they are stored), an answer from every contender to
#     every prompt, and VOTES counted votes on bank battles whose outcomes
#     are drawn from known Bradley–Terry strengths (COPY);
#  3. starts `arena serve` on 127.0.0.1:18280, which rates the votes at
#     start-up (overall and every category, one snapshot each), and waits
#     (at most SNAPSHOT_WAIT seconds) until /api/v1/leaderboard serves the
#     rated board of all VOTES votes, printing how long that took;
#  4. `arenaload get` at CLIENTS concurrent clients (closed loop), for
#     DURATION per path after WARMUP: /healthz first (the baseline: the same
#     server, router, middleware and connection handling, no work), then the
#     page and the JSON of the overall board and of a filtered category view.
#
# It prints the load average before and after, the machine and the table;
# raw JSON lines stay in $OUT. The server is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."

MODELS=${MODELS:-100}
PROMPTS=${PROMPTS:-400}
VOTES=${VOTES:-1000000}
CLIENTS=${CLIENTS:-64}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
SNAPSHOT_WAIT=${SNAPSHOT_WAIT:-600}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
ADDR=127.0.0.1:18280
DB="postgres://${PGUSER}@${PGHOST}:${PGPORT}/arena_lb?sslmode=disable"
OUT=${OUT:-$(mktemp -d /tmp/leaderboard-load.XXXXXX)}
BIN="$OUT/bin"
mkdir -p "$BIN"

arena_pid=
cleanup() {
	if [ -n "$arena_pid" ]; then
		kill -TERM "$arena_pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$arena_pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$arena_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

echo "== $(date -u '+%F %T UTC'), HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building into $BIN"
go build -o "$BIN/arena" ./cmd/arena
go build -o "$BIN/arenaload" ./cmd/arenaload

echo "== fresh database arena_lb on $PGHOST:$PGPORT"
dropdb --if-exists arena_lb
createdb arena_lb

echo "== seeding $MODELS models, $PROMPTS prompts, $VOTES votes"
timeout 30m "$BIN/arenaload" seed -db "$DB" -models "$MODELS" -prompts "$PROMPTS" -votes "$VOTES"

echo "== starting arena on $ADDR (it rates the votes at start-up)"
started=$SECONDS
ARENA_RATE_LIMIT=0 ARENA_DATABASE_URL="$DB" ARENA_ADDR=$ADDR ARENA_LOG_LEVEL=warn \
	"$BIN/arena" serve >"$OUT/arena.log" 2>&1 &
arena_pid=$!
rated=
while [ $((SECONDS - started)) -lt "$SNAPSHOT_WAIT" ]; do
	kill -0 "$arena_pid" 2>/dev/null || { echo "arena exited; its log:" >&2; cat "$OUT/arena.log" >&2; exit 1; }
	if body=$(curl -fs --max-time 5 "http://$ADDR/api/v1/leaderboard"); then
		case "$body" in
		*'"method":"bradley_terry"'*) rated=1; break ;; # the overall board is stored last
		esac
	fi
	sleep 1
done
[ -n "$rated" ] || { echo "no rated board within $SNAPSHOT_WAIT s" >&2; exit 1; }
echo "== rated boards served $((SECONDS - started)) s after start (start-up, reading the votes, every category's fit, bootstrap and style control)"
psql -Atc "SELECT category || ': ' || votes_used || ' votes' FROM rating_snapshots ORDER BY id" arena_lb | sed 's/^/   /'
curl -fs "http://$ADDR/api/v1/leaderboard" | python3 -c 'import sys, json; d = json.load(sys.stdin); print("   overall board:", d["method"], d["votes"], "votes,", len(d["models"]), "models")'

note="load average $(cut -d' ' -f1-3 /proc/loadavg) before"
echo "== measuring at $CLIENTS clients, $DURATION per path after $WARMUP warm-up ($note)"
"$BIN/arenaload" get -url "http://$ADDR" -clients "$CLIENTS" -duration "$DURATION" -warmup "$WARMUP" \
	-note "$note" -out "$OUT/results.jsonl" \
	-paths "/healthz,/leaderboard,/api/v1/leaderboard,/leaderboard?category=coding&open=1&sort=votes,/api/v1/leaderboard?category=coding&open=1&sort=votes"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); PostgreSQL: $(psql -Atc 'select version()' postgres | cut -d, -f1)"
echo "== server log lines at warn or above: $(grep -c "level=" "$OUT/arena.log" || true) (log in $OUT/arena.log)"
echo "raw results: $OUT/results.jsonl"
