"""Helpers for the daily-reset tests (issue 13, seed 002's DailyReset, ScheduledTask,
SessionResetEvent and DailySessionStats).

- at(text): unix seconds of a UTC wall time ("2025-03-09 07:00:00"), for readable tables.
- configure, set_count: a person's zone and reset time, and today's count, as the person sets
  them (the JSON API at a test-clock instant).
- run_resets: one pass of the sweeper's daily resets (and the retention job) at a test-clock
  instant, through the debug-only route POST /_test/daily-resets/run.
- timer_row, task_row, events, stats_rows: what PostgreSQL holds for a timer afterwards.
- psql_error: runs a statement that must fail and returns PostgreSQL's complaint.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime

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


def api_put(user: User, path: str, body: dict, now: float | None) -> dict:
    """A PUT to the personal timer's JSON API at `now` (the real clock when None), as the browser
    sends it (cookie and the page's CSRF token in X-CSRF-Token); returns the timer as answered."""
    headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": user.csrf("/")}
    if now is not None:
        headers[TEST_NOW] = str(int(now))
    r = user.request("PUT", path, data=json.dumps(body).encode(), headers=headers, timeout=REQUEST_TIMEOUT)
    assert r.status_code == 200, f"PUT {path} {body}: {r.status_code} {r.text[:300]}"
    return r.json()


def configure(stack, user: User, zone: str, kind: str = "midnight", hhmm: str | None = None,
              now: float | None = None) -> str:
    """Sets the person's zone and daily reset time at `now` through the configuration API, as
    they would, and returns their timer's id."""
    api_put(user, "/api/configuration/timezone", {"timezone": zone}, now)
    body = {"reset_kind": kind}
    if kind == "custom":
        body["reset_custom"] = hhmm
    elif kind == "hour":
        body["reset_hour"] = int(hhmm.split(":")[0])
    api_put(user, "/api/configuration", body, now)
    return stack.psql("select t.id from personal_timers t join sessions s on s.user_id = t.user_id "
                      "where s.id_hash = sha256(convert_to(:'v1', 'UTF8'))", user.sid) or \
        stack.psql("select id from personal_timers where session_hash = sha256(convert_to(:'v1', 'UTF8'))", user.sid)


def set_count(user: User, count: int, now: float | None):
    """Today's count set by hand to `count` at `now` (PUT /api/session-count)."""
    assert api_put(user, "/api/session-count", {"count": count}, now)["today_count"] == count


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


def resets(stack, timer_id: str) -> list[dict]:
    """The automatic (daily) reset events of the timer, oldest first."""
    return [e for e in events(stack, timer_id) if e["type"] == "automatic"]


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


def due_in(stack, timer_id: str, seconds: float):
    """Makes the timer's day end `seconds` from now by the real clock, as if its reset time came
    then: the count's day moves back one and the task comes due (for the tests that need the
    responders' own sweeper, which runs on the real clock)."""
    stack.psql("update personal_timers set count_day = count_day - 1 where id = :'v1'", timer_id)
    stack.psql("update scheduled_tasks set next_execution_at = now() + make_interval(secs => :'v2'::float8) "
               "where timer_id = :'v1' and is_active", timer_id, str(seconds))


def wait_for(check, timeout: float, what: str):
    """Polls `check` every 0.2 s until it returns something truthy; fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.2)


def psql_error(stack, sql: str, *args: str) -> str:
    """Runs one statement that must fail; returns PostgreSQL's message."""
    cmd = ["psql", stack.env["POMOPOMO_DATABASE_URL"], "-X", "-At", "-v", "ON_ERROR_STOP=1"]
    for i, a in enumerate(args, 1):
        cmd += ["-v", f"v{i}={a}"]
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True, timeout=REQUEST_TIMEOUT)
    assert out.returncode != 0, f"expected {sql!r} to fail, it printed {out.stdout!r}"
    return out.stderr
