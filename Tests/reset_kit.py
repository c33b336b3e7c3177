"""Helpers for the daily-reset tests (issue 13, seed 002's DailyReset, ScheduledTask,
SessionResetEvent and DailySessionStats).

- at(text): unix seconds of a UTC wall time ("2025-03-09 07:00:00"), for readable tables.
- configure: a person's zone and reset time, as the person sets them (the configuration API).
- run_resets: one pass of the sweeper's daily resets (and the retention job) at a test-clock
  instant, through the debug-only route POST /_test/daily-resets/run.
- timer_row, task_row, events, stats_rows: what PostgreSQL holds for a timer afterwards.
- psql_error: runs a statement that must fail and returns PostgreSQL's complaint.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pomopomo_testkit import REQUEST_TIMEOUT, User

TEST_NOW = "X-Pomopomo-Test-Now"


def at(text: str) -> int:
    """Unix seconds of a UTC wall time "YYYY-MM-DD HH:MM:SS"."""
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp())


def utc_text(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def run_resets(user: User, now: float | None = None, responder=None) -> dict:
    """One pass of the due daily resets and the reset-event retention at `now` (the test clock;
    the real clock when None). `responder` = (stack, name) sends it straight to that responder.
    Returns {"ran": tasks taken, "reset": counts started over, "pruned": events deleted}."""
    token = user.csrf("/")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if now is not None:
        headers[TEST_NOW] = str(int(now))
    if responder is not None:
        stack, name = responder
        cookie = f"pp_sid={user.sid}"
        r = stack.fcgi(name, "POST", "/_test/daily-resets/run", headers={**headers, "Cookie": cookie,
                                                                         "Origin": stack.base_url},
                       body=f"csrf={token}".encode(), timeout=60)
        assert r.status == 200, f"run on {name}: {r.status} {r.body[:300]!r}"
        return r.json()
    r = user.request("POST", "/_test/daily-resets/run", data={"csrf": token}, headers=headers, timeout=60)
    assert r.status_code == 200, f"POST /_test/daily-resets/run: {r.status_code} {r.text[:300]}"
    return r.json()


def local_day(now: float, zone: str, minutes: int) -> str:
    """The day `now` falls in for a reset `minutes` after local midnight (DayBoundary's rule, for
    setup instants well away from any DST change)."""
    local = datetime.fromtimestamp(now, ZoneInfo(zone))
    day = local.date() if local.hour * 60 + local.minute >= minutes else local.date() - timedelta(days=1)
    return day.isoformat()


def minutes_of(kind: str, hhmm: str | None) -> int:
    if kind == "midnight" or not hhmm:
        return 0
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def configure(stack, user: User, user_id: str, zone: str, kind: str = "midnight", hhmm: str | None = None,
              now: float | None = None) -> str:
    """Sets the account's zone and daily reset time at `now` and returns its timer's id. Until the
    configuration API lands this writes the rows (zone, reset time, the day the count belongs
    to, a task due at `now`) and lets the sweeper point the task at the next reset."""
    minutes = minutes_of(kind, hhmm)
    stack.psql("update users set timezone = :'v1' where id = :'v2'", zone, user_id)
    timer_id = stack.psql(
        "insert into personal_timers (user_id, reset_kind, reset_minutes, count_day) "
        "values (:'v1', :'v2', :'v3'::int, :'v4'::date) on conflict (user_id) do update "
        "set reset_kind = excluded.reset_kind, reset_minutes = excluded.reset_minutes, count_day = excluded.count_day "
        "returning id",
        user_id, kind, str(minutes), local_day(now, zone, minutes)).splitlines()[0]
    stack.psql(
        "insert into scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at) "
        "values (:'v1', 'daily_reset', '-', :'v2', to_timestamp(:'v3'::float8)) "
        "on conflict (timer_id) where is_active and task_type = 'daily_reset' "
        "do update set next_execution_at = excluded.next_execution_at, timezone = excluded.timezone",
        timer_id, zone, str(now))
    ran = run_resets(user, now)
    assert ran["ran"] >= 1, ran
    return timer_id


def set_count(stack, user: User, timer_id: str, count: int, now: float):
    """Today's count set to `count` at `now`."""
    stack.psql("update personal_timers set today_count = :'v1'::int where id = :'v2'", str(count), timer_id)


def timer_row(stack, timer_id: str) -> dict:
    return json.loads(stack.psql(
        "select json_build_object('today_count', today_count, 'count_day', count_day, 'version', version, "
        "'cycle_done', cycle_done, 'manual_override', manual_override, "
        "'last_daily_reset', extract(epoch from last_daily_reset)) from personal_timers where id = :'v1'", timer_id))


def task_row(stack, timer_id: str) -> dict:
    return json.loads(stack.psql(
        "select json_build_object('next', extract(epoch from next_execution_at), "
        "'last', extract(epoch from last_executed_at), 'cron', cron_expression, 'timezone', timezone) "
        "from scheduled_tasks where timer_id = :'v1' and is_active and task_type = 'daily_reset'", timer_id))


def events(stack, timer_id: str) -> list[dict]:
    out = stack.psql(
        "select coalesce(json_agg(json_build_object('type', reset_type, 'previous', previous_count, 'new', new_count, "
        "'at', extract(epoch from reset_at), 'zone', user_timezone, 'local', local_reset_time, 'device', device_id) "
        "order by reset_at, id), '[]') from session_reset_events where timer_id = :'v1'", timer_id)
    return json.loads(out)


def stats_rows(stack, timer_id: str) -> dict[str, dict]:
    out = stack.psql(
        "select coalesce(json_object_agg(date, json_build_object('final', final_count, 'closed', closed_at is not null, "
        "'sessions', work_sessions_completed, 'zone', timezone)), '{}') from daily_session_stats where timer_id = :'v1'",
        timer_id)
    return json.loads(out)


def psql_error(stack, sql: str, *args: str) -> str:
    """Runs one statement that must fail; returns PostgreSQL's message."""
    cmd = ["psql", stack.env["POMOPOMO_DATABASE_URL"], "-X", "-At", "-v", "ON_ERROR_STOP=1"]
    for i, a in enumerate(args, 1):
        cmd += ["-v", f"v{i}={a}"]
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=REQUEST_TIMEOUT)
    assert out.returncode != 0, f"expected {sql!r} to fail, it printed {out.stdout!r}"
    return out.stderr
