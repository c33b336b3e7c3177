#!/usr/bin/env bash
# `pomopomo clean-rooms` on many expired rooms: how long it takes, and whether daily_statistics ends up
# exactly as computed from the rows beforehand. Called by bench/run.sh; also runs on its own against
# any migrated database (it adds rooms coded ZZxxxx and cleans every expired room there):
#
#   . DIR/env; POMOPOMO_BIN=.build/release/pomopomo bash bench/clean_rooms.sh [ROOMS] [SUMMARY_FILE]
#
# 1. bench/expired_rooms.sql seeds ROOMS (default 10000) expired rooms with segments, participants
#    (sessions shared across rooms and days), messages, tasks, proposals and focus completions, and
#    writes the expected daily_statistics to the table bench_expected_daily.
# 2. Runs `pomopomo clean-rooms` once, timed; compares daily_statistics with the expected rows (prints OK
#    or the differing days), checks that no expired room is left and that the live rooms are untouched.
# 3. Runs it again: nothing may change (daily_statistics identical, rooms=0).
# SUMMARY_FILE, if given, receives key=value lines for bench/run.sh's report. Exit status 0 even when a
# check fails (the output says which); 1 when something could not run at all.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROOMS=${1:-10000}
SUMMARY=${2:-/dev/null}
BIN=${POMOPOMO_BIN:-$ROOT/.build/release/pomopomo}
say() { printf 'clean_rooms: %s\n' "$*"; }
die() { printf 'clean_rooms: error: %s\n' "$*" >&2; exit 1; }
[ -n "${POMOPOMO_DATABASE_URL:-}" ] || die "POMOPOMO_DATABASE_URL is not set (source the bench data dir's env)"
[ -x "$BIN" ] || die "no binary at $BIN"
q() { psql "$POMOPOMO_DATABASE_URL" -X -v ON_ERROR_STOP=1 -qtA "$@"; }
now_ms() { date +%s%3N; }

say "seeding $ROOMS expired rooms (bench/expired_rooms.sql)"
t=$(now_ms)
q -v rooms="$ROOMS" -f "$ROOT/bench/expired_rooms.sql" 2>&1 | grep -v '^psql:.*NOTICE' | sed 's/^/clean_rooms: /'
say "seeding took $(( $(now_ms) - t )) ms"

# What the command should report, from the rows before it runs.
read -r exp_rooms exp_participants exp_focus <<<"$(q -F ' ' -c "
  SELECT count(DISTINCT r.id),
         (SELECT count(*) FROM participants p JOIN rooms r ON r.id = p.room_id WHERE r.expires_at <= now()),
         (SELECT coalesce(sum(f.seconds), 0) FROM focus_completions f JOIN rooms r ON r.id = f.room_id WHERE r.expires_at <= now())
  FROM rooms r WHERE r.expires_at <= now()")"
exp_sessions=$(q -c "SELECT (SELECT coalesce(sum(total_sessions), 0) FROM bench_expected_daily)
                          - (SELECT coalesce(sum(total_sessions), 0) FROM daily_statistics)")
live_before=$(q -c "SELECT count(*) || ' rooms, version sum ' || coalesce(sum(version), 0) FROM rooms WHERE expires_at > now()")
say "expected: rooms=$exp_rooms participants=$exp_participants sessions=$exp_sessions (new distinct per day) focus_seconds=$exp_focus; live rooms: $live_before"

stats_digest() { q -c "SELECT md5(coalesce(string_agg(d::text, ';' ORDER BY day), '')) FROM daily_statistics d"; }

run_clean() { # $1 = label; sets OUT, RC, MS
  local out t0 t1
  out=$(mktemp)
  t0=$(now_ms)
  set +e
  "$BIN" clean-rooms >"$out" 2>&1
  RC=$?
  set -e
  t1=$(now_ms)
  MS=$((t1 - t0))
  OUT=$(cat "$out")
  rm -f "$out"
  say "$1: exit $RC after $MS ms; it printed:"
  printf '%s\n' "$OUT" | tail -n 5 | sed 's/^/    /'
}

run_clean "first run"
first_rc=$RC first_ms=$MS first_out=$(printf '%s\n' "$OUT" | grep -E '(^| )rooms=[0-9]+' | tail -n 1 || true)

diff_rows=$(q -F ' ' -c "
  SELECT coalesce(e.day, d.day),
         'expected', coalesce(e.rooms_created::text, '-'), coalesce(e.total_participants::text, '-'),
                     coalesce(e.total_sessions::text, '-'), coalesce(e.total_focus_seconds::text, '-'),
         'got', coalesce(d.rooms_created::text, '-'), coalesce(d.total_participants::text, '-'),
                coalesce(d.total_sessions::text, '-'), coalesce(d.total_focus_seconds::text, '-')
  FROM bench_expected_daily e FULL JOIN daily_statistics d ON d.day = e.day
  WHERE (e.rooms_created, e.total_participants, e.total_sessions, e.total_focus_seconds)
        IS DISTINCT FROM (d.rooms_created, d.total_participants, d.total_sessions, d.total_focus_seconds)
  ORDER BY 1")
days=$(q -c "SELECT count(*) FROM bench_expected_daily")
if [ -z "$diff_rows" ]; then
  stats=OK
  say "daily_statistics: OK (all $days days exactly as expected)"
else
  stats=DIFF
  say "daily_statistics: DIFFERENT on $(printf '%s\n' "$diff_rows" | wc -l) of $days days (day, expected rooms participants sessions focus_seconds, got ...):"
  printf '%s\n' "$diff_rows" | sed 's/^/    /'
fi
expired_left=$(q -c "SELECT count(*) FROM rooms WHERE expires_at <= now()")
live_after=$(q -c "SELECT count(*) || ' rooms, version sum ' || coalesce(sum(version), 0) FROM rooms WHERE expires_at > now()")
orphans=$(q -c "SELECT (SELECT count(*) FROM participants p WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = p.room_id))
                     + (SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = m.room_id))
                     + (SELECT count(*) FROM focus_completions f WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.id = f.room_id))")
say "expired rooms left: $expired_left; live rooms: $live_after (before: $live_before); rows without a room: $orphans"
live_ok=$([ "$live_after" = "$live_before" ] && echo yes || echo NO)

digest1=$(stats_digest)
seen1=$(q -c "SELECT count(*) FROM daily_session_seen")
run_clean "second run"
second_rc=$RC second_ms=$MS second_out=$(printf '%s\n' "$OUT" | grep -E '(^| )rooms=[0-9]+' | tail -n 1 || true)
digest2=$(stats_digest)
seen2=$(q -c "SELECT count(*) FROM daily_session_seen")
if [ "$digest1" = "$digest2" ]; then second=unchanged; else second=CHANGED; fi
say "second run: daily_statistics $second; daily_session_seen rows $seen1 -> $seen2"

q -c "DROP TABLE bench_expected_daily"

# Does the command's own summary agree with the rows?
has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; } # has "k=v k=v" "k=v"
reported_ok=yes
for kv in "rooms=$exp_rooms" "participants=$exp_participants" "sessions=$exp_sessions" "focus_seconds=$exp_focus"; do
  has "$first_out" "$kv" || reported_ok=NO
done
second_zero=NO
has "$second_out" "rooms=0" && second_zero=yes

verdict=ok
[ "$first_rc" = 0 ] && [ "$second_rc" = 0 ] && [ "$stats" = OK ] && [ "$expired_left" = 0 ] &&
  [ "$second" = unchanged ] && [ "$live_ok" = yes ] && [ "$orphans" = 0 ] || verdict=FAILED
say "first run: $first_ms ms for $exp_rooms rooms; statistics $stats; expired left $expired_left; live rooms untouched: $live_ok; second run ($second_ms ms): $second, reports rooms=0: $second_zero; summary line matches the rows: $reported_ok => $verdict"
# key=value lines, shell-quoted (bench/run.sh sources them)
{
  printf '%s=%q\n' clean_rooms "$exp_rooms"
  printf '%s=%q\n' clean_first_ms "$first_ms"
  printf '%s=%q\n' clean_first_rc "$first_rc"
  printf '%s=%q\n' clean_first_out "$first_out"
  printf '%s=%q\n' clean_expected "rooms=$exp_rooms participants=$exp_participants sessions=$exp_sessions focus_seconds=$exp_focus"
  printf '%s=%q\n' clean_stats "$stats"
  printf '%s=%q\n' clean_days "$days"
  printf '%s=%q\n' clean_expired_left "$expired_left"
  printf '%s=%q\n' clean_live_ok "$live_ok"
  printf '%s=%q\n' clean_orphans "$orphans"
  printf '%s=%q\n' clean_second_ms "$second_ms"
  printf '%s=%q\n' clean_second_rc "$second_rc"
  printf '%s=%q\n' clean_second_out "$second_out"
  printf '%s=%q\n' clean_second "$second"
  printf '%s=%q\n' clean_second_zero "$second_zero"
  printf '%s=%q\n' clean_reported_ok "$reported_ok"
  printf '%s=%q\n' clean_verdict "$verdict"
} >"$SUMMARY"
