#!/usr/bin/env bash
# Completing a focus segment in a room with many people present: every one of them is credited in the
# transaction that completes it. How long does that transaction hold the room lock? Called by
# bench/run.sh; also runs on its own against a running responder whose log it can read:
#
#   . DIR/env; bash bench/credit_crowd.sh RESPONDER_LOG [PEOPLE] [ROUNDS] [SUMMARY_FILE]
#
# Each round seeds one room (bench/credit_crowd.sql: PEOPLE present, default 1000, half signed in)
# whose focus segment ends two seconds later, waits for the responder's sweeper to complete it, and
# reads the sweeper's "credited focus" log line (credits written, held_ms: the sweep transaction,
# which holds the room's row lock from its SELECT … FOR UPDATE to its commit). It checks that every
# person got one ledger row of the whole segment and that the accounts' user_stats moved.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOG=${1:?usage: credit_crowd.sh RESPONDER_LOG [PEOPLE] [ROUNDS] [SUMMARY_FILE]}
PEOPLE=${2:-1000}
ROUNDS=${3:-5}
SUMMARY=${4:-/dev/null}
say() { printf 'credit_crowd: %s\n' "$*"; }
die() { printf 'credit_crowd: error: %s\n' "$*" >&2; exit 1; }
[ -n "${POMOPOMO_DATABASE_URL:-}" ] || die "POMOPOMO_DATABASE_URL is not set (source the bench data dir's env)"
[ -f "$LOG" ] || die "no responder log at $LOG"
q() { psql "$POMOPOMO_DATABASE_URL" -X -v ON_ERROR_STOP=1 -qtA "$@"; }

held=()
verdict=ok
for round in $(seq 1 "$ROUNDS"); do
  code=CRWD$(printf '%s' "23456789ABCDEFGHJKMNPQRSTVWXYZ" | cut -c "$round")Z
  q -c "DELETE FROM rooms WHERE code = '$code'"
  lines_before=$(grep -c 'credited focus' "$LOG" || true)
  q -v people="$PEOPLE" -v code="$code" -v round="$round" -f "$ROOT/bench/credit_crowd.sql" >/dev/null
  room=$(q -c "SELECT id FROM rooms WHERE code = '$code'")
  waited=0
  until [ "$(grep -c 'credited focus' "$LOG" || true)" -gt "$lines_before" ]; do
    sleep 0.2
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || die "round $round: no 'credited focus' line in $LOG within 20 s"
  done
  line=$(grep 'credited focus' "$LOG" | tail -n 1)
  ms=$(printf '%s\n' "$line" | sed -n 's/.*held_ms=\([0-9.]*\).*/\1/p')
  read -r rows whole accounts <<<"$(q -F ' ' -c "
    SELECT count(*), count(*) FILTER (WHERE seconds BETWEEN 1497 AND 1500 AND completed), count(user_id)
    FROM focus_credits WHERE room_id = '$room'")"
  ok=yes
  [ "$rows" = "$PEOPLE" ] && [ "$whole" = "$PEOPLE" ] || ok=NO
  [ "$ok" = yes ] || verdict=FAILED
  say "round $round: $rows ledger rows ($whole of the whole segment, $accounts signed in) for $PEOPLE present; held_ms=$ms; ${line#*msg=}; rows right: $ok"
  held+=("$ms")
done
sorted=$(printf '%s\n' "${held[@]}" | sort -g)
median=$(printf '%s\n' "$sorted" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
worst=$(printf '%s\n' "$sorted" | tail -n 1)
say "$PEOPLE present, $ROUNDS rounds: room lock held median $median ms, worst $worst ms; $verdict"
{
  printf '%s=%q\n' crowd_people "$PEOPLE"
  printf '%s=%q\n' crowd_rounds "$ROUNDS"
  printf '%s=%q\n' crowd_median_ms "$median"
  printf '%s=%q\n' crowd_worst_ms "$worst"
  printf '%s=%q\n' crowd_verdict "$verdict"
} >"$SUMMARY"
