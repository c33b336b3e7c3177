"""Events first (issue 15): after a random sequence of a person's actions through the pages (the
journal page's flow, the personal timer driving its sessions, a room's panel, later choices, steps
out of order that must store nothing, days and the timer's idle time passing on the test clock),
`pomopomo journal rebuild` recomputes the five projections from the events alone, and they equal
the live ones, table by table, row by row, every column."""

import json
import os
import random
import subprocess
import time

import pytest

from accounts_kit import brief, register
from journal_kit import CATEGORIES, INTENTS, TABLES, Journal, projections, rebuild
from pomopomo_testkit import User
from rooms_kit import new_room
from timer_kit import TimerBrowser

SEED = int(os.environ.get("POMOPOMO_JOURNAL_SEED", "15004"))
STEPS = 40
BASE = (int(time.time()) // 86_400 + 40) * 86_400 + 7 * 3600  # the test clock, well ahead of the sweeper's
ACTIVITIES = ["tea_coffee", "phone", "walk", "food", "rest", "other"]


def state(j: Journal) -> dict:
    """Where the journal and the timer are, and the entries a later choice can pick from (by age)."""
    out = j.stack.psql(
        """
        select json_build_object(
          'open', (select row_to_json(x) from (select id, status, place, room_code from journal_sessions
                   where user_id = :'v1' and status in ('running', 'interrupted')) x),
          'open_break', (select id from journal_breaks where user_id = :'v1' and ended_at is null),
          'sessions', (select coalesce(json_agg(id order by started_at, id), '[]') from journal_sessions where user_id = :'v1'),
          'closed', (select coalesce(json_agg(id order by started_at, id), '[]') from journal_sessions
                     where user_id = :'v1' and status in ('completed', 'abandoned')),
          'interruptions', (select coalesce(json_agg(id order by occurred_at, id), '[]') from journal_interruptions
                            where user_id = :'v1'),
          'breaks', (select coalesce(json_agg(id order by started_at, id), '[]') from journal_breaks where user_id = :'v1'),
          'ended_breaks', (select coalesce(json_agg(id order by started_at, id), '[]') from journal_breaks
                           where user_id = :'v1' and ended_at is not null),
          'timer', (select row_to_json(x) from (select phase, status, extract(epoch from segment_ends_at)::float8 as ends
                    from personal_timers where user_id = :'v1') x))
        """, j.uid)
    return json.loads(out)


def test_rebuilt_projections_equal_the_live_ones_after_a_random_sequence(stack, mailbox):
    rng = random.Random(SEED)
    j = Journal(stack, register(stack.base_url, mailbox, "jrebuild"))
    timer = TimerBrowser(stack, j.user, j.uid)
    room = new_room(stack, User(stack.base_url), "Hana Host")
    assert j.user.join(room.code, "Rae").status_code == 303
    here = {"from": "room", "room": room.code}
    t = float(BASE)
    done: list[str] = []
    refused = 0

    def refuse(r, expect: int, before: str, what: str):
        nonlocal refused
        assert r.status_code == expect, f"{what}: {brief(r)}"
        assert j.stored() == before, f"{what} stored something"
        refused += 1

    def timer_at(action: str, now: float, **fields):
        """A timer control from the page as drawn at `now` (time passing may have moved the timer on
        since the step was chosen: a control that no longer applies is refused and stores nothing)."""
        doc = timer.page(now)
        body = {"csrf": doc.find("input", name="csrf").get("value"), "version": doc.by_id("ptimer").get("data-version"),
                **fields}
        before = j.stored()
        r = timer.user.post_form(f"/timer/{action}", body, headers={"X-Pomopomo-Test-Now": repr(now)})
        if r.status_code != 303:
            refuse(r, 409, before, f"timer {action}")

    # Every kind of step once, whatever the seed; then the random walk.
    first = j.start("coding", t)
    j.ok(first, "pause", t + 300, category="door")
    j.ok(first, "resume", t + 420)
    j.ok(first, "complete", t + 1500)
    [opened] = j.breaks()
    assert j.choose("activity", opened["id"], "walk", t + 1560).status_code == 303
    assert j.end_break(opened["id"], t + 1800).status_code == 303
    t += 86_400  # the next day
    second = j.start("writing", t)
    j.ok(second, "end", t + 100)
    assert j.choose("intent", first, "reading", t + 200).status_code == 303
    assert j.choose("category", j.interruptions()[0]["id"], "family", t + 300).status_code == 303
    t += 400
    timer_at("start", t, intent="planning")
    t = state(j)["timer"]["ends"] + 30
    timer.get(now=t)

    for _ in range(STEPS):
        t += rng.choice([1, 2, 5, 9, 14, 30]) * 60 + rng.random()
        if rng.random() < 0.04:
            t += rng.choice([6, 20, 40]) * 3600  # a night, or the timer's idle time, passes
        s = state(j)
        open_, clock = s["open"], s["timer"] or {"phase": "focus", "status": "idle", "ends": None}
        roll = rng.random()
        what = ""
        if roll < 0.12 and s["sessions"]:
            what = "intent"
            r = j.choose("intent", rng.choice(s["sessions"]), rng.choice(INTENTS), t)
            assert r.status_code == 303, brief(r)
        elif roll < 0.2 and s["interruptions"]:
            what = "category"
            r = j.choose("category", rng.choice(s["interruptions"]), rng.choice(CATEGORIES), t)
            assert r.status_code == 303, brief(r)
        elif roll < 0.28 and s["breaks"]:
            what = "activity"
            r = j.choose("activity", rng.choice(s["breaks"]), rng.choice(ACTIVITIES), t)
            assert r.status_code == 303, brief(r)
        elif roll < 0.34 and (s["open_break"] or s["ended_breaks"]):
            what = "end break"
            if s["open_break"] and rng.random() < 0.7:
                assert j.end_break(s["open_break"], t).status_code == 303
            elif s["ended_breaks"]:
                refuse(j.end_break(rng.choice(s["ended_breaks"]), t), 409, j.stored(), "ending a break twice")
        elif roll < 0.42 and s["closed"]:
            what = "out of order"
            action = rng.choice(["pause", "resume", "complete", "end"])
            refuse(j.step(rng.choice(s["closed"]), action, t, category="door"), 409, j.stored(), f"{action} of an ended session")
        elif open_ is None:
            where = rng.choice(["journal", "room", "timer", "timer"])
            intent = rng.choice(INTENTS)
            what = f"start ({where})"
            if where == "timer":
                if clock["phase"] != "focus" or clock["status"] != "idle":
                    timer_at("skip" if clock["phase"] != "focus" else "stop", t)
                    t += 1
                timer_at("start", t, intent=intent)
            elif where == "room":
                r = j.start_response(intent, t, from_="room", room=room.code)
                assert r.status_code == 303, brief(r)
            else:
                j.start(intent, t)
        elif open_["place"] == "timer":
            status = open_["status"]
            choice = rng.choice(["pause", "resume", "run out", "run out", "stop", "reset", "skip", "break"])
            what = f"timer {choice}"
            if choice == "run out":
                ends = clock["ends"] if status == "running" and clock["ends"] else None
                if ends:
                    t = max(t, ends + rng.randint(0, 400))
                timer.get(now=t)
            elif choice == "pause" and status == "running":
                timer_at("pause", t, **({"category": rng.choice(CATEGORIES)} if rng.random() < 0.8 else {}))
            elif choice == "resume" and status == "interrupted":
                timer_at("resume", t)
            elif choice in ("stop", "reset", "skip"):
                timer_at(choice, t)
            elif choice == "break":
                timer_at("break", t, kind=rng.choice(["short", "long"]))
            else:
                timer.get(now=t)
        else:
            status = open_["status"]
            extra = here if open_["place"] == "room" else {}
            action = rng.choice(["pause", "resume", "complete", "end", "pause", "resume"])
            what = f"{action} ({open_['place']})"
            allowed = {"running": {"pause", "complete", "end"}, "interrupted": {"resume", "complete", "end"}}[status]
            fields = {"category": rng.choice(CATEGORIES)} if action == "pause" and rng.random() < 0.8 else {}
            if action in allowed:
                j.ok(open_["id"], action, t, **fields, **extra)
            else:
                refuse(j.step(open_["id"], action, t, **fields, **extra), 409, j.stored(), f"{action} while {status}")
        done.append(what)

    live = projections(stack, j.uid)
    kinds = {k for k, _ in j.events()}
    assert {"session_started", "session_paused", "session_resumed", "session_completed", "session_ended",
            "break_activity_chosen", "break_ended", "interruption_categorised", "intent_chosen"} <= kinds, \
        f"the sequence (seed {SEED}) did not try every step: {sorted(kinds)}"
    assert refused >= 3 and len(live["journal_days"]) >= 2, f"seed {SEED}: {refused} refusals, {len(live['journal_days'])} days"
    assert {row for row in live["journal_sessions"] if '"place":"timer"' in row}, "no session kept on the timer"

    summary = rebuild(stack, j.uid)
    assert summary["users"] == 1 and summary["events"] == len(j.events())
    rebuilt = projections(stack, j.uid)
    for table in TABLES:
        assert rebuilt[table] == live[table], f"{table} differs after the rebuild (seed {SEED}, steps {done})"
    # Every owner at once gives the same rows again.
    assert rebuild(stack)["users"] >= 1
    assert projections(stack, j.uid) == live


@pytest.mark.parametrize("kind", ["UPDATE journal_events SET kind = kind", "DELETE FROM journal_events",
                                  "TRUNCATE journal_events"])
def test_events_cannot_be_changed_or_removed_below_the_application(stack, kind):
    out = stack.psql("select count(*) from journal_events")
    cmd = ["psql", stack.env["POMOPOMO_DATABASE_URL"], "-X", "-At", "-c", kind]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    assert done.returncode != 0 and "append-only" in done.stderr, done.stderr
    assert stack.psql("select count(*) from journal_events") == out
