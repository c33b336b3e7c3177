"""Rooms (issue 3) through nginx with two responders: creating a room from a preset and a theme,
joining by code, the host role and handing it over, leaving and removal, and the host's theme.

Every refused request must answer the documented status with the room page's #room-error and change
nothing: the tests compare state.json before and after (volatile clock fields left out), always
reading the state that matches the room's version in PostgreSQL (rooms_kit.Room.state)."""

import time

import pytest

from rooms_kit import CLASSIC, THEMES, assert_unchanged, segment_kinds, timer_state

# ------------------------------------------------------------------------------------------- lifecycle

def test_classic_preset_makes_eight_segments_and_an_idle_timer(make_room):
    room = make_room(preset="classic")
    state = room.state()
    assert segment_kinds(state) == CLASSIC
    assert [s["position"] for s in state["segments"]] == list(range(8))
    assert state["status"] == "idle" and state["theme"] == "midnight_bloom"
    timer = state["timer"]
    assert (timer["status"], timer["index"], timer["count"], timer["kind"], timer["phase"]) == \
        ("idle", 0, 8, "focus", "Focus")
    assert timer["remaining_ms"] == 1_500_000 and timer["duration_ms"] == 1_500_000
    assert not timer["ends_at_ms"]
    doc = room.host.page()
    assert [li.get("data-kind") for li in doc.by_id("queue-list").find_all("li", cls="segment")] == [k for k, _ in CLASSIC]
    assert doc.by_id("timer-position").clean_text() == "1 of 8"
    assert doc.by_id("timer-clock").clean_text() == "25:00"
    assert timer_state(doc).get("data-status") == "idle"


def test_default_preset_is_classic(make_room):
    assert segment_kinds(make_room().state()) == CLASSIC


def test_empty_preset_makes_an_empty_queue_that_cannot_start(make_room):
    room = make_room(preset="empty")
    state = room.state()
    assert state["segments"] == []
    doc = room.host.page()
    assert doc.by_id("queue-empty") is not None
    assert not doc.by_id("queue-list").find_all("li", cls="segment")
    room.host.refused(409, "/timer", action="start", at="0")
    assert_unchanged(room, state, "starting an empty queue")


@pytest.mark.parametrize("theme", THEMES)
def test_room_is_created_with_the_chosen_theme(make_room, theme):
    room = make_room(theme=theme)
    assert room.state()["theme"] == theme
    doc = room.host.page()
    assert doc.by_id("room").get("data-theme") == theme
    selected = [o.get("value") for o in doc.by_id("theme-select").find_all("option") if "selected" in o.attrs]
    assert selected == [theme]


def test_guest_joins_by_code_and_the_page_knows_who_they_are(make_room):
    room = make_room()
    r = room.host.user.get("/join", params={"code": room.code.replace("-", "").lower()})
    assert r.status_code == 303 and r.headers["Location"] == f"/r/{room.code}"
    guest = room.join("Gus Guest")
    state = room.state()
    assert [(p["name"], p["role"]) for p in state["participants"]] == [("Hana Host", "host"), ("Gus Guest", "guest")]
    gdoc = guest.page()
    assert gdoc.by_id("room").get("data-viewer-role") == "guest"
    assert gdoc.by_id("room").get("data-me") == [p["id"] for p in state["participants"] if p["name"] == "Gus Guest"][0]
    assert gdoc.by_id("propose-form") is not None, "a guest is not offered the proposal form"
    hdoc = room.host.page()
    assert hdoc.by_id("room").get("data-viewer-role") == "host"
    assert hdoc.by_id("propose-form") is None, "the host is offered the proposal form"
    visitor = room.visitor()
    vdoc = visitor.page()
    assert vdoc.by_id("room").get("data-viewer-role") == "" and vdoc.by_id("room").get("data-me") == ""


def test_host_hands_the_role_over_and_only_the_new_host_controls(make_room):
    room = make_room()
    guest = room.join("Nell Newhost")
    room.host.ok(f"/participants/{guest.id}/host")
    state = room.state()
    roles = {p["name"]: p["role"] for p in state["participants"]}
    assert roles == {"Hana Host": "guest", "Nell Newhost": "host"}
    assert guest.page().by_id("room").get("data-viewer-role") == "host"
    assert room.host.page().by_id("room").get("data-viewer-role") == "guest"
    poll = room.host.poll(0)
    assert poll.status_code == 200 and poll.json()["host"] == guest.id

    before = room.state()
    room.host.refused(403, "/timer", action="start", at="0")
    room.host.refused(403, "/theme", theme="sunrise")
    room.host.refused(403, f"/participants/{guest.id}/host")
    assert_unchanged(room, before, "the old host's actions")
    guest.ok("/timer", action="start", at="0")
    guest.ok("/theme", theme="sunrise")
    state = room.state()
    assert state["timer"]["status"] == "running" and state["theme"] == "sunrise"


def test_guest_leaves_and_is_offered_to_join_again(make_room):
    room = make_room()
    guest = room.join("Lea Leaver")
    guest.ok("/leave")
    assert [p["name"] for p in room.state()["participants"]] == ["Hana Host"]
    doc = guest.page()
    assert doc.by_id("join-room") is not None and doc.by_id("leave-form") is None
    assert doc.by_id("room").get("data-me") == ""


def test_when_the_host_leaves_the_longest_present_participant_becomes_host(make_room):
    room = make_room()
    # Names sorted the other way round, so alphabetical order cannot pass for arrival order.
    first = room.join("Zora Early")
    time.sleep(0.05)
    room.join("Abe Later")
    room.host.ok("/leave")
    state = room.state()
    assert {p["name"]: p["role"] for p in state["participants"]} == {"Zora Early": "host", "Abe Later": "guest"}
    assert first.page().by_id("room").get("data-viewer-role") == "host"
    first.ok("/timer", action="start", at="0")


def test_host_removes_a_participant(make_room):
    room = make_room()
    guest = room.join("Rex Removed")
    room.host.ok(f"/participants/{guest.id}/remove")
    assert [p["name"] for p in room.state()["participants"]] == ["Hana Host"]
    # Removed means out for the room's lifetime: a page that says so (test_http_room_abuse.py).
    r = guest.user.get(f"/r/{room.code}")
    assert r.status_code == 403 and "removed you" in r.text


# ------------------------------------------------------------------------------------------- theme

@pytest.mark.parametrize("theme", THEMES)
def test_host_sets_each_theme(make_room, theme):
    room = make_room(theme="sunrise" if theme != "sunrise" else "forest_calm")
    guest = room.join("Tess Theme")
    since = room.db_version()
    room.host.ok("/theme", theme=theme)
    assert room.state()["theme"] == theme
    for who in (room.host, guest):
        assert who.page().by_id("room").get("data-theme") == theme
    r = guest.poll(since, timeout=3)
    assert r.status_code == 200 and r.json()["theme"] == theme


@pytest.mark.parametrize("theme", ["neon", "", "sunrise;x", "../midnight_bloom"])
def test_unknown_theme_is_422(make_room, theme):
    room = make_room()
    before = room.state()
    room.host.refused(422, "/theme", theme=theme)
    assert_unchanged(room, before, f"theme {theme!r}")
