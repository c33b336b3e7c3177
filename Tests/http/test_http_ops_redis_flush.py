"""Redis needs no backup (issue 17, operations): everything it holds is rebuilt from PostgreSQL. With
every Redis key flushed, the room, profile, stats and leaderboard pages show what they showed before
(the boards once a responder has rebuilt them, which it does by itself), nobody is signed out, and a
parked poll still hears of a change."""

import time

from ops_kit import comparable, site_with_content, woken_poll
from pomopomo_testkit import parse_html, pomopomo_run, redis_cli, room_db_version

REBUILT_WITHIN = 15.0  # seconds: LeaderboardJobs checks every second that the boards are there


def pages_of(stack, responder, paths, sid):
    out = {}
    for p in paths:
        r = stack.fcgi(responder, "GET", p, headers={"Cookie": f"pp_sid={sid}"})
        assert r.status == 200, f"{p}: {r.status}"
        out[p] = comparable(r.text)
    return out


def test_flushing_redis_loses_nothing_anyone_can_see(stack, account, new_user):
    acct, room, picture, _ = site_with_content(stack, account, new_user)
    pomopomo_run(stack, "leaderboards", "rebuild")
    sid = acct.user.sid
    paths = [f"/r/{room.code}", f"/u/{acct.username}", f"/u/{acct.username}/stats", "/stats",
             "/leaderboards?board=alltime", "/me"]
    before = {name: pages_of(stack, name, paths, sid) for name in stack.responders}
    # Ranked (the suite's other accounts may fill the first page): the board tells its reader where.
    board = parse_html(stack.fcgi("a", "GET", "/leaderboards?board=alltime", headers={"Cookie": f"pp_sid={sid}; pp_in=1"}).text)
    assert board.by_id("rank-summary") is not None, "the account is not ranked"
    assert int(redis_cli(stack, "DBSIZE")) > 0

    assert redis_cli(stack, "FLUSHALL") == "OK"
    assert int(redis_cli(stack, "DBSIZE")) == 0

    deadline = time.monotonic() + REBUILT_WITHIN
    for name in stack.responders:
        while True:
            after = pages_of(stack, name, paths, sid)
            differing = [p for p in paths if after[p] != before[name][p]]
            if not differing:
                break
            assert time.monotonic() < deadline, f"{name}: {differing} still differ {REBUILT_WITHIN}s after the flush"
            time.sleep(0.25)
    avatar = stack.fcgi("b", "GET", f"/u/{acct.username}/avatar")
    assert avatar.status == 200 and avatar.body == picture


def test_a_parked_poll_hears_of_a_change_after_a_flush(stack, new_user):
    host = new_user()
    code = host.create_room("Flush host")
    since = room_db_version(stack, code)
    assert redis_cli(stack, "FLUSHALL") == "OK"
    answer = woken_poll(stack, "a", code, since, host.sid)
    assert answer.status == 200 and answer.json()["version"] > since
