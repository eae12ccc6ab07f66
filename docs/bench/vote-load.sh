#!/usr/bin/env bash
# Measures the arena's vote endpoint on PostgreSQL against a minimal baseline
# (cmd/votebaseline: bare net/http + pgx storing the same row), both running
# on this machine, with cmd/arenaload at 1, 16 and 64 concurrent clients.
#
#   bash docs/bench/vote-load.sh                  # from the repository root
#   VOTES=2000 ROUNDS=1 LEVELS="1 16" bash docs/bench/vote-load.sh
#
# It drops and recreates the databases arena_bench and arena_baseline on the
# PostgreSQL server at PGHOST:PGPORT (default 127.0.0.1:5432, user postgres,
# trust auth), imports a small neutral bank (20 prompts × 4 models), starts
# `arena serve` on 127.0.0.1:18080 and votebaseline on 127.0.0.1:18081, and for
# each round and level measures the arena and the baseline one right after the
# other (arena first in odd rounds, baseline first in even rounds, so neither
# always runs on the warmer or fuller database). It prints the Markdown tables
# (medians over rounds, then every run) and leaves the raw JSON lines in $OUT.
# Besides votes/s and latency it gives the CPU time per vote of each server
# process and of the PostgreSQL backends serving its database (read from
# /proc around the timed phase): on a shared machine that is the steadier
# measure of the work a vote costs.
#
# The arena runs with ARENA_LOG_LEVEL=warn, so its one-line-per-request log
# at the default info level is not part of what is measured (a check with
# the log going to a file showed no difference beyond the noise, see
# docs/BENCHMARKS.md). ARENA_RATE_LIMIT=0 turns the per-voter and
# per-address limits off; every request comes from 127.0.0.1.
#
# Other work on the same cores skews the figures, so before each measurement
# the script waits (at most QUIET_WAIT=180 s) until the machine is less than
# QUIET_BUSY=20 % busy, and keeps what it saw with the results.
#
# ARENA_TEMPLATE=NAME starts the arena on a copy of that database instead of
# the small bank (e.g. one filled by `arenaload seed` with 1,000,000 votes:
# the vote path's reads then run against a large history), and waits (at
# most RATED_WAIT=900 s) until its start-up rating is served before
# measuring, so the first full recomputation is not part of the figures;
# the recomputer keeps re-rating as votes arrive, as in production.
#
# Everything is bounded: each arenaload call stops after its votes or
# ARENALOAD_TIMEOUT, each quiet wait after QUIET_WAIT, server start-up after
# 30 s, and both servers are stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."

VOTES=${VOTES:-5000}
WARMUP=${WARMUP:-200}
ROUNDS=${ROUNDS:-3}
LEVELS=${LEVELS:-"1 16 64"}
ARENALOAD_TIMEOUT=${ARENALOAD_TIMEOUT:-10m}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
ARENA_ADDR=127.0.0.1:18080
BASE_ADDR=127.0.0.1:18081
ARENA_DB="postgres://${PGUSER}@${PGHOST}:${PGPORT}/arena_bench?sslmode=disable"
BASE_DB="postgres://${PGUSER}@${PGHOST}:${PGPORT}/arena_baseline?sslmode=disable"
OUT=${OUT:-$(mktemp -d /tmp/vote-load.XXXXXX)}
mkdir -p "$OUT"
BIN="$OUT/bin"
mkdir -p "$BIN"

arena_pid=
base_pid=
cleanup() {
	for pid in $arena_pid $base_pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $arena_pid $base_pid; do
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

echo "== building into $BIN"
go build -o "$BIN/arena" ./cmd/arena
go build -o "$BIN/votebaseline" ./cmd/votebaseline
go build -o "$BIN/arenaload" ./cmd/arenaload

echo "== fresh databases arena_bench and arena_baseline on $PGHOST:$PGPORT"
dropdb --if-exists arena_bench
dropdb --if-exists arena_baseline
if [ -n "${ARENA_TEMPLATE:-}" ]; then
	echo "== arena_bench is a copy of $ARENA_TEMPLATE"
	createdb -T "$ARENA_TEMPLATE" arena_bench
else
	createdb arena_bench
	echo "== importing a neutral bank: 20 prompts × 4 models"
	bank="$OUT/bank.jsonl"
	: >"$bank"
	for p in $(seq -w 1 20); do
		for m in a b c d; do
			printf '{"prompt_id":"bench-%s","prompt":"Benchmark question %s: list three facts about prime numbers.","category":"bench","model":"bench-model-%s","output":"Here is a short answer to question %s.\\n\\n- Two is the only even prime.\\n- There are infinitely many primes.\\n- Every integer above one factors into primes."}\n' "$p" "$p" "$m" "$p" >>"$bank"
		done
	done
	"$BIN/arena" import outputs -db "$ARENA_DB" "$bank"
fi

wait_ready() { # url pid name
	for _ in $(seq 1 150); do
		if curl -fs -o /dev/null --max-time 1 "$1"; then return 0; fi
		kill -0 "$2" 2>/dev/null || { echo "$3 exited; its log:" >&2; cat "$OUT/$3.log" >&2; return 1; }
		sleep 0.2
	done
	echo "$3 did not answer $1 within 30 s" >&2
	return 1
}

echo "== starting arena on $ARENA_ADDR and votebaseline on $BASE_ADDR"
ARENA_RATE_LIMIT=0 ARENA_DATABASE_URL="$ARENA_DB" ARENA_ADDR=$ARENA_ADDR ARENA_LOG_LEVEL=warn \
	"$BIN/arena" serve >"$OUT/arena.log" 2>&1 &
arena_pid=$!
"$BIN/votebaseline" -addr $BASE_ADDR -db "$BASE_DB" >"$OUT/votebaseline.log" 2>&1 &
base_pid=$!
wait_ready "http://$ARENA_ADDR/readyz" "$arena_pid" arena
wait_ready "http://$BASE_ADDR/healthz" "$base_pid" votebaseline
if [ -n "${ARENA_TEMPLATE:-}" ]; then
	rated_start=$SECONDS
	until curl -fs --max-time 5 "http://$ARENA_ADDR/api/v1/leaderboard" | grep -q '"method":"bradley_terry"'; do
		kill -0 "$arena_pid" 2>/dev/null || { echo "arena exited; its log:" >&2; cat "$OUT/arena.log" >&2; exit 1; }
		[ $((SECONDS - rated_start)) -lt "${RATED_WAIT:-900}" ] || { echo "no rated board within ${RATED_WAIT:-900} s" >&2; exit 1; }
		sleep 2
	done
	echo "== the start-up rating was served after $((SECONDS - rated_start)) s"
fi

# cpu_busy prints the percentage of CPU time the whole machine spent busy
# over one second (everything but idle and iowait, from /proc/stat).
cpu_busy() {
	local a b
	read -r -a a < <(grep '^cpu ' /proc/stat)
	sleep 1
	read -r -a b < <(grep '^cpu ' /proc/stat)
	local total=0 idle i
	for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
	idle=$((b[4] - a[4] + b[5] - a[5]))
	echo $(((total - idle) * 100 / (total > 0 ? total : 1)))
}

# wait_quiet waits, at most QUIET_WAIT seconds, until the machine is less
# than QUIET_BUSY % busy with both servers idle, so other work on the same
# cores disturbs the measurement as little as possible; the value seen last
# is kept with the results either way.
QUIET_BUSY=${QUIET_BUSY:-20}
QUIET_WAIT=${QUIET_WAIT:-180}
wait_quiet() {
	local start=$SECONDS busy
	while :; do
		busy=$(cpu_busy)
		if [ "$busy" -lt "$QUIET_BUSY" ] || [ $((SECONDS - start)) -ge "$QUIET_WAIT" ]; then break; fi
	done
	echo "machine ${busy}% busy before (waited $((SECONDS - start)) s)"
}

results="$OUT/results.jsonl"
: >"$results"
load() { # mode round clients
	local url="http://$ARENA_ADDR" pid=$arena_pid db=arena_bench note
	if [ "$1" = baseline ]; then url="http://$BASE_ADDR" pid=$base_pid db=arena_baseline; fi
	note=$(wait_quiet)
	"$BIN/arenaload" -note "$note" -server-pid "$pid" -pg-db "$db" -url "$url" -mode "$1" -round "$2" -clients "$3" -votes "$VOTES" -warmup "$WARMUP" \
		-timeout "$ARENALOAD_TIMEOUT" -out "$results"
}
for round in $(seq 1 "$ROUNDS"); do
	for c in $LEVELS; do
		echo "== round $round, $c clients"
		if [ $((round % 2)) -eq 1 ]; then
			load arena "$round" "$c"
			load baseline "$round" "$c"
		else
			load baseline "$round" "$c"
			load arena "$round" "$c"
		fi
	done
done

cleanup
arena_pid= base_pid=

echo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(date)"
echo "== PostgreSQL: $(psql -Atc 'select version()' postgres | cut -d, -f1); synchronous_commit=$(psql -Atc 'show synchronous_commit' postgres), shared_buffers=$(psql -Atc 'show shared_buffers' postgres)"
echo "== server log lines at warn or above: arena $(grep -c "level=" "$OUT/arena.log" || true), votebaseline $(grep -vc '^votebaseline is serving' "$OUT/votebaseline.log" || true) (logs in $OUT)"
echo
"$BIN/arenaload" -report "$results"
echo
echo "raw results: $results"
