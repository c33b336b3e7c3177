#!/usr/bin/env bash
# Issue 15: does sending voice notes block other requests? The p99 of a room's page (wrk through nginx)
# with nothing else going on, then while 20 people send a 5 MiB voice note each, over and over, and then
# quiet again: all three in the same run, on the same stack.
#
#   bash bench/journal_uploads.sh        (release build: BENCH_BIN, .build/release/pomopomo by default)
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-up.XXXXXX, makes a
# room (its host's page is what wrk asks for) and 20 accounts with a journal session each (SQL, then
# `pomopomo journal rebuild`), and a valid WAV of just under 5 MiB (54 s, ffmpeg). The uploaders are 20
# Python threads, each posting the note to POST /journal/audio as the voice-note form does (multipart,
# its own cookie and CSRF token), again as soon as the last one is answered, for the loaded run's warm-up
# and duration; each note replaces the one before (so the disk holds 20 files at most). The upload rate
# limit is lifted for the run (POMOPOMO_LIMIT_VOICE_NOTES). Printed: the three wrk reports, the uploads
# (how many, their statuses, their own p50/p99, MiB/s) and a summary with p99 loaded / p99 quiet.
#
# Knobs: BENCH_LISTEN (127.0.0.1:18383), BENCH_UPLOADERS (20), BENCH_DURATION (10s), BENCH_WARMUP (3s),
# BENCH_WRK ("-t2 -c16"), BENCH_KEEP=1 (keep the data dir).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/journal_uploads.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18383}
BASE=http://$LISTEN
UPLOADERS=${BENCH_UPLOADERS:-20}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c16}"
use_bench_binary
require_tools wrk curl nginx psql ffmpeg
export POMOPOMO_LIMIT_VOICE_NOTES=1000000

start_throwaway_stack /tmp/pomopomo-up "$LISTEN"

# ------------------------------------------------------------------ seed

CODE=$(make_room "$BASE" "$DIR/host.jar" "Bench Host")
HOST_COOKIE=$(awk '$6 == "pp_sid" { print $7 }' "$DIR/host.jar" | tail -n 1)
[ -n "$HOST_COOKIE" ] || die "no pp_sid cookie for the host"
ROOM_HEADER="Cookie: pp_sid=$HOST_COOKIE"

: >"$DIR/uploaders.txt"
for i in $(seq "$UPLOADERS"); do
  read -r cookie hash < <(new_session_cookie)
  session=$("$PY" -c 'import uuid; print(uuid.uuid4())')
  psql "$POMOPOMO_DATABASE_URL" -X -qtA -v i="$i" -v hash="$hash" -v session="$session" >/dev/null <<'SQL' || die "seeding uploader $i failed"
WITH u AS (
    INSERT INTO users (email, email_verified_at, username, display_name)
    VALUES ('up' || :'i' || '@example.test', now(), 'up_' || :'i', 'Uploader ' || :'i') RETURNING id),
s AS (
    INSERT INTO sessions (id_hash, expires_at, user_id, signed_in_at)
    SELECT decode(:'hash', 'hex'), now() + interval '30 days', id, now() FROM u)
INSERT INTO journal_events (user_id, kind, at, payload)
SELECT id, 'session_started', now(),
       jsonb_build_object('session', :'session', 'intent', 'writing', 'day', current_date::text, 'place', 'journal')
FROM u;
SQL
  printf '%s %s\n' "$cookie" "$session" >>"$DIR/uploaders.txt"
done
"$POMOPOMO_BIN" journal rebuild >"$DIR/rebuild.log" 2>&1 || { cat "$DIR/rebuild.log"; die "journal rebuild failed"; }

NOTE=$DIR/note.wav
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=220:duration=54:sample_rate=48000" -c:a pcm_s16le "$NOTE"
say "$UPLOADERS uploaders, note $(stat -c %s "$NOTE") bytes; room /r/$CODE $(curl -sf -H "$ROOM_HEADER" "$BASE/r/$CODE" | wc -c) bytes"

# ------------------------------------------------------------------ the uploaders

seconds_of() { # 10s, 1m → seconds
  case $1 in *m) echo $((${1%m} * 60)) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac
}

# Posts the note from every uploader in turn until SECONDS have passed; writes "status seconds" lines.
upload_for() { # seconds out-file
  "$PY" - "$BASE" "$DIR/uploaders.txt" "$NOTE" "$1" "$2" <<'PYUP'
import http.client, re, sys, threading, time, urllib.parse
base, who, note, seconds, out = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
url = urllib.parse.urlsplit(base)
data = open(note, "rb").read()
people = [line.split() for line in open(who) if line.strip()]
results, lock = [], threading.Lock()
deadline = time.monotonic() + seconds

def request(method, path, cookie, body=None, headers=None):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    c.request(method, path, body=body, headers={"Cookie": f"pp_sid={cookie}; pp_in=1", **(headers or {})})
    r = c.getresponse()
    text = r.read()
    c.close()
    return r.status, text

def run(cookie, session):
    _, page = request("GET", "/me", cookie)
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    parts = b""
    for name, value in (("csrf", csrf), ("target", "session"), ("target_id", session)):
        parts += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    parts += (f'--{boundary}\r\nContent-Disposition: form-data; name="voice"; filename="note.wav"\r\n'
              'Content-Type: audio/wav\r\n\r\n').encode() + data + f"\r\n--{boundary}--\r\n".encode()
    while time.monotonic() < deadline:
        t = time.monotonic()
        status, _ = request("POST", "/journal/audio", cookie, parts,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with lock:
            results.append((status, time.monotonic() - t))
        if status == 503:
            time.sleep(1)

threads = [threading.Thread(target=run, args=p) for p in people]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out, "w") as f:
    for status, took in results:
        f.write(f"{status} {took:.4f}\n")
PYUP
}

# "N uploads: S; own p50 X s, p99 Y s; Z MiB/s" from an upload_for file covering SECONDS.
upload_summary() { # file seconds
  "$PY" - "$1" "$2" "$(stat -c %s "$NOTE")" <<'PYSUM'
import collections, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
seconds, size = float(sys.argv[2]), int(sys.argv[3])
took = sorted(float(t) for s, t in rows)
statuses = collections.Counter(s for s, _ in rows)
stored = statuses.get("303", 0)
p = lambda q: took[min(len(took) - 1, int(q * len(took)))] if took else float("nan")
print(f"{len(rows)} uploads ({', '.join(f'{n}× {s}' for s, n in sorted(statuses.items()))}); "
      f"each answered in p50 {p(0.5):.2f} s, p99 {p(0.99):.2f} s; "
      f"{stored * size / seconds / (1 << 20):.1f} MiB/s of notes stored")
PYSUM
}

# ------------------------------------------------------------------ measure

say "room page, quiet"
measure quiet "/r/$CODE" "$ROOM_HEADER"

loaded_seconds=$(($(seconds_of "$WARMUP") + $(seconds_of "$DURATION") + 1))
say "room page while $UPLOADERS people send 5 MiB notes for ${loaded_seconds} s"
upload_for "$loaded_seconds" "$DIR/uploads.txt" &
UPLOADS_PID=$!
sleep 1
measure loaded "/r/$CODE" "$ROOM_HEADER"
wait "$UPLOADS_PID" || die "the uploaders failed"
UPLOADS=$(upload_summary "$DIR/uploads.txt" "$loaded_seconds")
echo "uploads: $UPLOADS"

say "room page, quiet again"
measure after "/r/$CODE" "$ROOM_HEADER"
FILES=$(find "$POMOPOMO_UPLOADS/journal" -type f | wc -l)

echo
echo "== summary (bench/journal_uploads.sh, wrk ${WRK_FLAGS[*]} -d$DURATION on GET /r/CODE)"
printf '%-34s %10s %10s %10s\n' run req/s p50 p99
for name in quiet loaded after; do
  printf '%-34s %10s %10s %10s\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}"
done
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else if (v ~ /s$/) print v * 1000; else print v }'; }
echo "p99 loaded / quiet: $(ratio "$(to_ms "${P99[loaded]}")" "$(to_ms "${P99[quiet]}")")" \
  "(quiet again: $(ratio "$(to_ms "${P99[after]}")" "$(to_ms "${P99[quiet]}")"))"
echo "uploads during the loaded run: $UPLOADS"
echo "voice-note files on disk afterwards: $FILES (one per uploader: each note replaced the one before)"
