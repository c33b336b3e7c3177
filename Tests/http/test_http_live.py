"""Long-polls: a parked poll is answered as soon as someone joins, on whichever responder it is
parked, and bad `since` values are refused with a JSON 400."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pomopomo_testkit import User, fragment_names

WAKE_WITHIN = 1.0  # seconds from an acknowledged join to the answered poll


def park(pool, fn, *args, **kw):
    """Runs a blocking poll in the pool; the future's result is (response, monotonic time answered)."""
    def run():
        r = fn(*args, **kw)
        return r, time.monotonic()
    return pool.submit(run)


def assert_woken_with(result, joined_at, name, since):
    r, answered_at = result
    status = r.status if hasattr(r, "status") else r.status_code  # FastCGI or requests response
    assert status == 200, f"poll answered {status}: {r.text[:300]}"
    body = r.json()
    assert body["version"] > since
    assert name in fragment_names(body["fragments"]["participants"])
    assert body["fragments"]["participant-count"].startswith("2 people")
    lag = answered_at - joined_at
    assert lag <= WAKE_WITHIN, f"the poll was answered {lag:.2f}s after the join"


def test_parked_poll_is_answered_when_someone_joins(stack, host, room, new_user):
    since = host.version(room)
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        future = park(pool, host.poll, room, since, timeout=8)
        assert stack.wait_parked(baseline, 1), "the poll was not parked"
        assert not future.done(), f"a poll with nothing new was answered at once: {future.result()[0].status_code}"
        guest = new_user()
        r = guest.join(room, "Wanda Waker")
        joined_at = time.monotonic()
        assert r.status_code == 303
        assert_woken_with(future.result(timeout=8), joined_at, "Wanda Waker", since)


def test_poll_behind_the_current_version_is_answered_at_once(host, room, new_user):
    since = host.version(room)
    assert new_user().join(room, "Early Bird").status_code == 303
    started = time.monotonic()
    r = host.poll(room, since, timeout=3)
    assert time.monotonic() - started < 1
    assert r.status_code == 200
    assert r.json()["version"] > since
    assert "Early Bird" in fragment_names(r.json()["fragments"]["participants"])


def test_many_polls_through_nginx_on_both_responders_all_wake(stack, host, room, new_user):
    """nginx round-robins the polls over the responders, so both hold some; a join on either
    must wake all of them."""
    since = host.version(room)
    baseline = stack.parked()
    with ThreadPoolExecutor(32) as pool:
        futures = [park(pool, new_user().poll, room, since, timeout=20) for _ in range(6)]
        # nginx skips a responder for a few seconds after it failed (fail_timeout): add polls
        # until every responder holds at least one.
        deadline = time.monotonic() + 15
        while not stack.wait_parked(baseline, {name: 1 for name in stack.responders}, timeout=0.5):
            assert time.monotonic() < deadline and len(futures) < 30, \
                f"polls not parked on every responder: {stack.parked()} (baseline {baseline})"
            futures.append(park(pool, new_user().poll, room, since, timeout=20))
        assert stack.wait_parked(baseline, len(futures)), "not every poll was parked"
        r = new_user().join(room, "Nadia Nginx")
        joined_at = time.monotonic()
        assert r.status_code == 303
        for future in futures:
            assert_woken_with(future.result(timeout=8), joined_at, "Nadia Nginx", since)


@pytest.mark.parametrize("parked_on,joined_on", [("a", "b"), ("b", "a")])
def test_poll_parked_on_one_responder_is_woken_by_a_join_on_the_other(stack, host, room, new_user, parked_on, joined_on):
    if {parked_on, joined_on} - set(stack.responders):
        pytest.skip(f"needs responders {parked_on} and {joined_on}")
    since = host.version(room)
    cookie = {"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        future = park(pool, stack.fcgi, parked_on, "GET", f"/r/{room}/poll?since={since}", headers=cookie, timeout=8)
        assert stack.wait_parked(baseline, {parked_on: 1}), "the poll was not parked"
        guest = new_user()
        token = guest.csrf("/")
        r = stack.fcgi(joined_on, "POST", f"/r/{room}/join", headers={
            "Cookie": f"pp_sid={guest.sid}", "Content-Type": "application/x-www-form-urlencoded"},
            body=f"csrf={token}&display_name=Otto+Other".encode())
        joined_at = time.monotonic()
        assert r.status == 303, r.text[:300]
        assert_woken_with(future.result(timeout=8), joined_at, "Otto Other", since)


@pytest.mark.parametrize("query", [
    "since=-1", "since=abc", "since=1e3", "since=0x10", "since=1.5", "since=+1", "since=%201",
    "since=" + "9" * 16, "since=9223372036854775808", "since=" + "1" * 400,
    "since=%EF%BC%91",  # a full-width digit one
    "since=", "", "other=1", "since=1&since=2", "since=1%00",
])
def test_bad_since_is_a_json_400(host, room, query):
    started = time.monotonic()
    r = host.get(f"/r/{room}/poll?{query}", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 400, f"{query!r} answered {r.status_code} {r.text[:200]}"
    assert time.monotonic() - started < 2, "a bad poll was held"
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]


def test_since_beyond_the_room_version_is_not_held_forever(host, room):
    """A client can never legitimately have seen a version the room has not reached; parking it
    would leave that page waiting for a version that will not come."""
    started = time.monotonic()
    try:
        r = host.poll(room, 999_999_999_999_999, timeout=3)
    except requests.exceptions.Timeout as e:
        pytest.fail(f"poll with since far beyond the room's version was parked ({type(e).__name__}); "
                    "expected 400 or an immediate answer with the current version")
    assert time.monotonic() - started < 2
    assert r.status_code in (200, 400), r.status_code
    if r.status_code == 200:
        assert r.json()["version"] == host.version(room)


@pytest.mark.parametrize("code", ["ZZZ-ZZZ", "zzz", "'%20OR%201=1--"])
def test_poll_on_unknown_room_is_a_json_404(host, code):
    r = host.get(f"/r/{code}/poll?since=0", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]


def test_many_tabs_of_one_browser_do_not_turn_into_a_request_storm(stack, host, room):
    """QUALITY 21, hundreds of polls from one session: the responder caps parked polls per browser.
    Each tab runs Public/js/live.js, which asks again at once after a 204 and backs off after an
    error (or as Retry-After says). Twenty tabs on one responder must stay about twenty requests,
    not a loop of evictions, and must all still be woken by a join."""
    name = stack.responders[0]
    since = host.version(room)
    tabs, window = 20, 2.0
    sent = []
    woken = []
    lock = threading.Lock()
    stop_at = time.monotonic() + window

    def tab():
        while time.monotonic() < stop_at + 3:
            try:
                r = stack.fcgi(name, "GET", f"/r/{room}/poll?since={since}",
                               headers={"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}, timeout=10)
            except OSError:
                return
            with lock:
                sent.append((time.monotonic(), r.status))
            if r.status == 200:
                with lock:
                    woken.append(r.json()["version"])
                return
            retry = r.headers.get("retry-after")
            if retry:
                time.sleep(min(float(retry), 5))
            elif r.status != 204:
                time.sleep(1)  # live.js: back off after an error
            if time.monotonic() > stop_at:
                return

    threads = [threading.Thread(target=tab, daemon=True) for _ in range(tabs)]
    for t in threads:
        t.start()
    time.sleep(window)
    with lock:
        in_window = len(sent)
    assert in_window <= tabs * 3, f"{tabs} tabs of one browser made {in_window} polls in {window}s"
    # Whatever the cap did, the tabs still parked get the next change.
    User(stack.base_url).join(room, "Storm Stopper")
    for t in threads:
        t.join(timeout=10)
    assert woken, "no tab was woken by the join"


def test_a_poll_with_nothing_new_is_answered_204_after_the_hold(stack, host, room):
    """A third responder with a 2 s hold (the real ones hold 25 s): the waiting browser gets
    "nothing new, ask again" on time, and asking again with the same version parks again."""
    stack.responder_start("hold", env={"POMOPOMO_POLL_HOLD": "2"})
    try:
        since = host.version(room)
        headers = {"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}
        started = time.monotonic()
        r = stack.fcgi("hold", "GET", f"/r/{room}/poll?since={since}", headers=headers, timeout=10)
        waited = time.monotonic() - started
        assert r.status == 204
        assert 1.5 <= waited <= 4, f"answered after {waited:.2f}s, expected about 2 s"
        assert stack.readyz("hold")["parked_polls"] == 0
    finally:
        stack.responder_stop("hold")
