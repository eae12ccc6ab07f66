#!/usr/bin/env bash
# The fault test: three replicas on one PostgreSQL, replicas killed with
# SIGKILL and PostgreSQL crashed while voters vote, then every acknowledged
# vote is looked for in the database.
#
#   bash docs/bench/faults.sh                          # from the repository root
#   KILLS=2 DURATION=40s bash docs/bench/faults.sh     # the short variant CI runs
#
# Steps, each bounded in time; everything runs on loopback:
#  1. builds arena and arenaload, then creates a PostgreSQL cluster of its
#     own in a temporary directory (initdb, as the postgres user when run as
#     root) listening on 127.0.0.1:PGPORT (default 55432): the test crashes
#     PostgreSQL, and a cluster of its own is one it may crash without
#     breaking anything else using the machine's server;
#  2. `arenaload seed`: MODELS contenders, PROMPTS bank prompts with an
#     answer from each contender, VOTES counted votes to start from;
#  3. starts REPLICAS (3) `arena serve` on 127.0.0.1:PORT_BASE+1… (default
#     28481) with the same database and secret, and `arenaload proxy` on
#     127.0.0.1:PORT_BASE, a
#     round-robin reverse proxy that skips a replica refusing connections
#     and sends a request that reached a replica again elsewhere only when
#     its method is idempotent;
#  4. `arenaload faults`: CLIENTS voters vote through the proxy for DURATION,
#     each vote on a new bank battle with a random winner, and record every
#     vote answered 200; a vote whose answer was lost is sent again (same
#     battle, same winner) until answered;
#  5. meanwhile KILLS (10) times, spread over DURATION, a random replica is
#     killed with SIGKILL and started again at once; its recovery is the
#     time from the kill to its /readyz answering 200. Once, halfway, PostgreSQL
#     is stopped in immediate mode (a crash: no checkpoint, WAL recovery on
#     start) and started again; that recovery is the time until every
#     replica's /readyz answers 200 again;
#  6. compares, with psql: every acknowledged vote is in the database exactly
#     once with the acknowledged winner (`lost`: not there, `wrong`: another
#     winner), and no battle has two votes (`doubled`);
#  7. waits until every replica's board is current, checks that they all
#     serve the same board, and recomputes it in full from the database
#     (every vote in the ratings, read with psql, rated by `arena ratings
#     --settings` with the board's published settings; see
#     docs/bench/faults_board.py): the inputs digest must be equal and the
#     scores within 1e-9.
#
# It prints the load average with each step. Its last line reads
#   faults: acknowledged N, stored N, lost 0, doubled 0, wrong 0, max recovery S s
# and it exits non-zero when a vote is lost, doubled or wrong, the board
# differs from the recomputation, or a recovery took more than MAX_RECOVERY
# (10) s. The cluster, servers and proxy are stopped and removed on exit;
# the logs stay in the temporary directory it names.
set -euo pipefail

cd "$(dirname "$0")/../.."

KILLS=${KILLS:-10}
DURATION=${DURATION:-3m}
REPLICAS=${REPLICAS:-3}
CLIENTS=${CLIENTS:-4}
MODELS=${MODELS:-8}
PROMPTS=${PROMPTS:-40}
VOTES=${VOTES:-2000}
MAX_RECOVERY=${MAX_RECOVERY:-10}
PGPORT=${PGPORT:-55432}
PORT_BASE=${PORT_BASE:-28480}
PROXY=127.0.0.1:$PORT_BASE
DB="postgres://postgres@127.0.0.1:${PGPORT}/arena_faults?sslmode=disable"
SECRET="faults-$(date +%s)-$RANDOM$RANDOM$RANDOM-not-for-production"
OUT=${OUT:-$(mktemp -d /tmp/faults.XXXXXX)}
BIN="$OUT/bin"
PGDATA="$OUT/pg/data"
mkdir -p "$BIN" "$OUT/pg"

case "$DURATION" in
*m) dur_s=$((${DURATION%m} * 60)) ;;
*s) dur_s=${DURATION%s} ;;
*) dur_s=$DURATION ;;
esac
[[ "$dur_s" =~ ^[0-9]+$ ]] && [ "$dur_s" -ge 10 ] || { echo "DURATION=$DURATION: give seconds or minutes, like 40s or 3m, at least 10s" >&2; exit 2; }
[[ "$KILLS" =~ ^[0-9]+$ ]] || { echo "KILLS=$KILLS: give a number" >&2; exit 2; }

for tool in curl python3 psql createdb runuser; do
	command -v "$tool" >/dev/null 2>&1 || { echo "faults.sh needs $tool" >&2; exit 2; }
done
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || PGBIN=$(dirname "$(command -v initdb || command -v pg_ctl || echo /nonexistent/x)")
[ -x "$PGBIN/initdb" ] || { echo "initdb not found (install postgresql)" >&2; exit 2; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$OUT/pg/log" -w -t 60 "$@" >/dev/null; }
pg_start() { pg -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $OUT/pg -c max_connections=200" start; }
sql() { psql -X -q -At -h 127.0.0.1 -p "$PGPORT" -U postgres -d arena_faults -v ON_ERROR_STOP=1 "$@"; }

declare -a pids
proxy_pid=
voters_pid=
stop_pid() { # pid
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.2
	done
	kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
	stop_pid "$voters_pid"
	stop_pid "$proxy_pid"
	for p in "${pids[@]}"; do stop_pid "$p"; done
	[ -f "$PGDATA/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
	cp "$OUT/pg/log" "$OUT/postgresql.log" 2>/dev/null || true
	rm -rf "$OUT/pg" "$BIN"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
addr() { echo "127.0.0.1:$((PORT_BASE + 1 + $1))"; }
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ready() { curl -fs -o /dev/null --max-time 1 "http://$(addr "$1")/readyz"; }

start_replica() { # index
	ARENA_DATABASE_URL="$DB" ARENA_ADDR="$(addr "$1")" ARENA_SECRET="$SECRET" ARENA_RATE_LIMIT=0 \
		ARENA_TRUSTED_PROXIES=127.0.0.1/32 ARENA_LOG_LEVEL=warn "$BIN/arena" serve >>"$OUT/replica$1.log" 2>&1 &
	pids[$1]=$!
}
wait_ready() { # index...; fails after 60 s
	local start=$SECONDS i
	for i in "$@"; do
		until ready "$i"; do
			[ $((SECONDS - start)) -lt 60 ] || { echo "replica $i not ready after 60 s; its log:" >&2; tail -20 "$OUT/replica$i.log" >&2; return 1; }
			sleep 0.1
		done
	done
}

echo "== $(date -u '+%F %T UTC'), HEAD $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(load)"
go build -o "$BIN/arena" ./cmd/arena
go build -o "$BIN/arenaload" ./cmd/arenaload

for p in "$PGPORT" $(seq "$PORT_BASE" $((PORT_BASE + REPLICAS))); do
	if in_use "$p"; then
		echo "port $p on 127.0.0.1 is taken: set PGPORT or PORT_BASE (the proxy, then one port per replica) to free ones" >&2
		exit 2
	fi
done

echo "== PostgreSQL cluster of its own on 127.0.0.1:$PGPORT ($PGBIN) (load $(load))"
chmod 755 "$OUT"
[ "$(id -u)" = 0 ] && chown postgres: "$OUT/pg"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 >"$OUT/pg/initdb.log"
pg_start
createdb -h 127.0.0.1 -p "$PGPORT" -U postgres arena_faults

echo "== seeding $MODELS models, $PROMPTS prompts, $VOTES votes (load $(load))"
timeout 10m "$BIN/arenaload" seed -db "$DB" -models "$MODELS" -prompts "$PROMPTS" -votes "$VOTES" >/dev/null

echo "== $REPLICAS replicas and the proxy on $PROXY (load $(load))"
backends=
for i in $(seq 0 $((REPLICAS - 1))); do
	start_replica "$i"
	backends+="${backends:+,}$(addr "$i")"
done
wait_ready $(seq 0 $((REPLICAS - 1)))
"$BIN/arenaload" proxy -listen "$PROXY" -backends "$backends" >"$OUT/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 50); do curl -fs -o /dev/null --max-time 1 "http://$PROXY/readyz" && break; sleep 0.1; done

echo "== $CLIENTS voters for $DURATION through the proxy; $KILLS kills and a PostgreSQL crash (load $(load))"
"$BIN/arenaload" faults -url "http://$PROXY" -clients "$CLIENTS" -duration "${dur_s}s" -out "$OUT/acks.csv" >"$OUT/voters.out" 2>"$OUT/voters.log" &
voters_pid=$!
t_start=$(now)
events=$((KILLS + 1))
pg_at=$(((events + 1) / 2)) # the PostgreSQL crash takes the middle slot
recoveries=()
for e in $(seq 1 "$events"); do
	at=$(python3 -c "print(${dur_s} * $e / ($events + 1))")
	wait_s=$(python3 -c "import sys; print(max(0.0, float(sys.argv[1]) - (float(sys.argv[2]) - float(sys.argv[3]))))" "$at" "$(now)" "$t_start")
	sleep "$wait_s"
	if [ "$e" = "$pg_at" ]; then
		t=$(now)
		as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null
		pg_start
		pg_up=$(since "$t")
		# A replica may answer from a pooled connection that survived by
		# chance; wait for every one.
		wait_ready $(seq 0 $((REPLICAS - 1)))
		r=$(since "$t")
		recoveries+=("$r")
		echo "   $(since "$t_start") s: PostgreSQL crashed and restarted (up after $pg_up s), every replica ready after $r s (load $(load))"
		continue
	fi
	i=$((RANDOM % REPLICAS))
	t=$(now)
	kill -KILL "${pids[$i]}"
	wait "${pids[$i]}" 2>/dev/null || true
	start_replica "$i"
	wait_ready "$i"
	r=$(since "$t")
	recoveries+=("$r")
	echo "   $(since "$t_start") s: replica $i killed (SIGKILL), back ready after $r s (load $(load))"
done
wait "$voters_pid"
voters_pid=
sed 's/^/   /' "$OUT/voters.out"
if [ -s "$OUT/voters.log" ]; then sed 's/^/   /' "$OUT/voters.log" | head -5; fi
echo "   answers the proxy could not get (502): $(grep -c '^proxy: ' "$OUT/proxy.log" || true)"

echo "== acknowledged votes against the database (load $(load))"
res=$(sql <<SQL
CREATE TEMP TABLE acks (battle_id text, winner text);
\copy acks FROM '$OUT/acks.csv' WITH (FORMAT csv)
SELECT (SELECT count(*) FROM acks),
	(SELECT count(*) FROM acks a WHERE (SELECT count(*) FROM votes v WHERE v.battle_id = a.battle_id) = 1),
	(SELECT count(*) FROM acks a WHERE NOT EXISTS (SELECT 1 FROM votes v WHERE v.battle_id = a.battle_id)),
	(SELECT count(*) FROM acks a JOIN votes v ON v.battle_id = a.battle_id WHERE v.winner <> a.winner),
	(SELECT count(*) FROM (SELECT battle_id FROM votes GROUP BY battle_id HAVING count(*) > 1) d)
	+ (SELECT count(*) FROM (SELECT battle_id FROM acks GROUP BY battle_id HAVING count(*) > 1) d);
SQL
)
IFS='|' read -r acked stored lost wrong doubled <<<"$res"
echo "   acknowledged $acked, stored once $stored, lost $lost, wrong winner $wrong, doubled $doubled"

echo "== the published board against a full recomputation (load $(load))"
board_ok=1
python3 docs/bench/faults_board.py "$OUT" "$BIN/arena" "$PGPORT" $(for i in $(seq 0 $((REPLICAS - 1))); do addr "$i"; done) || board_ok=
max=$(printf '%s\n' "${recoveries[@]}" | sort -g | tail -n 1)
echo "   recoveries (s): ${recoveries[*]}"
echo "== $(date -u '+%F %T UTC'), load $(load); logs in $OUT"
echo "faults: acknowledged $acked, stored $stored, lost $lost, doubled $doubled, wrong $wrong, max recovery $max s"
[ "$lost" = 0 ] && [ "$doubled" = 0 ] && [ "$wrong" = 0 ] && [ "$stored" = "$acked" ] && [ "$acked" -gt 0 ] || exit 1
[ -n "$board_ok" ] || exit 1
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$max" "$MAX_RECOVERY" || exit 1
