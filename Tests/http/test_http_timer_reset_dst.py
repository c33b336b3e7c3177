"""Daily resets on DST nights and in odd zones (issue 13 "Daily reset", seed 002's DST test
scenarios), each through the HTTP API at historic instants given by the test clock: the reset
runs once, at the instant DayBoundary names, and the next one is scheduled right."""

from __future__ import annotations

import pytest

from reset_kit import at, configure, resets, run_resets, set_count, stats_rows, task_row, timer_row


def configured(stack, account, zone, kind, hhmm, setup, count=5):
    acct = account("dst")
    timer = configure(stack, acct.user, zone, kind, hhmm, now=setup)
    set_count(acct.user, count, setup)
    return acct, timer


def reset_once(stack, acct, timer, expected, local, probes=(), count=5):
    """No reset before `expected` (nor at any of `probes`, instants before it), exactly one at it,
    none at the instants after it that a clock reading alone would take for the reset time."""
    for probe in (*probes, expected - 1):
        run_resets(acct.user, probe)
        assert resets(stack, timer) == [], f"reset early, at {probe}"
    run_resets(acct.user, expected)
    (event,) = resets(stack, timer)
    assert (event["type"], event["previous"], event["new"], event["at"], event["local"]) == \
        ("automatic", count, 0, expected, local)
    assert timer_row(stack, timer)["today_count"] == 0


def test_new_york_spring_forward_0230_runs_at_0300_edt_once(stack, account):
    # 2025-03-09: 02:00 EST became 03:00 EDT; 02:30 did not exist.
    acct, timer = configured(stack, account, "America/New_York", "custom", "02:30", at("2025-03-08 17:00:00"))
    assert task_row(stack, timer)["next"] == at("2025-03-09 07:00:00")
    reset_once(stack, acct, timer, at("2025-03-09 07:00:00"), "2025-03-09 03:00 UTC-4",
               probes=[at("2025-03-09 06:59:00")])
    run_resets(acct.user, at("2025-03-09 07:30:00"))  # 03:30 EDT
    assert len(resets(stack, timer)) == 1
    # The next day is back at 02:30, now EDT.
    assert task_row(stack, timer)["next"] == at("2025-03-10 06:30:00")
    run_resets(acct.user, at("2025-03-10 06:30:00"))
    assert [e["local"] for e in resets(stack, timer)] == ["2025-03-09 03:00 UTC-4", "2025-03-10 02:30 UTC-4"]


def test_new_york_fall_back_0130_runs_at_the_first_occurrence_once(stack, account):
    # 2025-11-02: 01:30 happened at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    acct, timer = configured(stack, account, "America/New_York", "custom", "01:30", at("2025-11-01 17:00:00"))
    assert task_row(stack, timer)["next"] == at("2025-11-02 05:30:00")
    reset_once(stack, acct, timer, at("2025-11-02 05:30:00"), "2025-11-02 01:30 UTC-4")
    set_count(acct.user, 2, at("2025-11-02 05:45:00"))
    # Through the repeated hour (01:15 EST, the second 01:30) nothing resets again.
    for second_pass in (at("2025-11-02 06:15:00"), at("2025-11-02 06:30:00"), at("2025-11-02 07:00:00")):
        run_resets(acct.user, second_pass)
    assert len(resets(stack, timer)) == 1
    assert timer_row(stack, timer)["today_count"] == 2
    assert task_row(stack, timer)["next"] == at("2025-11-03 06:30:00")


@pytest.mark.parametrize("hhmm, setup, expected, local", [
    # 2025-10-05 02:00 (+10:30) became 02:30 (+11): 02:15 ran at 02:30.
    ("02:15", "2025-10-04 02:00:00", "2025-10-04 15:30:00", "2025-10-05 02:30 UTC+11"),
    # 2025-04-06 02:00 (+11) became 01:30 (+10:30): 01:45 ran at its first occurrence.
    ("01:45", "2025-04-05 02:00:00", "2025-04-05 14:45:00", "2025-04-06 01:45 UTC+11"),
])
def test_lord_howe_half_hour_dst(stack, account, hhmm, setup, expected, local):
    acct, timer = configured(stack, account, "Australia/Lord_Howe", "custom", hhmm, at(setup))
    reset_once(stack, acct, timer, at(expected), local)
    run_resets(acct.user, at(expected) + 45 * 60)
    assert len(resets(stack, timer)) == 1


def test_kathmandu_five_forty_five_ahead(stack, account):
    acct, timer = configured(stack, account, "Asia/Kathmandu", "midnight", None, at("2025-06-01 06:00:00"))
    reset_once(stack, acct, timer, at("2025-06-01 18:15:00"), "2025-06-02 00:00 UTC+5:45",
               probes=[at("2025-06-01 18:00:00")])
    assert task_row(stack, timer)["next"] == at("2025-06-02 18:15:00")


def test_apia_skipped_the_thirtieth_of_december_2011(stack, account):
    # 2011-12-29 24:00 at -10 was 2011-12-31 00:00 at +14 (10:00 UTC on the 30th).
    acct, timer = configured(stack, account, "Pacific/Apia", "midnight", None, at("2011-12-29 00:00:00"))
    assert timer_row(stack, timer)["count_day"] == "2011-12-28"
    run_resets(acct.user, at("2011-12-29 10:00:00"))  # midnight of the 29th
    set_count(acct.user, 5, at("2011-12-29 12:00:00"))
    assert task_row(stack, timer)["next"] == at("2011-12-30 10:00:00")
    before = len(resets(stack, timer))
    run_resets(acct.user, at("2011-12-30 09:59:59"))
    run_resets(acct.user, at("2011-12-30 10:00:00"))
    added = resets(stack, timer)[before:]
    assert [(e["previous"], e["local"]) for e in added] == [(5, "2011-12-31 00:00 UTC+14")]
    assert timer_row(stack, timer)["count_day"] == "2011-12-31"
    days = stats_rows(stack, timer)
    assert days["2011-12-29"]["final"] == 5 and "2011-12-30" not in days, "a day that did not exist is not a day"
    # Midnight of 2012-01-01 is 24 hours later.
    assert task_row(stack, timer)["next"] == at("2011-12-31 10:00:00")
    run_resets(acct.user, at("2011-12-31 09:00:00"))
    assert len(resets(stack, timer)) == before + 1


@pytest.mark.parametrize("zone, setup, expected, local", [
    # 2025-09-07 00:00 -04 became 01:00 -03.
    ("America/Santiago", "2025-09-06 16:00:00", "2025-09-07 04:00:00", "2025-09-07 01:00 UTC-3"),
    # 2025-03-09 00:00 CST became 01:00 CDT.
    ("America/Havana", "2025-03-08 17:00:00", "2025-03-09 05:00:00", "2025-03-09 01:00 UTC-4"),
])
def test_midnight_reset_on_a_day_without_midnight_runs_at_one(stack, account, zone, setup, expected, local):
    acct, timer = configured(stack, account, zone, "midnight", None, at(setup))
    assert task_row(stack, timer)["next"] == at(expected)
    reset_once(stack, acct, timer, at(expected), local)
    run_resets(acct.user, at(expected) + 3600)
    assert len(resets(stack, timer)) == 1
