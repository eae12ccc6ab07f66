#!/usr/bin/env bash
# Measures the arena at scale on PostgreSQL, from an empty database:
#
#   VOTES=1000000 MODELS=300 CLIENTS=16 bash docs/bench/scale.sh     # from the repository root
#   VOTES=20000 MODELS=20 CLIENTS=4 LAG_DURATION=15s bash docs/bench/scale.sh   # a quick try
#
# Steps, each bounded in time; everything runs on loopback:
#  1. creates the database arena_scale (and arena_scale_baseline) on
#     PGHOST:PGPORT (default 127.0.0.1:5432, user postgres, trust auth);
#  2. `arenaload seed`: MODELS contenders, PROMPTS bank prompts of every
#     category, an answer from each contender to each prompt with style
#     counts, and VOTES counted votes (COPY), timed;
#  3. starts `arena serve`, waits for the rated board (the start-up rating
#     of every vote), then `arenaload lag`: CLIENTS voters vote continuously
#     for LAG_DURATION while the board is polled; the p95 of the time between
#     a vote's 200 and the board counting it is the vote-to-board figure (a
#     vote not on the board LAG_GRACE after the voting counts as +Inf);
#  4. restarts the server and times the first board it serves (any rated
#     board, as /api/v1/leaderboard answers it) and the moment it is current.
#     "current" is when the board's `votes` equals the counted votes in the
#     database, what a reader sees, and /readyz's board_current is true: a
#     server still reading every vote says false even when the stored board
#     rated them all, since a vote cast meanwhile waits for that read;
#  5. creates an admin (`arena admin create`, password on stdin), signs in,
#     runs the integrity sweep (POST /admin/voters/sweep) and downloads the
#     admin export of every battle, served bank prompts included
#     (/admin/export/battles.json?served_bank=include, cut off after
#     EXPORT_WAIT s);
#  6. the vote endpoint at 64 clients against cmd/votebaseline in the same
#     run, taking turns RATIO_ROUNDS times (3 by default)
#     (`arenaload`, BASE_VOTES votes each turn, 20,000 by default: several
#     seconds, so that the arena's phase holds several recomputations rather
#     than one or none), the ratio being arena votes/s over baseline votes/s;
#     the arena process is stopped while the baseline runs;
#  7. peak RSS: VmHWM of both server processes (/proc/PID/status), the
#     larger, covering start-up, the recomputations, the sweep, the export
#     and the votes.
#
# DB_NAME (default arena_scale) names the database; the baseline's is
# DB_NAME_baseline. REUSE=1 keeps both databases at exit and, when the
# database already holds
# votes, skips step 2 (the seed figure then reads "kept"): a second run on
# a 10M-vote database need not seed it again (it then holds the votes the
# first run added too). The vote phase also reports the CPU time per vote
# of each server and of its database's PostgreSQL backends: on a machine
# where the load generator, PostgreSQL and the server share two cores, that
# is what bounds the votes per second.
#
# It prints the load average with each step, and its last line reads
#   scale: votes N, seed S s, first board after restart S s, current after restart S s, vote-to-board p95 S s, peak RSS M MB, vote ratio R
# The databases are dropped and the servers stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."

VOTES=${VOTES:-1000000}
MODELS=${MODELS:-300}
CLIENTS=${CLIENTS:-16}
PROMPTS=${PROMPTS:-400}
SEED=${SEED:-1}
LAG_DURATION=${LAG_DURATION:-60s}
LAG_GRACE=${LAG_GRACE:-15m}
RATED_WAIT=${RATED_WAIT:-1800}
EXPORT_WAIT=${EXPORT_WAIT:-300}
BASE_VOTES=${BASE_VOTES:-20000}
RATIO_ROUNDS=${RATIO_ROUNDS:-3}
REUSE=${REUSE:-0}
DB_NAME=${DB_NAME:-arena_scale}
BASE_NAME=${DB_NAME}_baseline
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
ADDR=127.0.0.1:18380
BASE_ADDR=127.0.0.1:18381
DB="postgres://${PGUSER}@${PGHOST}:${PGPORT}/$DB_NAME?sslmode=disable"
BASE_DB="postgres://${PGUSER}@${PGHOST}:${PGPORT}/$BASE_NAME?sslmode=disable"
OUT=${OUT:-$(mktemp -d /tmp/scale.XXXXXX)}
BIN="$OUT/bin"
mkdir -p "$BIN"

arena_pid=
base_pid=
stop_pid() { # pid
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	kill -CONT "$1" 2>/dev/null || true # a stopped process takes TERM only once continued
	for _ in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
	stop_pid "$arena_pid"
	stop_pid "$base_pid"
	arena_pid= base_pid=
	[ "$REUSE" = 1 ] && return 0
	dropdb --if-exists $DB_NAME 2>/dev/null || true
	dropdb --if-exists $BASE_NAME 2>/dev/null || true
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
hwm_mb() { awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
board_votes() { curl -fs --max-time 5 "http://$ADDR/api/v1/leaderboard" | python3 -c 'import sys, json; d = json.load(sys.stdin); print(d["votes"] if d.get("method") == "bradley_terry" else -1)' 2>/dev/null || echo -1; }

start_arena() { # log
	ARENA_RATE_LIMIT=0 ARENA_DATABASE_URL="$DB" ARENA_ADDR=$ADDR ARENA_LOG_LEVEL=warn "$BIN/arena" serve >>"$1" 2>&1 &
	arena_pid=$!
}
wait_board() { # want: -1 any rated board, else that many votes; prints nothing, fails after RATED_WAIT
	local start=$SECONDS v
	while [ $((SECONDS - start)) -lt "$RATED_WAIT" ]; do
		kill -0 "$arena_pid" 2>/dev/null || { echo "arena exited; its log:" >&2; tail -20 "$OUT/arena.log" >&2; return 1; }
		v=$(board_votes)
		if { [ "$1" -lt 0 ] && [ "$v" -ge 0 ]; } || { [ "$1" -ge 0 ] && [ "$v" -ge "$1" ]; }; then return 0; fi
		sleep 0.2
	done
	echo "no board with ${1} votes within $RATED_WAIT s" >&2
	return 1
}
board_current() { curl -fs --max-time 5 "http://$ADDR/readyz" | python3 -c 'import sys, json; print(1 if json.load(sys.stdin).get("board_current") else 0)' 2>/dev/null || echo 0; }
wait_current() { # waits until /readyz says the board is current: a restarted server reading every vote is not, even when the stored board rated them all
	local start=$SECONDS
	while [ $((SECONDS - start)) -lt "$RATED_WAIT" ]; do
		kill -0 "$arena_pid" 2>/dev/null || { echo "arena exited; its log:" >&2; tail -20 "$OUT/arena.log" >&2; return 1; }
		[ "$(board_current)" = 1 ] && return 0
		sleep 0.2
	done
	echo "/readyz did not say board_current within $RATED_WAIT s" >&2
	return 1
}
counted() { psql -Atc "SELECT count(*) FROM votes WHERE counted AND excluded = ''" $DB_NAME; }

echo "== $(date -u '+%F %T UTC'), HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(load)"
go build -o "$BIN/arena" ./cmd/arena
go build -o "$BIN/arenaload" ./cmd/arenaload
go build -o "$BIN/votebaseline" ./cmd/votebaseline
dropdb --if-exists $BASE_NAME
held=0
if [ "$REUSE" = 1 ]; then
	held=$(psql -Atc "SELECT count(*) FROM votes" $DB_NAME 2>/dev/null || echo 0)
fi
if [ "$held" -gt 0 ]; then
	seed_s=kept
	echo "== reusing $DB_NAME: $held votes (load $(load))"
else
	dropdb --if-exists $DB_NAME
	createdb $DB_NAME
	echo "== seeding $MODELS models, $PROMPTS prompts, $VOTES votes (load $(load))"
	t=$(now)
	timeout 60m "$BIN/arenaload" seed -db "$DB" -models "$MODELS" -prompts "$PROMPTS" -votes "$VOTES" -seed "$SEED"
	seed_s=$(since "$t")
	echo "   seeded in $seed_s s (load $(load))"
fi

echo "== first start: waiting for the start-up rating (load $(load))"
t=$(now)
start_arena "$OUT/arena.log"
wait_board -1
echo "   rated board after $(since "$t") s (load $(load))"
# With REUSE the database may hold a stored board already; the voting
# starts once the board rates every vote and /readyz says it is current
# (the server has read every vote itself), as after a fresh seed.
wait_board "$(counted)"
wait_current
echo "   current board after $(since "$t") s (load $(load))"

echo "== vote-to-board: $CLIENTS voters for $LAG_DURATION (load $(load))"
lag=$(timeout 30m "$BIN/arenaload" lag -url "http://$ADDR" -clients "$CLIENTS" -duration "$LAG_DURATION" -grace "$LAG_GRACE")
echo "   $lag (load $(load))"
p95=$(sed -E 's/.*p95 ([0-9.]+) s.*/\1/' <<<"$lag")
hwm1=$(hwm_mb "$arena_pid")

echo "== restart (load $(load))"
stop_pid "$arena_pid"
want=$(counted)
t=$(now)
start_arena "$OUT/arena.log"
wait_board -1
first_s=$(since "$t")
wait_board "$want"
wait_current
current_s=$(since "$t")
echo "   first board $first_s s, current ($want counted votes on /api/v1/leaderboard, and board_current on /readyz) $current_s s (load $(load))"

echo "== integrity sweep and export as an admin (load $(load))"
pw="scale-benchmark-$(date +%s)-pass"
admin="scalebench$(date +%s)"
printf '%s\n' "$pw" | ARENA_DATABASE_URL="$DB" "$BIN/arena" admin create --username "$admin" >/dev/null
jar="$OUT/cookies"
curl -fs -o /dev/null -c "$jar" -b "$jar" "http://$ADDR/admin/signin"
curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=$admin" --data-urlencode "password=$pw" "http://$ADDR/admin/signin"
t=$(now)
curl -fs -o /dev/null -b "$jar" -X POST --max-time 1800 "http://$ADDR/admin/voters/sweep" || echo "   sweep failed" >&2
echo "   sweep $(since "$t") s (load $(load))"
t=$(now)
exp_bytes=$(curl -s -o "$OUT/export.json" -w '%{size_download}' -b "$jar" --max-time "$EXPORT_WAIT" "http://$ADDR/admin/export/battles.json?served_bank=include" || true)
echo "   export: $exp_bytes bytes in $(since "$t") s (cut off after $EXPORT_WAIT s) (load $(load))"
rm -f "$OUT/export.json"

echo "== vote endpoint at 64 clients against votebaseline (load $(load))"
"$BIN/votebaseline" -addr $BASE_ADDR -db "$BASE_DB" >"$OUT/votebaseline.log" 2>&1 &
base_pid=$!
for _ in $(seq 1 150); do curl -fs -o /dev/null --max-time 1 "http://$BASE_ADDR/healthz" && break; sleep 0.2; done
res="$OUT/votes.jsonl"
: >"$res"
# Arena and baseline take turns, RATIO_ROUNDS times, so that a slow
# moment of a shared machine weighs on both. The arena is stopped (SIGSTOP)
# while the baseline is measured: once its votes stop, its background
# rating job runs at full speed and would take a core from the baseline,
# flattering the ratio.
for _ in $(seq 1 "$RATIO_ROUNDS"); do
	"$BIN/arenaload" -url "http://$ADDR" -mode arena -clients 64 -votes "$BASE_VOTES" -timeout 10m -out "$res" \
		-server-pid "$arena_pid" -pg-db $DB_NAME >/dev/null
	kill -STOP "$arena_pid"
	"$BIN/arenaload" -url "http://$BASE_ADDR" -mode baseline -clients 64 -votes "$BASE_VOTES" -timeout 10m -out "$res" \
		-server-pid "$base_pid" -pg-db $BASE_NAME >/dev/null
	kill -CONT "$arena_pid"
done
# The ratio is of all the rounds' votes over all their time; each round's
# figures are printed too.
ratio=$(python3 -c '
import json, sys
rounds = {"arena": [], "baseline": []}
for line in open(sys.argv[1]):
    d = json.loads(line)
    rounds[d["mode"]].append(d)
def rate(m):
    return sum(d["votes"] for d in rounds[m]) / sum(d["seconds"] for d in rounds[m])
print("%.2f" % (rate("arena") / rate("baseline")))
for m in ("arena", "baseline"):
    for i, d in enumerate(rounds[m]):
        print("   %s %d: %.0f votes/s, p50 %.1f ms, p99 %.1f ms, errors %d; CPU per vote: server %.2f ms, PostgreSQL %.2f ms, load generator %.2f ms" % (
            m, i + 1, d["votes_per_sec"], d["p50_ms"], d["p99_ms"], d["errors"],
            d.get("server_cpu_ms_per_vote", 0), d.get("pg_cpu_ms_per_vote", 0), d.get("client_cpu_ms_per_vote", 0)), file=sys.stderr)
    print("   %s, all rounds: %.0f votes/s" % (m, rate(m)), file=sys.stderr)
' "$res")
hwm2=$(hwm_mb "$arena_pid")
peak=$((hwm1 > hwm2 ? hwm1 : hwm2))
echo "   peak RSS: first process $hwm1 MB, after restart $hwm2 MB (load $(load))"
echo "== $(date -u '+%F %T UTC'), load $(load); server log lines at warn or above: $(grep -c 'level=' "$OUT/arena.log" || true) ($OUT/arena.log)"
echo "scale: votes $VOTES, seed $seed_s s, first board after restart $first_s s, current after restart $current_s s, vote-to-board p95 $p95 s, peak RSS $peak MB, vote ratio $ratio"
