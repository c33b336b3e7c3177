"""Rooms under faults (QUALITY.md, "Faults"): the timer is stored as timestamps and advanced by
every responder's sweeper from PostgreSQL, so it keeps time without Redis and catches up after a
PostgreSQL outage; chat sent during an outage is refused whole and kept on the page."""

import time
from concurrent.futures import ThreadPoolExecutor

from pomopomo_testkit import room_id


def start_timer(host, room):
    token = host.csrf(f"/r/{room}")
    r = host.post_form(f"/r/{room}/timer", [("csrf", token), ("action", "start"), ("at", "0")])
    assert r.status_code == 303, r.text[:300]


def end_segment_soon(stack, room, seconds: float):
    """Makes the running segment end `seconds` from now (a minute is too long to wait)."""
    stack.psql("update rooms set segment_ends_at = now() + make_interval(secs => :'v1'::float8) where code = :'v2'",
               str(seconds), room.replace("-", ""))


def focus_credits(stack, room) -> int:
    return int(stack.psql("select count(*) from focus_completions where room_id = :'v1'", room_id(stack, room)))


def test_without_redis_a_segment_still_ends_on_time_and_reaches_every_parked_poll(stack, host, room, new_user, redis_outage):
    guest = new_user()
    assert guest.join(room, "Guest Gil").status_code == 303
    start_timer(host, room)
    with ThreadPoolExecutor(4) as pool, redis_outage():
        since = guest.version(room)
        baseline = stack.parked()

        def direct(name):
            r = stack.fcgi(name, "GET", f"/r/{room}/poll?since={since}",
                           headers={"Cookie": f"pp_sid={guest.sid}", "Accept": "application/json"}, timeout=15)
            return r.status, (r.json() if r.status == 200 else None), time.monotonic()

        futures = [pool.submit(direct, name) for name in stack.responders]
        assert stack.wait_parked(baseline, len(futures)), "polls were not parked"
        end_segment_soon(stack, room, 1.0)
        due = time.monotonic() + 1.0
        for f in futures:
            status, body, answered = f.result(timeout=15)
            assert status == 200
            assert body["timer"]["index"] == 1 and body["timer"]["status"] == "running"
            assert body["timer"]["phase"] == "Break"
            # The sweeper of one responder advances it within ~0.25 s; the other learns of it
            # from PostgreSQL (every 2 s while Redis is away).
            assert answered - due <= 4.0, f"answered {answered - due:.2f}s after the segment ended"
    assert focus_credits(stack, room) == 1


def test_after_a_postgres_outage_the_timer_catches_up_and_counts_once(stack, host, room, postgres_outage):
    start_timer(host, room)
    end_segment_soon(stack, room, 1.0)
    with postgres_outage():
        time.sleep(2.0)  # the segment ends while nobody can write
    deadline = time.monotonic() + 10
    while host.state(room)["timer"]["index"] != 1:
        assert time.monotonic() < deadline, "the timer did not catch up after PostgreSQL came back"
        time.sleep(0.2)
    timer = host.state(room)["timer"]
    # The break started when the focus segment ended, not when the database came back.
    assert timer["status"] == "running" and 5 * 60_000 - 6_000 <= timer["remaining_ms"] <= 5 * 60_000 - 1_000
    time.sleep(1.0)
    assert focus_credits(stack, room) == 1


def test_chat_sent_while_postgres_is_down_is_refused_whole_and_the_text_kept(stack, host, room, new_user, postgres_outage):
    guest = new_user()
    assert guest.join(room, "Guest Gia").status_code == 303
    token = guest.csrf(f"/r/{room}")
    typed = "See you <at> 3"
    with postgres_outage():
        r = guest.post_form(f"/r/{room}/messages", [("csrf", token), ("text", typed)])
        assert r.status_code == 503 and r.headers.get("Retry-After")
        assert "See you &lt;at&gt; 3" in r.text and typed not in r.text
    deadline = time.monotonic() + 10
    while True:
        r = guest.post_form(f"/r/{room}/messages", [("csrf", token), ("text", typed)])
        if r.status_code == 303 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.status_code == 303
    texts = [m["text"] for m in host.state(room)["messages"]]
    assert texts.count(typed) == 1, texts
