"""Rooms (issue 3): the sweeper, which advances an ended segment with no page open, counts a
finished focus segment exactly once, rewrites the Redis mirror and wakes parked polls."""

import time
from concurrent.futures import ThreadPoolExecutor

from pomopomo_testkit import publish_wake, redis_cli
from rooms_kit import Room, fragment, wait_for


def end_current_segment_soon(stack, room: Room, segment_id: str, seconds: int = 60):
    """Shortens a running segment to end in one second, then announces it (the writer rule)."""
    stack.psql("update segments set duration_sec = :'v2'::int where id = :'v1'", segment_id, str(seconds))
    version = int(stack.psql(
        "update rooms set segment_ends_at = now() + interval '1 second', version = version + 1,"
        " state_v = version + 1, queue_v = version + 1 where id = :'v1' and status = 'running' returning version",
        room.id).splitlines()[0])
    publish_wake(stack, room.id, version)


def completions(stack, room: Room) -> list[tuple[str, int]]:
    rows = stack.psql("select segment_id || ' ' || seconds from focus_completions where room_id = :'v1'"
                      " order by completed_at", room.id)
    return [(line.split()[0], int(line.split()[1])) for line in rows.splitlines() if line]


def db_index(stack, room: Room) -> int:
    return int(stack.psql("select current_segment_index from rooms where id = :'v1'", room.id))


def test_sweeper_advances_an_ended_focus_segment_and_counts_it_once(stack, make_room):
    room = make_room()
    room.host.ok("/timer", action="start", at="0")
    segs = room.state()["segments"]
    end_current_segment_soon(stack, room, segs[0]["id"], 60)
    marked = time.monotonic()
    # Nobody reads the room meanwhile (no page, no poll): only a background sweeper can advance it.
    wait_for(lambda: db_index(stack, room) == 1, 3.0, "the room moving to the break with no browser open")
    assert time.monotonic() - marked <= 3.0
    state = room.state()
    assert state["timer"]["index"] == 1 and state["timer"]["kind"] == "break"
    assert completions(stack, room) == [(segs[0]["id"], 60)]
    time.sleep(4)  # both responders' sweepers have had many more chances to count it again
    assert completions(stack, room) == [(segs[0]["id"], 60)], "the focus segment was counted more than once"

    # A break that ends is not focus: the room advances, nothing more is counted.
    if state["timer"]["status"] != "running":  # the contract does not say whether the queue runs on
        room.host.ok("/timer", action="resume" if state["timer"]["status"] == "paused" else "start", at="1")
    end_current_segment_soon(stack, room, segs[1]["id"], 60)
    wait_for(lambda: db_index(stack, room) == 2, 3.0, "the room moving past the break")
    time.sleep(2)
    assert completions(stack, room) == [(segs[0]["id"], 60)]


def test_the_sweeper_rewrites_the_redis_mirror_with_no_page_open(stack, make_room):
    room = make_room()
    guest = room.join("Mia Mirror")
    room.host.ok("/timer", action="start", at="0")
    segs = room.state()["segments"]
    key = f"room:timer:{room.id}"
    wait_for(lambda: redis_cli(stack, "HGET", key, "index") == "0", 3.0, "the mirror showing the first segment")
    end_current_segment_soon(stack, room, segs[0]["id"], 60)
    # Nobody reads the room from here on: only the sweeper can move the timer and its mirror.
    wait_for(lambda: db_index(stack, room) == 1, 3.0, "the sweeper advancing the room")
    expected = stack.psql("select status || ' ' || version || ' ' || (extract(epoch from expires_at - now()) * 1000)::bigint"
                          " from rooms where id = :'v1'", room.id).split()

    def mirrored():
        fields = redis_cli(stack, "HGETALL", key).splitlines()
        return dict(zip(fields[::2], fields[1::2]))
    timer = wait_for(lambda: (lambda m: m if m.get("index") == "1" else None)(mirrored()), 2.0,
                     "the Redis mirror showing the new segment")
    assert timer["status"] == expected[0]
    assert int(timer["version"]) == int(expected[1])
    assert int(timer["remaining_ms"]) > 55_000 or timer["status"] != "running"
    expires_in_ms = int(expected[2])
    for mirror_key in (key, f"room:presence:{room.id}"):
        ttl = int(redis_cli(stack, "PTTL", mirror_key))
        assert abs(ttl - expires_in_ms) < 5_000, f"{mirror_key} expires in {ttl} ms, the room in {expires_in_ms} ms"
    presence = redis_cli(stack, "ZRANGE", f"room:presence:{room.id}", "0", "-1").splitlines()
    assert sorted(presence) == sorted(p["id"] for p in room.state()["participants"])
    assert guest.id in presence


def test_skipped_focus_segment_is_not_counted(stack, make_room):
    room = make_room()
    room.host.ok("/timer", action="start", at="0")
    room.host.ok("/timer", action="skip", at="0")
    time.sleep(1)
    assert completions(stack, room) == []


def test_parked_poll_learns_that_the_sweeper_advanced_the_room(stack, make_room):
    room = make_room()
    room.host.ok("/timer", action="start", at="0")
    segs = room.state()["segments"]
    guest = room.join("Sam Sleeper")
    since = room.state()["version"]
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(guest.poll, since, 12)
        assert stack.wait_parked(baseline, 1)
        stack.psql("update segments set duration_sec = 60 where id = :'v1'", segs[0]["id"])
        # Ends in a second without a wake-up of its own: the sweeper's change must wake the poll.
        stack.psql("update rooms set segment_ends_at = now() + interval '1 second' where id = :'v1'", room.id)
        r = future.result(timeout=12)
    assert r.status_code == 200
    body = r.json()
    assert body["timer"]["index"] == 1, body["timer"]
    assert fragment(body["fragments"]["timer"]).find(cls="timer-state").get("data-index") == "1"
