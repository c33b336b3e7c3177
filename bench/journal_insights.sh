#!/usr/bin/env bash
# Issue 15: /journal/insights after two years of daily use (about 8 sessions a day, with
# interruptions and breaks). Reports its p50 through nginx as a ratio to the C baseline's (b) in the
# same run, the responder's own p50/p99, and EXPLAIN (ANALYZE, BUFFERS) of the page's statements.
#
#   bash bench/journal_insights.sh     (release build: BENCH_BIN, .build/release/pomopomo by default)
#
# It starts its own stack (PostgreSQL, Redis, one responder, nginx) in /tmp/pomopomo-ji.XXXXXX, writes
# BENCH_DAYS (730) days of one account's journal as events (bench/journal_insights.sql), times
# `pomopomo journal rebuild --user ID` (the projections made from the events), lets VACUUM ANALYZE
# settle the tables as autovacuum would, then measures with wrk through nginx:
#   all       GET /journal/insights?range=all as the owner (every session, grouped by month)
#   month     GET /journal/insights?range=month (the last 30 days, by day)
#   (b)       bench/c-responder.c sending the "all" page's bytes behind the same nginx (the ceiling)
# then the responder's own time for both (its debug log, us=…) at a gentle concurrency, beside the
# same account's /me for reference, kept (the
# body JournalInsightsCache keeps per state of the journal) and first views (made afresh), and the plans
# of JournalInsightsStore's statements (read from its source, so they are the ones the page runs) for
# both ranges.
#
# Knobs: BENCH_LISTEN (127.0.0.1:18391), BENCH_DAYS (730), BENCH_DURATION (10s), BENCH_WARMUP (3s),
# BENCH_WRK ("-t2 -c64"), BENCH_COLD (20 first views of each range), BENCH_OTHERS (100 other accounts with
# 60 days of journal each, around the measured one), BENCH_KEEP=1 (keep the data dir).
set -euo pipefail
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
SCRIPT_NAME=bench/journal_insights.sh
LISTEN=${BENCH_LISTEN:-127.0.0.1:18391}
BASE=http://$LISTEN
DAYS=${BENCH_DAYS:-730}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
COLD=${BENCH_COLD:-20}
OTHERS=${BENCH_OTHERS:-100}
read -r -a WRK_FLAGS <<<"${BENCH_WRK:--t2 -c64}"
use_bench_binary
require_tools wrk curl cc nginx psql "$PY"

start_throwaway_stack /tmp/pomopomo-ji "$LISTEN"
q() { psql "$POMOPOMO_DATABASE_URL" -X -qtA "$@"; }

# ------------------------------------------------------------------ seed, rebuild

read -r COOKIE viewer_hash < <(new_session_cookie)
started=$(date +%s%N)
OWNER=$(q -v days="$DAYS" -v others="$OTHERS" -v viewer_hash="$viewer_hash" -f bench/journal_insights.sql | tail -n 1)
[ -n "$OWNER" ] || die "seeding failed"
EVENTS=$(q -c "SELECT count(*) FROM journal_events WHERE user_id = '$OWNER'")
say "wrote $EVENTS events over $DAYS days in $((($(date +%s%N) - started) / 1000000)) ms"
started=$(date +%s%N)
REBUILD=$("$POMOPOMO_BIN" journal rebuild --user "$OWNER" 2>&1) || { printf '%s\n' "$REBUILD"; die "journal rebuild failed"; }
REBUILD_MS=$((($(date +%s%N) - started) / 1000000))
say "rebuild: $REBUILD ($REBUILD_MS ms wall)"
q -c "VACUUM (ANALYZE) journal_days, journal_sessions, journal_interruptions, journal_breaks, audio_assets"
ROWS=$(q -v owner="$OWNER" <<'SQL'
SELECT (SELECT count(*) FROM journal_days WHERE user_id = :'owner') || ' days, '
    || (SELECT count(*) FROM journal_sessions WHERE user_id = :'owner') || ' sessions, '
    || (SELECT count(*) FROM journal_interruptions WHERE user_id = :'owner') || ' interruptions, '
    || (SELECT count(*) FROM journal_breaks WHERE user_id = :'owner') || ' breaks; '
    || (SELECT count(*) FROM journal_sessions) || ' sessions in the table'
SQL
)
say "projections: $ROWS"

HEADER="Cookie: pp_sid=$COOKIE; pp_in=1"
ALL_PATH="/journal/insights?range=all"
MONTH_PATH="/journal/insights?range=month"
curl -sf -H "$HEADER" -o "$DIR/all.html" "$BASE$ALL_PATH" || die "GET $ALL_PATH failed"
curl -sf -H "$HEADER" -o "$DIR/month.html" "$BASE$MONTH_PATH" || die "GET $MONTH_PATH failed"
for page in all month; do
  grep -q 'id="focus-hours-table"' "$DIR/$page.html" || die "the $page page has no focus hours table"
done
STARTED=$(sed -n 's/.*id="figure-started">\([0-9]*\)<.*/\1/p' "$DIR/all.html")
[ "$STARTED" = "$(q -c "SELECT count(*) FROM journal_sessions WHERE user_id = '$OWNER'")" ] || die "the all page counts $STARTED sessions"
say "all: $(stat -c %s "$DIR/all.html") bytes, $STARTED sessions; month: $(stat -c %s "$DIR/month.html") bytes"

# ------------------------------------------------------------------ the plans

# Each statement of JournalInsightsStore as the page runs it, prepared and executed with the owner's
# values: all days (no first day, sessions from -infinity, grouped by month), and the last 30 (their
# first day, sessions from two days before it began in Berlin, grouped by day).
PLANS=$DIR/plans.txt
"$PY" - Sources/App/Journal/JournalInsightsStore.swift "$OWNER" >"$DIR/explain.sql" <<'PYPLANS'
import re, sys, textwrap
source, owner = open(sys.argv[1]).read(), sys.argv[2]
statements = dict(re.findall(r'static let (\w+) = """\n(.*?)\n\s*"""', source, re.S))
zone = "'Europe/Berlin'"
ranges = {
    "all": {"day": "NULL", "unit": "'month'", "since": "'-infinity'"},
    "month": {"day": "current_date - 29", "unit": "'day'",
              "since": f"extract(epoch FROM (current_date - 29)::timestamp AT TIME ZONE {zone}) - 172800"},
}
runs = [  # (statement, range, its parameters after the owner)
    ("sessionGroups", "all", ("day", "unit", "since")), ("focusHours", "all", ("day", zone, "since")),
    ("allInterruptionGroups", "all", (zone,)), ("allBreakGroups", "all", ()),
    ("sessionGroups", "month", ("day", "unit", "since")), ("focusHours", "month", ("day", zone, "since")),
    ("interruptionGroups", "month", ("day", zone, "since")), ("breakGroups", "month", ("day", "since")),
]
assert {r[0] for r in runs} <= set(statements), f"JournalInsightsStore has {sorted(statements)}"
for name in dict.fromkeys(r[0] for r in runs):
    print(f"PREPARE {name} AS {textwrap.dedent(statements[name])};")
for name, label, params in runs:
    values = ", ".join([f"'{owner}'"] + [ranges[label].get(p, p) for p in params])
    print(f"\\echo '-- {name}, range {label}'")
    print(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE {name}({values});")
PYPLANS
q -f "$DIR/explain.sql" >"$PLANS" || die "EXPLAIN failed (see $DIR/explain.sql)"

# ------------------------------------------------------------------ wrk through nginx

start_c_baseline "$DIR/all.html"
say "wrk ${WRK_FLAGS[*]} -d$DURATION --latency, after a $WARMUP warm-up"
measure all "$ALL_PATH" "$HEADER"
measure month "$MONTH_PATH" "$HEADER"
measure C /bench/c

# ------------------------------------------------------------------ the responder's own time

# Kept bodies (JournalInsightsCache) first; then first views: before each, one more event in the
# journal (a voice note deleted, which changes no projection), so the page is made afresh
# (`&cold=1` only names those requests in the log).
own_time_begin
gentle_load "$ALL_PATH" "$HEADER"
gentle_load "$MONTH_PATH" "$HEADER"
gentle_load /me "$HEADER"
for _ in $(seq "$COLD"); do
  for path in "$ALL_PATH" "$MONTH_PATH"; do
    q -c "INSERT INTO journal_events (user_id, kind, at, payload)
          VALUES ('$OWNER', 'audio_deleted', now(), jsonb_build_object('audio', gen_random_uuid()::text))"
    curl -sf -o /dev/null -H "$HEADER" "$BASE$path&cold=1" || die "GET $path&cold=1 failed"
  done
done
own_time_end
OWN_ALL=$(own_time all "$ALL_PATH")
OWN_MONTH=$(own_time month "$MONTH_PATH")
OWN_ME=$(own_time "me (reference: the same account's /me)" /me)
COLD_ALL=$(own_time "all, first view" "$ALL_PATH&cold=1")
COLD_MONTH=$(own_time "month, first view" "$MONTH_PATH&cold=1")

# ------------------------------------------------------------------ summary

ms() { # wrk latency (123.45us | 1.23ms | 1.20s) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; printf "%.2f", n }'
}
echo
echo "== /journal/insights after $DAYS days of daily use ($EVENTS events; $ROWS) =="
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "rebuild from the events: $REBUILD, $REBUILD_MS ms wall"
echo "pages: all $(stat -c %s "$DIR/all.html") bytes, month $(stat -c %s "$DIR/month.html") bytes"
printf '%-36s %10s %10s %10s\n' "wrk ${WRK_FLAGS[*]}, through nginx" "req/s" "p50" "p99"
printf '%-36s %10s %10s %10s\n' "(b) C libfcgi responder, same bytes" "${RPS[C]}" "${P50[C]}" "${P99[C]}"
printf '%-36s %10s %10s %10s\n' "(j) range=all" "${RPS[all]}" "${P50[all]}" "${P99[all]}"
printf '%-36s %10s %10s %10s\n' "(j') range=month" "${RPS[month]}" "${P50[month]}" "${P99[month]}"
echo "p50 j/b $(ratio "$(ms "${P50[all]}")" "$(ms "${P50[C]}")"), j'/b $(ratio "$(ms "${P50[month]}")" "$(ms "${P50[C]}")") (times slower);" \
  "req/s j/b $(ratio "${RPS[all]}" "${RPS[C]}"), j'/b $(ratio "${RPS[month]}" "${RPS[C]}")"
echo "$OWN_ALL"
echo "$OWN_MONTH"
echo "$OWN_ME"
echo "${COLD_ALL/at wrk -t1 -c4/one at a time}"
echo "${COLD_MONTH/at wrk -t1 -c4/one at a time}"
echo
cat "$PLANS"
