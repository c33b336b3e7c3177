"""The personal timer's daily reset (issue 13 "Daily reset", seed 002): seed scenarios (standard
user, international user), the sweeper taking each due reset once across responders, catch-up
after downtime, the one-active-task rule, retention and /timer/history. DST nights and odd zones
are in test_http_timer_reset_dst.py.

Time is driven with the test clock (X-Pomopomo-Test-Now) and the debug-only route
POST /_test/daily-resets/run, one sweeper pass at that instant; the fault tests at the end use the
responders' own sweeper and the real clock."""

from __future__ import annotations

import concurrent.futures
import time

from pomopomo_testkit import parse_html
from reset_kit import at, configure, events, psql_error, resets, run_resets, set_count, stats_rows, task_row, timer_row


def start_count(stack, account, zone, kind, hhmm, setup, count=5):
    """A fresh account whose timer is configured at `setup` and shows `count`."""
    acct = account("reset")
    timer = configure(stack, acct.user, zone, kind, hhmm, now=setup)
    set_count(acct.user, count, setup)
    return acct, timer


def assert_resets_once_at(stack, acct, timer, expected: int, local: str, count=5):
    """Nothing at expected - 1 s; the reset at `expected` (one automatic event, count 0); nothing
    more an hour later."""
    run_resets(acct.user, expected - 1)
    assert timer_row(stack, timer)["today_count"] == count, "reset before its time"
    assert resets(stack, timer) == []
    run_resets(acct.user, expected)
    assert timer_row(stack, timer)["today_count"] == 0
    (event,) = resets(stack, timer)
    assert (event["type"], event["previous"], event["new"], event["device"]) == ("automatic", count, 0, None)
    assert event["at"] == expected
    assert event["local"] == local
    run_resets(acct.user, expected + 3600)
    run_resets(acct.user, expected + 2 * 3600)
    assert len(resets(stack, timer)) == 1, "the reset ran twice"
    return event


def test_standard_user_utc_midnight(stack, account):
    acct, timer = start_count(stack, account, "UTC", "midnight", None, at("2025-06-10 15:00:00"))
    assert task_row(stack, timer)["next"] == at("2025-06-11 00:00:00")
    assert task_row(stack, timer)["cron"] == "0 0 * * *"
    assert_resets_once_at(stack, acct, timer, at("2025-06-11 00:00:00"), "2025-06-11 00:00 UTC")
    row = timer_row(stack, timer)
    assert row["count_day"] == "2025-06-11" and row["last_daily_reset"] == at("2025-06-11 00:00:00")
    # The day that ended is closed with what it showed; the task points at the next midnight.
    assert stats_rows(stack, timer)["2025-06-10"]["final"] == 5
    task = task_row(stack, timer)
    assert task["next"] == at("2025-06-12 00:00:00") and task["last"] == at("2025-06-11 00:00:00")


def test_international_user_custom_time(stack, account):
    # Tokyo is UTC+9 all year: 06:45 there is 21:45 UTC the day before.
    acct, timer = start_count(stack, account, "Asia/Tokyo", "custom", "06:45", at("2025-06-10 03:00:00"), count=7)
    assert task_row(stack, timer)["cron"] == "45 6 * * *"
    assert_resets_once_at(stack, acct, timer, at("2025-06-10 21:45:00"), "2025-06-11 06:45 UTC+9", count=7)
    assert timer_row(stack, timer)["count_day"] == "2025-06-11"
    assert task_row(stack, timer)["next"] == at("2025-06-11 21:45:00")


def test_catch_up_after_days_of_downtime_resets_once_and_closes_each_missed_day(stack, account):
    acct, timer = start_count(stack, account, "Europe/Berlin", "hour", "04:00", at("2025-06-10 10:00:00"), count=3)
    # Nothing ran for three reset times; the sweeper comes back on the 13th at noon.
    ran = run_resets(acct.user, at("2025-06-13 10:00:00"))
    assert ran["reset"] >= 1
    (event,) = resets(stack, timer)
    assert (event["previous"], event["local"]) == (3, "2025-06-13 12:00 UTC+2")
    assert timer_row(stack, timer)["count_day"] == "2025-06-13"
    days = stats_rows(stack, timer)
    # The count's day keeps what it showed; the days nobody saw close at zero.
    assert {d: (r["final"], r["closed"]) for d, r in days.items()} == {
        "2025-06-10": (3, True), "2025-06-11": (0, True), "2025-06-12": (0, True)}
    assert task_row(stack, timer)["next"] == at("2025-06-14 02:00:00")
    run_resets(acct.user, at("2025-06-13 23:00:00"))
    assert len(resets(stack, timer)) == 1


def test_only_one_active_daily_reset_task_per_timer(stack, account):
    acct, timer = start_count(stack, account, "UTC", "midnight", None, at("2025-06-10 12:00:00"))
    message = psql_error(
        stack, "insert into scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at) "
               "values (:'v1', 'daily_reset', '0 0 * * *', 'UTC', now())", timer)
    assert "scheduled_tasks_one_daily_reset" in message
    # An inactive one (history) may sit beside it.
    stack.psql("insert into scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at, is_active) "
               "values (:'v1', 'daily_reset', '0 0 * * *', 'UTC', now(), false)", timer)
    assert stack.psql("select count(*) from scheduled_tasks where timer_id = :'v1' and is_active", timer) == "1"


def test_two_responders_sweeping_at_once_reset_each_timer_exactly_once(stack, account, new_user):
    setup = at("2025-07-01 12:00:00")
    acct, first = start_count(stack, account, "UTC", "midnight", None, setup)
    # 1,200 more timers (guests' timers need sessions: these belong to accounts made with SQL),
    # all due at the same midnight, more than two batches each.
    tag = str(int(time.time() * 1000))
    stack.psql(
        "with u as (insert into users (email, email_verified_at, username, display_name) "
        "select 'sweep' || i || '-' || :'v1' || '@example.test', now(), 'sw' || i || '_' || :'v1', 'S' "
        "from generate_series(1, 1200) i returning id), "
        "t as (insert into personal_timers (user_id, count_day, today_count) select id, '2025-07-01', 2 from u returning id) "
        "insert into scheduled_tasks (timer_id, task_type, cron_expression, timezone, next_execution_at) "
        "select id, 'daily_reset', '0 0 * * *', 'UTC', '2025-07-02 00:00:00+00' from t", tag)
    midnight = at("2025-07-02 00:00:00")
    runner_a, runner_b = new_user(), new_user()
    # Each runner's session exists before the runs: two first visits at once from one browser
    # would each start a session, and one run would post the other session's token (403).
    runner_a.csrf("/")
    runner_b.csrf("/")
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            runs = [pool.submit(run_resets, user, midnight + 5, (stack, name))
                    for user, name in ((runner_a, "a"), (runner_b, "b"), (runner_a, "a"), (runner_b, "b"))]
            outcomes = [f.result() for f in runs]
        assert sum(o["reset"] for o in outcomes) >= 1201
        counts = stack.psql(
            "select count(*) || ' ' || count(distinct e.timer_id) from session_reset_events e "
            "join personal_timers t on t.id = e.timer_id join users u on u.id = t.user_id "
            "where u.email like '%-' || :'v1' || '@example.test' and e.reset_type = 'automatic'", tag)
        assert counts == "1200 1200", "every timer reset, none twice"
        assert len(resets(stack, first)) == 1
        assert stack.psql(
            "select count(*) from scheduled_tasks s join personal_timers t on t.id = s.timer_id join users u on u.id = t.user_id "
            "where u.email like '%-' || :'v1' || '@example.test' and s.next_execution_at = '2025-07-03 00:00:00+00' "
            "and s.last_executed_at = to_timestamp(:'v2'::float8)", tag, str(midnight + 5)) == "1200"
    finally:
        # Left behind, the 1,200 timers stay due in 2025: the next pass at the real clock (the
        # retention test below) would close some 500 days at zero for each of them, 600,000 rows,
        # which took it past nginx's 30 s on a busy machine.
        stack.psql("delete from users where email like '%-' || :'v1' || '@example.test'", tag)


def test_reset_events_are_pruned_after_the_retention(stack, account):
    acct, timer = start_count(stack, account, "UTC", "midnight", None, at("2025-06-10 12:00:00"))
    # Recorded 401 and 399 days ago by the real clock (the default retention is 400 days).
    stack.psql(
        "insert into session_reset_events (timer_id, reset_type, previous_count, new_count, reset_at, user_timezone, "
        "local_reset_time, created_at) values "
        "(:'v1', 'manual', 1, 2, now() - interval '401 days', 'UTC', 'old', now() - interval '401 days'), "
        "(:'v1', 'manual', 2, 3, now() - interval '399 days', 'UTC', 'kept', now() - interval '399 days')", timer)
    ran = run_resets(acct.user)
    assert ran["pruned"] >= 1
    # (The pass at today's date also reset this 2025 timer: only the seeded manual events matter.)
    assert [e["local"] for e in events(stack, timer) if e["type"] == "manual" and e["previous"] != 0] == ["kept"]


# ---------------------------------------------------------------------------------- /timer/history

def test_history_for_someone_without_a_timer_is_an_empty_table(new_user):
    guest = new_user()
    r = guest.get("/timer/history")
    assert r.status_code == 200
    doc = parse_html(r.text)
    assert doc.by_id("history-empty") is not None
    rows = [tr for tr in doc.by_id("history-days").find_all("tr") if tr.get("data-date")]
    assert len(rows) == 90
    assert all(tr.find_all("td")[0].clean_text() == "0" for tr in rows)
    assert doc.find("svg", cls="stats-chart") is not None
    assert doc.by_id("history-no-events") is not None


def test_history_shows_the_days_and_the_resets(stack, account):
    acct, timer = start_count(stack, account, "America/New_York", "custom", "02:30", at("2025-03-07 17:00:00"), count=4)
    stack.psql("insert into daily_session_stats (timer_id, date, timezone, work_sessions_completed, total_work_seconds) "
               "values (:'v1', '2025-03-07', 'America/New_York', 4, 6000) on conflict (timer_id, date) "
               "do update set work_sessions_completed = 4, total_work_seconds = 6000", timer)
    run_resets(acct.user, at("2025-03-09 07:00:00"))
    r = acct.user.get("/timer/history", headers={"X-Pomopomo-Test-Now": str(at("2025-03-09 16:00:00"))})
    assert r.status_code == 200
    doc = parse_html(r.text)
    assert doc.by_id("history-empty") is None
    day = next(tr for tr in doc.by_id("history-days").find_all("tr") if tr.get("data-date") == "2025-03-07")
    assert [td.clean_text() for td in day.find_all("td")] == ["4", "100", "1", "4"]
    today = next(tr for tr in doc.by_id("history-days").find_all("tr") if tr.get("data-date") == "2025-03-09")
    assert "today" in today.classes
    (event,) = doc.by_id("history-events").find_all("tr", **{"data_type": "automatic"})
    assert [td.clean_text() for td in event.find_all("td")] == ["2025-03-09 03:00 UTC-4", "Daily reset", "4 → 0", "—"]
    chart = doc.find("svg", cls="stats-chart")
    assert any("2025-03-07: 4 sessions" in t.text() for t in chart.find_all("title"))


def test_history_closes_a_day_that_ended_since_the_last_look(stack, account):
    acct, timer = start_count(stack, account, "UTC", "midnight", None, at("2025-08-01 12:00:00"), count=2)
    # No sweeper pass: the page itself brings the count to the new day.
    r = acct.user.get("/timer/history", headers={"X-Pomopomo-Test-Now": str(at("2025-08-02 09:00:00"))})
    assert r.status_code == 200
    assert parse_html(r.text).by_id("history-today-count").clean_text() == "0"
    assert [e["type"] for e in resets(stack, timer)] == ["automatic"]
    assert stats_rows(stack, timer)["2025-08-01"]["final"] == 2
