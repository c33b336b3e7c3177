#!/usr/bin/env bash
# Issue 13: 100,000 people with the same local reset time (midnight in Europe/Berlin): every reset
# runs within 10 s of the time, on one responder. Measures how late each reset ran.
#
#   bash bench/daily_reset.sh        (release build: BENCH_BIN=.build-release/release/pomopomo, or
#                                     .build/release/pomopomo by default)
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-reset.XXXXXX and
# seeds BENCH_PEOPLE (100,000) accounts in Europe/Berlin, each with a personal timer showing a count
# for the day before today's Berlin date and its daily-reset task (bench/daily_reset.sql). Then one
# statement makes every task due at the same instant T, a few seconds ahead (the stand-in for
# Berlin's midnight: the timers' day has ended, so each reset is real), and the responder's own
# sweeper does the work (DailyResetJobs: batches of 500 with SKIP LOCKED, two workers). Reported:
#   lateness  per timer, its reset event's reset_at − T: p50, p99, max (target: max under 10 s)
#   total     from T until the last task was stamped as run
#   checks    one automatic event per timer, every count 0, every closed day kept its count, every
#             task rescheduled to Berlin's next midnight
#
# Knobs: BENCH_PEOPLE (100000), BENCH_LEAD (5: seconds from the UPDATE to T), BENCH_KEEP=1.
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/daily_reset.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18480}
PEOPLE=${BENCH_PEOPLE:-100000}
LEAD=${BENCH_LEAD:-5}
use_bench_binary
require_tools nginx psql redis-cli
q() { psql "$POMOPOMO_DATABASE_URL" -X -v ON_ERROR_STOP=1 -qtA "$@"; }

start_throwaway_stack /tmp/pomopomo-reset "$LISTEN"
LOG=$DIR/log/$RESPONDER.log

today=$(TZ=Europe/Berlin date +%F)
say "seeding $PEOPLE timers in Europe/Berlin (bench/daily_reset.sql)"
started=$(date +%s%N)
q -v people="$PEOPLE" -v day="$today" -f bench/daily_reset.sql >/dev/null
say "seeded in $((($(date +%s%N) - started) / 1000000)) ms"

due=$(($(date +%s) + LEAD))
q -c "UPDATE scheduled_tasks SET next_execution_at = to_timestamp($due)"
say "every task due at $(date -d "@$due" -u +%T) UTC; waiting for the sweeper"
waited=0
while :; do
  left=$(q -c "SELECT count(*) FROM scheduled_tasks WHERE last_executed_at IS NULL")
  [ "$left" = 0 ] && break
  sleep 0.5
  waited=$((waited + 1))
  [ "$waited" -lt 240 ] || die "$left tasks still not run 2 minutes after T (log: $LOG)"
done

read -r p50 p99 worst first total events timers <<<"$(q -F ' ' -c "
  WITH e AS (SELECT timer_id, extract(epoch FROM reset_at) - $due AS late FROM session_reset_events WHERE reset_type = 'automatic')
  SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY late))::numeric, 3),
         round((percentile_cont(0.99) WITHIN GROUP (ORDER BY late))::numeric, 3),
         round(max(late)::numeric, 3), round(min(late)::numeric, 3),
         (SELECT round((extract(epoch FROM max(last_executed_at)) - $due)::numeric, 3) FROM scheduled_tasks),
         count(*), count(DISTINCT timer_id) FROM e")"
read -r zero closed rescheduled <<<"$(q -F ' ' -c "
  SELECT (SELECT count(*) FROM personal_timers WHERE today_count = 0 AND count_day = '$today'),
         (SELECT count(*) FROM daily_session_stats d JOIN personal_timers t ON t.id = d.timer_id
           WHERE d.date = '$today'::date - 1 AND d.final_count BETWEEN 1 AND 12 AND d.closed_at IS NOT NULL),
         (SELECT count(*) FROM scheduled_tasks
           WHERE next_execution_at = (('$today'::date + 1)::timestamp AT TIME ZONE 'Europe/Berlin'))")"
verdict=ok
for n in "$events" "$timers" "$zero" "$closed" "$rescheduled"; do [ "$n" = "$PEOPLE" ] || verdict=FAILED; done
awk -v w="$worst" 'BEGIN { exit !(w < 10) }' || verdict="FAILED (over 10 s)"

echo "daily resets: $PEOPLE timers in Europe/Berlin due at one instant, one responder (2 sweeper workers)"
echo "  lateness (reset_at - due): first ${first} s, p50 ${p50} s, p99 ${p99} s, max ${worst} s"
echo "  total: last task run ${total} s after it was due"
echo "  checks: $events events for $timers timers, $zero counts at 0, $closed days closed with their count, $rescheduled tasks at the next Berlin midnight: $verdict"
grep 'msg="daily resets"' "$LOG" | tail -n 4 | sed 's/^/  log: /'
