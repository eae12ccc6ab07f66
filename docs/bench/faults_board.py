#!/usr/bin/env python3
"""The board check of docs/bench/faults.sh.

    faults_board.py OUT_DIR ARENA_BINARY PGPORT REPLICA_ADDR...

Waits (up to 180 s) until every replica's /readyz says its board and views
are current, checks that every replica serves the same overall board (the
same inputs digest and vote count), then recomputes that board in full from
the database arena_faults on 127.0.0.1:PGPORT: psql writes every vote in
the ratings with its answers' stored style counts to OUT_DIR/battles.csv
(a bank battle's: one answer a side), and `arena ratings
--settings` rates it with the board's published settings. The digests must
be equal, and every model's score within 1e-9 and interval equal. Prints
what it found; exits 1 when the board differs.

The release (`arena export battles`) is not used: `arena ratings` measures
style from the release's answer texts, and the seeded answers' style counts
are drawn, not measured from their placeholder texts.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request


# RATED_SQL is every vote in the ratings (models.CountedSQL) as a row of
# `arena ratings`' CSV, with the style counts stored with the answers.
RATED_SQL = " ".join("""
SELECT ca.slug AS model_a, cb.slug AS model_b, v.winner,
    ra.style_tokens AS sum_assistant_a_tokens, rb.style_tokens AS sum_assistant_b_tokens,
    ra.style_headers AS header_count_a, rb.style_headers AS header_count_b,
    ra.style_lists AS list_count_a, rb.style_lists AS list_count_b,
    ra.style_bold AS bold_count_a, rb.style_bold AS bold_count_b
FROM votes v JOIN battles b ON b.id = v.battle_id
    JOIN contenders ca ON ca.id = b.contender_a_id JOIN contenders cb ON cb.id = b.contender_b_id
    JOIN responses ra ON ra.id = b.response_a_id JOIN responses rb ON rb.id = b.response_b_id
WHERE v.counted AND v.excluded = '' ORDER BY v.id
""".split())


def get(addr, path):
    with urllib.request.urlopen(f"http://{addr}{path}", timeout=10) as r:
        return json.load(r)


def wait_current(addrs, limit=180):
    start = time.time()
    while True:
        states = {}
        for a in addrs:
            try:
                states[a] = get(a, "/readyz")
            except Exception as e:  # a replica still starting, or a 503
                states[a] = {"error": str(e)}
        if all(s.get("board_current") and s.get("views_current") for s in states.values()):
            return time.time() - start
        if time.time() - start > limit:
            raise SystemExit(f"   boards not current after {limit} s: {states}")
        time.sleep(0.5)


def main():
    out, arena, pgport, addrs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    waited = wait_current(addrs)
    boards = {a: get(a, "/api/v1/leaderboard") for a in addrs}
    digests = {a: (b.get("inputs_digest"), b.get("votes")) for a, b in boards.items()}
    if len(set(digests.values())) != 1:
        print(f"   replicas serve different boards: {digests}")
        return 1
    board = boards[addrs[0]]
    if board.get("method") != "bradley_terry":
        print(f"   the board is not a rated one: method {board.get('method')}")
        return 1
    settings = os.path.join(out, "settings.json")
    with open(settings, "w") as f:
        json.dump(get(addrs[0], "/api/v1/leaderboard/settings"), f)
    battles = os.path.join(out, "battles.csv")
    subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", pgport, "-U", "postgres", "-d", "arena_faults",
                    "-v", "ON_ERROR_STOP=1", "-c", f"\\copy ({RATED_SQL}) TO '{battles}' WITH (FORMAT csv, HEADER)"],
                   check=True, timeout=600)
    rec = json.loads(subprocess.run([arena, "ratings", "--battles", battles, "--settings", settings],
                                    check=True, capture_output=True, text=True, timeout=600).stdout)
    bad = compare(board, rec)
    print(f"   boards current after {waited:.1f} s; {len(addrs)} replicas serve digest {board['inputs_digest'][:12]}… "
          f"over {board['votes']} votes; recomputed from {rec.get('battles')} battles: digest {rec.get('inputs_digest', '')[:12]}…, "
          f"{len(rec.get('models', []))} models, {'differs' if bad else 'equal'}")
    for line in bad[:10]:
        print("   " + line)
    return 1 if bad else 0


def compare(board, rec):
    bad = []
    if board.get("inputs_digest") != rec.get("inputs_digest"):
        bad.append(f"digest: board {board.get('inputs_digest')}, recomputed {rec.get('inputs_digest')}")
    if board.get("votes") != rec.get("battles"):
        bad.append(f"votes: board {board.get('votes')}, recomputed {rec.get('battles')}")
    mine = {m["model"]: m for m in board.get("models", [])}
    theirs = {m["model"]: m for m in rec.get("models", [])}
    if set(mine) != set(theirs):
        bad.append(f"models: board {sorted(mine)}, recomputed {sorted(theirs)}")
    for slug in sorted(set(mine) & set(theirs)):
        a, b = mine[slug], theirs[slug]
        if abs(a["score"] - b["score"]) > 1e-9 or a.get("ci_lower") != b.get("ci_lower") or a.get("ci_upper") != b.get("ci_upper"):
            bad.append(f"{slug}: board {a['score']} [{a.get('ci_lower')}, {a.get('ci_upper')}], "
                       f"recomputed {b['score']} [{b.get('ci_lower')}, {b.get('ci_upper')}]")
    return bad


if __name__ == "__main__":
    sys.exit(main())
