"""The personal timer (issue 13, seed 002): /timer for guests and accounts, its cycle, what a
focus that runs to its end counts and credits, the sweeper, stale controls, privacy and the
long-poll. The settings form, the API, the daily reset and the history are tested in their own
files."""

import re
import threading
import time
from datetime import UTC, datetime

import pytest

from pomopomo_testkit import User, parse_html
from stats_kit import ledger, signs_up_here, time_passes, wait_for_credit
from timer_kit import TimerBrowser, error_of, session_hash


@pytest.fixture
def guest(stack, new_user) -> TimerBrowser:
    return TimerBrowser(stack, new_user())


def test_a_guest_sees_the_default_timer_without_anything_being_stored(stack, guest):
    view = guest.view()
    assert view["status"] == "idle" and view["phase"] == "focus"
    assert view["cycle"] == "Focus 1 of 4 before the long break"
    assert view["clock"] == "25:00" and view["count"] == 0
    assert view["polls"] is None, "a timer that does not exist has nothing to follow"
    assert guest.row() is None, "a GET stored a timer"
    doc = guest.page()
    assert doc.find("a", href="/timer/settings") is not None and doc.find("a", href="/timer/history") is not None
    assert doc.find("a", id="nav-timer").get("href") == "/timer"


def test_start_pause_resume_show_the_clock_its_absolute_end_and_the_noscript_refresh(stack, guest):
    before = time.time()
    view = guest.ok("start")
    assert view["status"] == "running" and view["polls"] == "/timer/poll"
    ends = datetime.fromisoformat(view["ends"].replace("Z", "+00:00")).timestamp()
    assert before + 1495 <= ends <= time.time() + 1501, "the page does not carry the absolute end"
    r = guest.get()
    refresh = re.search(r'<noscript><meta http-equiv="refresh" content="(\d+)"></noscript>', r.text)
    assert refresh and 1490 <= int(refresh.group(1)) <= 1501, "no refresh timed to the segment's end"
    assert re.search(r"<title>2[45]:\d\d · Focus", r.text), "the title does not say the time left and the phase"
    assert "Pause" in view["buttons"] and "Start" not in view["buttons"]

    view = guest.ok("pause")
    assert view["status"] == "paused" and view["ends"] is None and "Resume" in view["buttons"]
    assert "refresh" not in guest.get().text.split("</head>")[0], "a paused timer has no end to refresh at"
    view = guest.ok("resume")
    assert view["status"] == "running"
    row = guest.row()
    assert row["status"] == "running" and row["session_hash"] and row["user_id"] is None


def test_a_focus_that_runs_to_its_end_counts_a_session_its_day_and_its_focus_with_no_page_open(stack, guest):
    guest.ok("start")
    guest.ends_now()
    # Nobody looks: only the sweeper can move it on.
    row = guest.wait_row(lambda r: r["phase"] == "short_break", "the sweeper ending the focus")
    assert row["status"] == "running", "the break did not start by itself (auto-start breaks is on by default)"
    assert row["today_count"] == 1 and row["cycle_done"] == 1
    stats = guest.day_stats()
    assert len(stats) == 1 and stats[0]["work_sessions_completed"] == 1 and stats[0]["total_work_seconds"] == 1500
    assert [c for c in guest.credits() if c["source"] == "timer"] == [
        {"source": "timer", "seconds": 1500, "completed": True, "day": stats[0]["date"]}]
    time.sleep(2)  # both responders' sweepers have had many more chances to count it again
    assert guest.row()["today_count"] == 1 and len(guest.credits()) == 1, "the focus was counted twice"
    view = guest.view()
    assert view["phase"] == "short_break" and view["count"] == 1
    assert view["cycle"] == "Short break after focus 1 of 4"

    # A break that ends is not focus: focus waits for the person (auto-start focus is off).
    guest.ends_now()
    row = guest.wait_row(lambda r: r["phase"] == "focus", "the sweeper ending the break")
    assert row["status"] == "idle" and row["today_count"] == 1
    assert guest.day_stats()[0]["total_break_seconds"] == 300
    assert guest.view()["cycle"] == "Focus 2 of 4 before the long break"


def test_a_focus_cut_short_credits_what_ran_but_is_no_session(stack, guest):
    guest.ok("start")
    guest.ran_for(600)
    view = guest.ok("skip")
    assert view["phase"] == "short_break" and view["count"] == 0
    credits = guest.credits()
    assert len(credits) == 1 and 599 <= credits[0]["seconds"] <= 601 and credits[0]["completed"] is False
    stats = guest.day_stats()[0]
    assert stats["work_sessions_completed"] == 0 and 599 <= stats["total_work_seconds"] <= 601


def test_the_long_break_comes_after_the_interval_and_ends_the_cycle(stack, guest):
    guest.ok("start")
    guest.set(long_break_interval=2)
    for n in (1, 2):
        if guest.row()["status"] == "idle":
            guest.ok("start")
        guest.ends_now()
        guest.wait_row(lambda r, n=n: r["cycle_done"] == n, f"focus {n} ending")
        if n == 1:
            guest.ends_now()  # the short break
            guest.wait_row(lambda r: r["phase"] == "focus", "the short break ending")
    view = guest.view()
    assert view["phase"] == "long_break" and view["cycle"] == "Long break: the cycle of 2 is done"
    guest.ends_now()
    guest.wait_row(lambda r: r["phase"] == "focus" and r["cycle_done"] == 0, "the long break ending the cycle")
    assert guest.view()["cycle"] == "Focus 1 of 2 before the long break"


def test_auto_start_off_leaves_the_break_waiting_and_auto_start_focus_runs_it(stack, guest):
    guest.ok("start")
    guest.set(auto_start_breaks=False, auto_start_focus=True)
    guest.ends_now()
    row = guest.wait_row(lambda r: r["phase"] == "short_break", "the focus ending")
    assert row["status"] == "idle", "the break started although auto-start breaks is off"
    guest.ok("start")
    guest.ends_now()
    row = guest.wait_row(lambda r: r["phase"] == "focus", "the break ending")
    assert row["status"] == "running", "focus did not start by itself with auto-start focus on"


def test_the_cycle_starts_over_after_the_idle_time(stack, guest):
    guest.ok("start")
    guest.set(auto_start_breaks=False, idle_reset_minutes=5)
    guest.ends_now()
    guest.wait_row(lambda r: r["phase"] == "short_break", "the focus ending")
    assert guest.view()["cycle"] == "Short break after focus 1 of 4"
    soon = time.time() + 4 * 60
    assert guest.view(now=soon)["phase"] == "short_break", "the cycle started over before the idle time"
    later = time.time() + 6 * 60
    view = guest.view(now=later)
    assert view["phase"] == "focus" and view["cycle"] == "Focus 1 of 4 before the long break"
    assert view["count"] == 1, "the idle time is not the daily reset: today's count stays"
    assert guest.row()["cycle_done"] == 0


def test_a_stale_control_is_refused_with_409_and_changes_nothing(stack, guest):
    seen = guest.view()["version"]
    guest.ok("start")
    r = guest.control("start", version=seen)
    assert r.status_code == 409, f"a second Start from the old page: {r.status_code}"
    assert "changed since this page was drawn" in error_of(r.text)
    row = guest.row()
    # Double-clicked Pause: the second click carries the version the first one changed.
    drawn = guest.view()["version"]
    assert guest.control("pause", version=drawn).status_code == 303
    r = guest.control("pause", version=drawn)
    assert r.status_code == 409 and parse_html(r.text).by_id("ptimer-state").get("data-status") == "paused"
    assert guest.row()["version"] == row["version"] + 1


@pytest.mark.parametrize("action, fields, status", [
    ("explode", {}, 404),
    ("start", {"version": ...}, 422),
    ("start", {"version": ""}, 422),
    ("start", {"version": "abc"}, 422),
    ("start", {"version": "-1"}, 422),
    ("start", {"version": "1e3"}, 422),
    ("start", {"version": "0x10"}, 422),
    ("start", {"version": "9" * 40}, 422),
    ("start", {"version": "1' OR '1'='1"}, 422),
    ("break", {"kind": "medium"}, 422),
    ("break", {}, 422),
])
def test_bad_control_forms_are_refused_and_change_nothing(stack, guest, action, fields, status):
    guest.ok("start")
    before = guest.row()
    r = guest.control(action, **fields)
    assert r.status_code == status, f"{action} {fields}: {r.status_code} {error_of(r.text)}"
    assert guest.row() == before


def test_wrong_methods_missing_csrf_and_bad_since_are_refused(stack, guest):
    guest.ok("start")
    before = guest.row()
    assert guest.user.get("/timer/start").status_code == 405
    r = guest.user.post_form("/timer/pause", {"version": str(before["version"])})
    assert r.status_code == 403
    for since in ("-1", "abc", "9" * 40, ""):
        assert guest.poll(since).status_code == 400, f"since={since!r}"
    assert guest.row() == before


def test_another_person_can_neither_see_nor_drive_your_timer(stack, guest, new_user):
    guest.ok("start")
    mine = guest.row()
    other = TimerBrowser(stack, new_user())
    assert other.view()["status"] == "idle", "another browser sees someone else's running timer"
    r = other.control("pause", version=mine["version"])
    assert r.status_code == 409
    assert other.poll(mine["version"]).status_code == 404, "another browser followed someone else's timer"
    assert other.row() is None, "a refused control left a timer behind"
    assert guest.row() == mine


def test_a_poll_wakes_when_another_tab_changes_the_timer(stack, guest):
    guest.ok("start")
    version = guest.view()["version"]
    other_tab = User(stack.base_url)
    other_tab.http.cookies.update(guest.user.http.cookies)
    answer = {}

    def wait():
        answer["r"] = guest.poll(version, timeout=15)
        answer["at"] = time.monotonic()

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(1.0)
    assert "r" not in answer, "the poll answered although nothing changed"
    TimerBrowser(stack, other_tab).ok("pause")
    changed = time.monotonic()
    waiting.join(15)
    r = answer["r"]
    assert r.status_code == 200 and r.json()["status"] == "paused" and r.json()["version"] > version
    assert answer["at"] - changed < 2.0, "the poll was not woken by the change"


def test_a_guests_timer_is_kept_when_they_sign_up(stack, guest, mailbox):
    guest.ok("start")
    guest.ends_now()
    guest.wait_row(lambda r: r["today_count"] == 1, "the focus ending")
    timer_id = guest.id
    _, uid = signs_up_here(stack, guest.user, mailbox, "timerguest")
    account = TimerBrowser(stack, guest.user, user_id=uid)
    row = account.row()
    assert row and row["id"] == timer_id and row["session_hash"] is None and row["today_count"] == 1
    view = account.view()
    assert view["count"] == 1 and view["phase"] == "short_break"
    assert parse_html(account.get().text).find("a", href="/settings/timer") is not None


def test_room_focus_and_personal_focus_over_the_same_minutes_credit_them_once(stack, make_room, guest):
    room = make_room()
    room.join("Oona Overlap", user=guest.user)
    room.host.ok("/timer", action="start", at="0")
    guest.ok("start")
    time_passes(stack, room, 1500)
    guest.ends_now()
    wait_for_credit(stack, room, 2)
    guest.wait_row(lambda r: r["today_count"] == 1, "the personal focus ending")
    mine = ledger(stack, "user_id is null and encode(session_hash, 'hex') = :'v1'", session_hash(guest.user))
    total = sum(r["seconds"] for r in mine)
    assert 1500 <= total <= 1510, f"{total} s credited for 25 minutes spent in a room and on the timer at once"
    # Nothing overlaps in the ledger.
    spans = sorted((r["start"], r["end"]) for r in mine)
    assert all(a[1] <= b[0] + 0.001 for a, b in zip(spans, spans[1:]))


def test_reset_stop_and_a_break_started_by_hand(stack, guest):
    guest.ok("start")
    guest.ran_for(300)
    view = guest.ok("reset")
    assert view["status"] == "idle" and view["phase"] == "focus" and view["clock"] == "25:00"
    view = guest.ok("break", kind="long")
    assert view["status"] == "running" and view["phase"] == "long_break"
    assert "Long break now" not in view["buttons"] and "Short break now" in view["buttons"]
    view = guest.ok("stop")
    assert view["status"] == "idle" and view["cycle"] == "Focus 1 of 4 before the long break"
    assert guest.control("stop").status_code == 409, "stopping a stopped timer"
    assert [c["seconds"] for c in guest.credits()] in ([300], [299], [301]), "the reset focus's minutes were not credited once"


def test_a_focus_ending_after_the_reset_time_counts_on_the_new_day(stack, guest):
    # Tomorrow 23:50 UTC (a guest's zone), ahead of the real clock so no sweeper acts meanwhile.
    day = int(time.time() // 86400) + 1
    start = day * 86400 + 23 * 3600 + 50 * 60
    guest.page(now=start)
    r = guest.control("start", now=start)
    assert r.status_code == 303, error_of(r.text)
    view = guest.view(now=start + 1600)  # the focus ended at 00:15, the page looks at 00:16:40
    assert view["count"] == 1 and view["phase"] == "short_break"
    stats = {s["date"]: s for s in guest.day_stats()}
    first = datetime.fromtimestamp(start, tz=UTC).date().isoformat()
    second = datetime.fromtimestamp(start + 1500, tz=UTC).date().isoformat()
    assert stats[first]["closed_at"] is not None and stats[first]["work_sessions_completed"] == 0
    assert stats[second]["work_sessions_completed"] == 1 and stats[second]["total_work_seconds"] == 1500
