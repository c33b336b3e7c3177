"""The daily reset when a service is down (issue 13 "Bad input and faults"): PostgreSQL down at the
reset time, the reset happens once when it is back; Redis down, resets still happen, and live
updates resume when Redis is back. These use the responders' own sweeper on the real clock: the
timer's day is made to end a few seconds ahead (reset_kit.due_in)."""

from __future__ import annotations

import subprocess
import time

from reset_kit import configure, due_in, resets, set_count, task_row, timer_row, wait_for


def ready_timer(stack, account, count=3):
    acct = account("fault")
    timer = configure(stack, acct.user, "Europe/Berlin", "custom", "04:30", now=None)
    set_count(acct.user, count, None)
    return acct, timer


def test_postgres_down_at_the_reset_time_resets_once_when_it_is_back(stack, account, postgres_outage):
    acct, timer = ready_timer(stack, account)
    due_in(stack, timer, 2)
    with postgres_outage():
        time.sleep(4)  # the reset time passes while PostgreSQL is down
    (event,) = wait_for(lambda: resets(stack, timer), 20, "the reset after PostgreSQL came back")
    assert event["previous"] == 3
    time.sleep(2)  # more sweeper ticks change nothing
    assert len(resets(stack, timer)) == 1
    assert timer_row(stack, timer)["today_count"] == 0
    assert task_row(stack, timer)["next"] > time.time()


def test_redis_down_resets_still_happen_and_live_updates_resume(stack, account, redis_outage):
    acct, timer = ready_timer(stack, account)
    before = timer_row(stack, timer)["version"]
    with redis_outage():
        due_in(stack, timer, 1)
        (event,) = wait_for(lambda: resets(stack, timer), 15, "the reset with Redis down")
        assert event["previous"] == 3
        assert timer_row(stack, timer)["version"] > before
    # Redis is back (every responder subscribed again): the next reset is announced on the wake
    # channel, where every responder's parked polls learn of it.
    set_count(acct.user, 4, None)
    socket_path = stack.env["POMOPOMO_REDIS"].removeprefix("unix:")
    with subprocess.Popen(["timeout", "12", "redis-cli", "-s", socket_path, "--no-raw", "SUBSCRIBE", "pomopomo:wake"],
                          stdout=subprocess.PIPE, text=True) as listener:
        try:
            time.sleep(0.5)
            due_in(stack, timer, 0.5)
            wait_for(lambda: len(resets(stack, timer)) == 2, 15, "the second reset")
            version = timer_row(stack, timer)["version"]
            deadline = time.monotonic() + 10
            heard = []
            found = False
            while time.monotonic() < deadline:
                line = listener.stdout.readline()
                if not line:
                    break
                heard.append(line.strip())
                if f"ptimer:{timer} {version}" in line:
                    found = True
                    break
            assert found, f"no wake-up for ptimer:{timer} {version}; heard {heard[-6:]}"
        finally:
            listener.kill()
