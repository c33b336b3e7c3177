"""Faults (QUALITY.md, "Faults"): Redis stopped or hung, a responder killed with SIGKILL. Each test
restores what it broke (fixtures in Tests/conftest.py), even when it fails."""

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from pomopomo_testkit import fragment_names, parse_html, participant_names

DB_FALLBACK_WITHIN = 4.0  # without Redis, the hub re-reads versions from PostgreSQL every 2 s
LIVE_WITHIN = 1.0


def park_everywhere(stack, pool, user, room, since, through_nginx=1, timeout=12):
    """Parks one poll directly on each responder and `through_nginx` more through nginx; waits until
    they are parked. Returns futures of (status, body-json-or-None, monotonic time answered)."""
    def direct(name):
        r = stack.fcgi(name, "GET", f"/r/{room}/poll?since={since}",
                       headers={"Cookie": f"pp_sid={user.sid}", "Accept": "application/json"}, timeout=timeout)
        return r.status, (r.json() if r.status == 200 else None), time.monotonic()

    def proxied():
        r = user.poll(room, since, timeout=timeout)
        return r.status_code, (r.json() if r.status_code == 200 else None), time.monotonic()

    baseline = stack.parked()
    futures = [pool.submit(direct, name) for name in stack.responders]
    futures += [pool.submit(proxied) for _ in range(through_nginx)]
    assert stack.wait_parked(baseline, len(futures)), f"polls not parked: {stack.parked()} vs {baseline}"
    for f in futures:
        assert not f.done(), f"a poll with nothing new was answered at once: {f.result()}"
    return futures


def assert_all_woken(futures, joined_at, name, since, within):
    for f in futures:
        try:
            status, body, answered_at = f.result(timeout=15)
        except (TimeoutError, requests.exceptions.Timeout):
            pytest.fail(f"a parked poll was never woken by the join of {name!r} (the wake-up was lost; it "
                        f"would only be answered when its hold expires)")
        assert status == 200, f"poll answered {status}"
        assert body["version"] > since
        assert name in fragment_names(body["fragments"]["participants"])
        lag = answered_at - joined_at
        assert lag <= within, f"a poll was answered {lag:.2f}s after the join (limit {within}s)"


def test_without_redis_pages_work_and_joins_reach_parked_polls_via_postgres(stack, host, room, new_user, redis_outage):
    with ThreadPoolExecutor(8) as pool:
        with redis_outage():
            # Pages and writes keep working.
            visitor = new_user()
            assert visitor.get("/").status_code == 200
            other_room = visitor.create_room("Offline Olga")
            assert stack.room_exists(other_room)
            doc = host.page(f"/r/{room}")
            assert "Hana Host" in doc.by_id("you-are").clean_text(), "the host was signed out"

            since = host.version(room)
            futures = park_everywhere(stack, pool, host, room, since)
            r = new_user().join(room, "Rita Redisless")
            joined_at = time.monotonic()
            assert r.status_code == 303
            assert_all_woken(futures, joined_at, "Rita Redisless", since, DB_FALLBACK_WITHIN)
            # Writes work on every responder without Redis.
            for name in stack.responders:
                guest = new_user()
                token = guest.csrf("/")
                r = stack.fcgi(name, "POST", f"/r/{room}/join", headers={
                    "Cookie": f"pp_sid={guest.sid}", "Content-Type": "application/x-www-form-urlencoded"},
                    body=f"csrf={token}&display_name=Offline+{name}".encode())
                assert r.status == 303, r.text[:300]
        # The fixture has restarted Redis (empty) and waited until every responder re-subscribed:
        # wake-ups are live again, with no responder restart.
        since = host.version(room)
        futures = park_everywhere(stack, pool, host, room, since)
        r = new_user().join(room, "Lena Live")
        joined_at = time.monotonic()
        assert r.status_code == 303
        assert_all_woken(futures, joined_at, "Lena Live", since, LIVE_WITHIN)
    # Nothing acknowledged during the outage was lost, and nobody was signed out.
    doc = host.page(f"/r/{room}")
    assert participant_names(doc) == ["Hana Host", "Rita Redisless"] + [f"Offline {n}" for n in stack.responders] + ["Lena Live"]
    assert "Hana Host" in doc.by_id("you-are").clean_text()
    assert visitor.page(f"/r/{other_room}").by_id("you-are") is not None


def test_with_redis_hung_pages_stay_fast_and_joins_still_arrive(stack, host, room, new_user, redis_hang):
    with ThreadPoolExecutor(8) as pool:
        with redis_hang():
            visitor = new_user()
            started = time.monotonic()
            assert visitor.get("/").status_code == 200
            code = visitor.create_room("Frozen Fran")
            assert host.get(f"/r/{room}").status_code == 200
            assert time.monotonic() - started < 3, "a hung Redis makes pages slow"
            assert stack.room_exists(code)

            since = host.version(room)
            futures = park_everywhere(stack, pool, host, room, since)
            r = new_user().join(room, "Hugo Hung")
            joined_at = time.monotonic()
            assert r.status_code == 303
            # The subscriber notices a silent Redis within ~3 s, then PostgreSQL re-reads take over.
            assert_all_woken(futures, joined_at, "Hugo Hung", since, 6.0)
        since = host.version(room)
        futures = park_everywhere(stack, pool, host, room, since)
        r = new_user().join(room, "Rhea Resumed")
        joined_at = time.monotonic()
        assert r.status_code == 303
        assert_all_woken(futures, joined_at, "Rhea Resumed", since, LIVE_WITHIN)


def test_responder_killed_with_sigkill_loses_nothing_and_the_other_keeps_serving(stack, new_user, responder_killer):
    users = [new_user() for _ in range(4)]
    codes = [u.create_room(f"Keeper {i}") for i, u in enumerate(users)]
    victim, survivor = stack.responders[0], stack.responders[-1]
    assert victim != survivor, "needs two responders"
    watcher = users[0]
    since = watcher.version(codes[0])

    with ThreadPoolExecutor(1) as pool:
        baseline = stack.parked()
        in_flight = pool.submit(stack.fcgi, victim, "GET", f"/r/{codes[0]}/poll?since={since}",
                                headers={"Cookie": f"pp_sid={watcher.sid}"}, timeout=10)
        assert stack.wait_parked(baseline, {victim: 1}), "the poll was not parked on the victim"
        responder_killer(victim)
        # The poll in flight on the killed responder fails; it is not silently answered.
        with pytest.raises(OSError):
            in_flight.result(timeout=5)

    # The survivor answers directly, and nginx keeps serving pages, reads and writes through it.
    assert stack.fcgi(survivor, "GET", "/healthz").status == 200
    for u, code in zip(users, codes):
        doc = u.page(f"/r/{code}")
        assert doc.by_id("you-are") is not None, "a session was lost"
        assert participant_names(doc)[0].startswith("Keeper")
    for _ in range(4):
        assert watcher.get("/").status_code == 200
    late = new_user().create_room("Created While Down")
    assert new_user().join(codes[0], "Joined While Down").status_code == 303

    # The client re-polls from the last version it saw and gets what happened meanwhile, at once.
    started = time.monotonic()
    r = watcher.poll(codes[0], since, timeout=5)
    assert r.status_code == 200 and time.monotonic() - started < 1
    assert "Joined While Down" in fragment_names(r.json()["fragments"]["participants"])

    for code in codes + [late]:
        assert stack.room_exists(code), f"room {code} committed before the kill is gone"
    assert [p["name"] for p in watcher.state(codes[0])["participants"]] == ["Keeper 0", "Joined While Down"]


def test_postgres_down_is_a_clear_503_that_keeps_the_typed_text_and_recovers(stack, host, room, new_user, postgres_outage):
    guest = new_user()
    token = guest.csrf(f"/r/{room}")
    typed = "Nadia <Never Lost>"
    with postgres_outage():
        # Pages that need no database keep working.
        assert guest.get("/").status_code == 200
        # The room page comes from the responder's room cache (which Redis keeps valid) while it
        # lasts, and is a clear 503 otherwise.
        page = guest.get(f"/r/{room}")
        assert page.status_code in (200, 503)
        if page.status_code == 503:
            assert int(page.headers["Retry-After"]) > 0
            assert "Nothing you sent was lost" in page.text
        else:
            assert "Hana Host" in participant_names(parse_html(page.text))
        r = guest.post_form(f"/r/{room}/join", [("csrf", token), ("display_name", typed)])
        assert r.status_code == 503
        assert r.headers.get("Retry-After")
        # The user's text comes back on the page, escaped, so it can be copied.
        assert "Nadia &lt;Never Lost&gt;" in r.text and typed not in r.text
        # A poll is answered at once: from the responder's room cache (which Redis keeps valid)
        # or with a JSON 503 to retry, never a 500 or a hang.
        poll = host.get(f"/r/{room}/poll?since=0", headers={"Accept": "application/json"}, timeout=5)
        assert poll.status_code in (200, 503)
        if poll.status_code == 503:
            assert "error" in poll.json() and poll.headers.get("Retry-After")
        else:
            assert "Hana Host" in fragment_names(poll.json()["fragments"]["participants"])
        assert any(stack.readyz_status(name) == 503 for name in stack.responders)
    # Back without restarting anything: the same form goes through and nothing was half-written.
    deadline = time.monotonic() + 10
    while True:
        r = guest.post_form(f"/r/{room}/join", [("csrf", token), ("display_name", typed)])
        if r.status_code == 303 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.status_code == 303
    assert participant_names(guest.page(f"/r/{room}")).count(typed) == 1


def test_sigterm_answers_parked_polls_at_once_and_exits(stack, host, room):
    """A responder asked to stop (SIGTERM, as a deploy does) answers every parked poll with 204
    straight away, so browsers re-poll another responder instead of waiting out the hold."""
    stack.responder_start("drain")
    since = host.version(room)
    headers = {"Cookie": f"pp_sid={host.sid}", "Accept": "application/json"}
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(lambda: (stack.fcgi("drain", "GET", f"/r/{room}/poll?since={since}",
                                                   headers=headers, timeout=20), time.monotonic()))
                   for _ in range(3)]
        deadline = time.monotonic() + 5
        while stack.readyz("drain")["parked_polls"] < 3:
            assert time.monotonic() < deadline, "the polls were not parked"
            time.sleep(0.05)
        pid = stack.responder_pid("drain")
        stopped_at = time.monotonic()
        stack.responder_stop("drain")
        for f in futures:
            r, answered_at = f.result(timeout=10)
            assert r.status == 204
            assert answered_at - stopped_at < 2, "a parked poll waited for its hold instead of the shutdown"
    # The process has exited (a zombie until its parent reaps it counts as exited) and its
    # socket is removed, so nginx moves on at once.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            assert stat.read().split(")")[-1].split()[0] == "Z", "the responder is still running"
    except FileNotFoundError:
        pass
    assert not os.path.exists(stack.socket("drain"))
