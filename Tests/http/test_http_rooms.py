"""Rooms (issue 3) through nginx with two responders: the room's lifecycle and host role, the segment
queue, the timer and its sweeper, tasks, proposals, chat with its spam protection, themes, daily
statistics with `pomopomo clean-rooms`, and the long-poll's answers.

Every refused request must answer the documented status with the room page's #room-error and change
nothing: the tests compare state.json before and after (volatile clock fields left out), always
reading the state that matches the room's version in PostgreSQL, so a cache that has not heard of a
change yet cannot fake a pass or a failure."""

import json
import re
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
import requests

from pomopomo_testkit import (CANONICAL_ROOM_PATH, User, parse_html, pomopomo_run, pomopomo_start, publish_wake,
                              redis_cli, room_db_version, room_id, summary_line, stable)

THEMES = ["midnight_bloom", "forest_calm", "ocean_deep", "sunrise"]
CLASSIC = [("focus", 1500), ("break", 300), ("focus", 1500), ("break", 300),
           ("focus", 1500), ("break", 300), ("focus", 1500), ("long_break", 900)]
CLOCK_SLACK_MS = 1000  # remaining_ms must be within ±1 s of what the test expects
WAKE_WITHIN = 1.0      # seconds from an acknowledged change to the answered parked poll
SETTLE = 3.0           # seconds a cache may take to hear of a change announced on Redis


# ------------------------------------------------------------------------------------------- helpers

def excerpt(r: requests.Response) -> str:
    doc = parse_html(r.text)
    for element_id in ("room-error", "error-message"):
        el = doc.by_id(element_id)
        if el is not None:
            return f"#{element_id}: {el.clean_text()!r}"
    return r.text[:300]


class Member:
    """One visitor of one room (joined or not), with its own cookie jar and CSRF token."""

    def __init__(self, room: "Room", user: User, name: str | None = None):
        self.room = room
        self.user = user
        self.name = name
        self._token = None
        self._id = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.user.csrf("/")  # the token is the session's: any page's form carries it
        return self._token

    @property
    def id(self) -> str:
        """This visitor's participant id, as the room page names it in #room[data-me]."""
        if self._id is None:
            self._id = self.page().by_id("room").get("data-me")
            assert self._id, f"{self.name} is not a participant of {self.room.code}"
        return self._id

    # `where` is positional-only: "action" is also a form field (the timer's).
    def post(self, where: str, /, **fields) -> requests.Response:
        """POST /r/CODE<where> with the CSRF token and the fields that are not None."""
        body = [("csrf", self.token)] + [(k, v) for k, v in fields.items() if v is not None]
        return self.user.post_form(f"/r/{self.room.code}{where}", body)

    def ok(self, where: str, /, **fields) -> requests.Response:
        r = self.post(where, **fields)
        assert r.status_code == 303, f"POST {where} {fields} by {self.name}: {r.status_code} {excerpt(r)}"
        # Back to the room (at the changed section), to the host's moderation page, or home after leaving.
        location = r.headers["Location"]
        back = re.fullmatch(rf"/r/{re.escape(self.room.code)}(/moderate)?(#[A-Za-z][\w-]*)?", location)
        assert back or (where == "/leave" and location == "/"), f"POST {where} redirected to {location!r}"
        return r

    def refused(self, status: int | set, where: str, /, **fields):
        """POSTs and asserts the refusal: `status` (or one of a set), a room page with #room-error."""
        r = self.post(where, **fields)
        statuses = status if isinstance(status, set) else {status}
        assert r.status_code in statuses, \
            f"POST {where} {fields} by {self.name}: expected {sorted(statuses)}, got {r.status_code} {excerpt(r)}"
        doc = parse_html(r.text)
        if r.status_code == 400 and doc.by_id("room-error") is None:
            # A malformed request may be refused before the room is read: the generic error page.
            assert doc.by_id("error-message") is not None, f"400 without an error message: {excerpt(r)}"
            return doc
        error = doc.by_id("room-error")
        assert error is not None, f"POST {where} answered {r.status_code} without #room-error: {excerpt(r)}"
        assert error.get("role") == "alert" and error.clean_text(), "the room error is not an alert with text"
        # The room page, or for the host's moderation actions the moderation page (which links back).
        page = doc.by_id("room")
        assert page is not None and (page.get("data-code") == self.room.code or
                                     page.find("a", href=f"/r/{self.room.code}") is not None), \
            "the refusal is not the room's page"
        return doc

    def page(self) -> "Element":
        """The room page as this visitor sees it, once it shows the room's current version."""
        want = room_db_version(self.room.stack, self.room.code)
        deadline = time.monotonic() + SETTLE
        while True:
            doc = self.user.page(f"/r/{self.room.code}")
            got = int(doc.find("div", cls="room-grid").get("data-version"))
            if got >= want:
                return doc
            assert time.monotonic() < deadline, f"the page still shows version {got} < {want} after {SETTLE}s"
            time.sleep(0.05)

    def raw_page(self) -> str:
        self.page()
        return self.user.get(f"/r/{self.room.code}").text

    def poll(self, since, timeout: float = 6) -> requests.Response:
        return self.user.poll(self.room.code, since, timeout=timeout)


class Room:
    def __init__(self, stack, code: str, host: Member):
        self.stack = stack
        self.code = code
        self.host = host
        self.host.room = self
        self._id = None

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = room_id(self.stack, self.code)
        return self._id

    def db_version(self) -> int:
        return room_db_version(self.stack, self.code)

    def state(self) -> dict:
        """state.json at (at least) the version PostgreSQL holds now."""
        want = self.db_version()
        deadline = time.monotonic() + SETTLE
        viewer = User(self.stack.base_url)
        try:
            while True:
                s = viewer.state(self.code)
                if s["version"] >= want:
                    return s
                assert time.monotonic() < deadline, f"state.json still at version {s['version']} < {want} after {SETTLE}s"
                time.sleep(0.05)
        finally:
            viewer.http.close()

    def join(self, name: str) -> Member:
        user = User(self.stack.base_url)
        self.stack._room_users.append(user)
        r = user.join(self.code, name)
        assert r.status_code == 303, f"joining {self.code} as {name}: {r.status_code} {excerpt(r)}"
        return Member(self, user, name)

    def visitor(self) -> Member:
        user = User(self.stack.base_url)
        self.stack._room_users.append(user)
        return Member(self, user, "visitor")

    def segment_ids(self) -> list[str]:
        return [s["id"] for s in self.state()["segments"]]


def assert_unchanged(room: Room, before: dict, what: str):
    after = room.state()
    assert stable(after) == stable(before), f"{what} changed the room:\nbefore {stable(before)}\nafter  {stable(after)}"
    if before["timer"]["status"] == "running":
        drift = abs(after["timer"]["ends_at_ms"] - before["timer"]["ends_at_ms"])
        assert drift <= 100, f"{what} moved the running timer's end by {drift} ms"


@pytest.fixture
def make_room(stack, new_user):
    """make_room(preset=None, theme=None, name="Hana Host") -> Room hosted by a fresh visitor."""
    stack._room_users = []

    def make(preset: str | None = None, theme: str | None = None, name: str = "Hana Host",
             user: User | None = None) -> Room:
        user = user or new_user()
        token = user.csrf("/")
        fields = [("csrf", token), ("display_name", name)]
        if preset is not None:
            fields.append(("preset", preset))
        if theme is not None:
            fields.append(("theme", theme))
        r = user.post_form("/rooms", fields)
        assert r.status_code == 303, f"creating a room: {r.status_code} {excerpt(r)}"
        m = CANONICAL_ROOM_PATH.match(r.headers["Location"])
        assert m, r.headers["Location"]
        host = Member(None, user, name)
        return Room(stack, m.group(1), host)

    yield make
    for user in stack._room_users:
        user.http.close()


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout}s"
        time.sleep(interval)


def segment_kinds(state) -> list[tuple[str, int]]:
    return [(s["kind"], s["duration_sec"]) for s in state["segments"]]


def timer_state(doc):
    el = doc.by_id("timer").find(cls="timer-state")
    assert el is not None, "#timer has no .timer-state"
    return el


def chat_texts(container) -> list[str]:
    return [li.find("span", cls="text").clean_text() for li in container.find_all("li", cls="message")]


def chat_items(doc) -> list:
    ol = doc.by_id("chat-messages")
    assert ol is not None, "the page has no #chat-messages"
    return ol.find_all("li", cls="message")


def fragment(html_text: str):
    return parse_html(html_text)


def now_ms() -> int:
    return int(time.time() * 1000)


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


# ------------------------------------------------------------------------------------------- segment queue

@pytest.mark.parametrize("typed,seconds", [("1", 60), ("25", 1500), ("25:00", 1500), ("1:30", 90), ("240", 14400),
                                           ("240:00", 14400)])
def test_host_adds_a_segment_with_each_duration_spelling(make_room, typed, seconds):
    room = make_room(preset="empty")
    room.host.ok("/segments", kind="focus", duration=typed, label="", public_task="")
    state = room.state()
    assert len(state["segments"]) == 1
    seg = state["segments"][0]
    assert (seg["kind"], seg["duration_sec"], seg["position"]) == ("focus", seconds, 0)
    assert not seg["label"] and not seg["public_task"]
    li = room.host.page().by_id("queue-list").find("li", cls="segment")
    assert li.get("data-segment-id") == seg["id"]


BAD_DURATIONS = ["0", "0:59", "241", "240:01", "abc", "", "-5", "1.5", "25min", "99999999999999999999"]


@pytest.mark.parametrize("typed", BAD_DURATIONS)
def test_bad_duration_on_add_is_422_keeps_the_input_and_changes_nothing(make_room, typed):
    room = make_room()
    before = room.state()
    doc = room.host.refused(422, "/segments", kind="focus", duration=typed)
    kept = doc.by_id("segment-add").find("input", name="duration")
    assert kept is not None and kept.get("value") == typed, "the typed duration was not kept"
    assert_unchanged(room, before, f"adding a segment of {typed!r}")


@pytest.mark.parametrize("typed", ["0", "0:59", "241", "abc", ""])
def test_bad_duration_on_edit_is_422_and_changes_nothing(make_room, typed):
    room = make_room()
    before = room.state()
    seg = before["segments"][2]["id"]
    room.host.refused(422, f"/segments/{seg}", kind="focus", duration=typed)
    assert_unchanged(room, before, f"editing a segment to {typed!r}")


def test_custom_segment_needs_a_label_of_at_most_forty_characters(make_room):
    room = make_room(preset="empty")
    before = room.state()
    room.host.refused(422, "/segments", kind="custom", duration="10")
    room.host.refused(422, "/segments", kind="custom", duration="10", label="   ")
    room.host.refused(422, "/segments", kind="custom", duration="10", label="L" * 41)
    room.host.refused(422, "/segments", kind="nap", duration="10")
    room.host.refused(422, "/segments", kind="focus", duration="10", public_task="T" * 201)
    assert_unchanged(room, before, "refused custom segments")
    room.host.ok("/segments", kind="custom", duration="10", label="Stretch")
    seg = room.state()["segments"][0]
    assert (seg["kind"], seg["label"], seg["duration_sec"]) == ("custom", "Stretch", 600)
    room.host.ok("/timer", action="start", at="0")
    state = room.state()
    assert state["timer"]["phase"] == "Stretch" and state["timer"]["kind"] == "custom"
    assert room.host.page().by_id("timer-phase").clean_text() == "Stretch"


def test_host_edits_a_segment(make_room):
    room = make_room()
    seg = room.state()["segments"][2]["id"]
    room.host.ok(f"/segments/{seg}", kind="break", duration="7:30", label="", public_task="Write the intro")
    segs = room.state()["segments"]
    assert segs[2] == {"id": seg, "position": 2, "kind": "break", "label": segs[2]["label"], "duration_sec": 450,
                       "public_task": "Write the intro"}
    assert not segs[2]["label"]
    assert segment_kinds({"segments": segs[:2] + segs[3:]}) == CLASSIC[:2] + CLASSIC[3:]
    li = room.host.page().by_id(f"seg-{seg}")
    assert li.get("data-kind") == "break" and li.find(cls="public-task").clean_text() == "Write the intro"


def test_host_removes_a_segment_and_positions_close_up(make_room):
    room = make_room()
    ids = room.segment_ids()
    room.host.ok(f"/segments/{ids[3]}/delete")
    state = room.state()
    assert [s["id"] for s in state["segments"]] == ids[:3] + ids[4:]
    assert [s["position"] for s in state["segments"]] == list(range(7))
    assert state["timer"]["count"] == 7
    assert room.host.page().by_id(f"seg-{ids[3]}") is None


def test_host_reorders_segments(make_room):
    room = make_room()
    ids = room.segment_ids()
    room.host.ok(f"/segments/{ids[3]}/move", direction="up")
    assert room.segment_ids() == ids[:2] + [ids[3], ids[2]] + ids[4:]
    room.host.ok(f"/segments/{ids[3]}/move", direction="down")
    assert room.segment_ids() == ids
    room.host.ok(f"/segments/{ids[5]}/move", direction="down")
    assert room.segment_ids() == ids[:5] + [ids[6], ids[5]] + ids[7:]
    state = room.state()
    assert [s["position"] for s in state["segments"]] == list(range(8))
    page_ids = [li.get("data-segment-id") for li in room.host.page().by_id("queue-list").find_all("li", cls="segment")]
    assert page_ids == [s["id"] for s in state["segments"]]


def test_bad_move_direction_is_refused(make_room):
    room = make_room()
    before = room.state()
    seg = before["segments"][3]["id"]
    room.host.refused({400, 422}, f"/segments/{seg}/move", direction="sideways")
    assert_unchanged(room, before, "moving sideways")


def test_the_hundred_and_first_segment_is_refused(make_room):
    room = make_room(preset="empty")
    for i in range(100):
        r = room.host.post("/segments", kind="focus" if i % 2 == 0 else "break", duration=str(1 + i % 60))
        assert r.status_code == 303, f"segment {i + 1}: {r.status_code} {excerpt(r)}"
    before = room.state()
    assert len(before["segments"]) == 100
    assert [s["position"] for s in before["segments"]] == list(range(100))
    doc = room.host.refused(422, "/segments", kind="focus", duration="25")
    assert "100" in doc.by_id("room-error").text(), "the error does not say the queue holds at most 100"
    assert_unchanged(room, before, "the 101st segment")


@pytest.mark.parametrize("which", ["random uuid", "not a uuid", "other room's segment"])
@pytest.mark.parametrize("action", ["edit", "delete", "move"])
def test_unknown_segment_id_is_404_and_changes_nothing(make_room, which, action):
    room = make_room()
    other = make_room(name="Otto Other")
    seg = {"random uuid": str(uuid.uuid4()), "not a uuid": "nope",
           "other room's segment": other.state()["segments"][3]["id"]}[which]
    before, other_before = room.state(), other.state()
    path = {"edit": f"/segments/{seg}", "delete": f"/segments/{seg}/delete", "move": f"/segments/{seg}/move"}[action]
    room.host.refused(404, path, kind="break", duration="5", direction="up")
    assert_unchanged(room, before, f"{action} of an unknown segment")
    assert_unchanged(other, other_before, f"{action} of another room's segment")


def test_done_segments_are_read_only_and_the_current_one_stays_put(make_room):
    room = make_room()
    room.host.ok("/timer", action="start", at="0")
    room.host.ok("/timer", action="skip", at="0")
    before = room.state()
    assert before["timer"]["index"] == 1
    done, current = before["segments"][0]["id"], before["segments"][1]["id"]
    # The contract does not name the status; the state of the room forbids it, so a conflict.
    room.host.refused(409, f"/segments/{done}", kind="break", duration="5")
    room.host.refused(409, f"/segments/{done}/delete")
    room.host.refused(409, f"/segments/{done}/move", direction="down")
    room.host.refused(409, f"/segments/{current}/delete")
    room.host.refused(409, f"/segments/{current}/move", direction="down")
    # Moving an upcoming segment above the current one would rewrite the past.
    room.host.refused(409, f"/segments/{before['segments'][2]['id']}/move", direction="up")
    assert_unchanged(room, before, "changing done or current segments")
    queue = room.host.page().by_id("queue-list")
    assert "done" in queue.find("li", cls="segment").classes
    assert queue.find("li", cls="segment").find(cls="seg-edit") is None, "a done segment offers an edit form"
    # The current one may be edited.
    room.host.ok(f"/segments/{current}", kind="break", duration="6")
    assert room.state()["segments"][1]["duration_sec"] == 360


def host_actions(seg: str) -> list[tuple[str, dict]]:
    return [
        ("/segments", {"kind": "focus", "duration": "10"}),
        (f"/segments/{seg}", {"kind": "break", "duration": "3"}),
        (f"/segments/{seg}/delete", {}),
        (f"/segments/{seg}/move", {"direction": "up"}),
        ("/timer", {"action": "start", "at": "0"}),
        ("/theme", {"theme": "sunrise"}),
    ]


@pytest.mark.parametrize("who", ["guest", "visitor"])
def test_guests_and_visitors_cannot_touch_the_queue_timer_or_theme(make_room, who):
    room = make_room()
    other = room.join("Gus Guest") if who == "guest" else room.visitor()
    before = room.state()
    seg = before["segments"][3]["id"]
    for path, fields in host_actions(seg):
        other.refused(403, path, **fields)
    assert_unchanged(room, before, f"a {who}'s queue, timer and theme actions")


# ------------------------------------------------------------------------------------------- timer

def start_and_read(room: Room):
    started = time.monotonic()
    room.host.ok("/timer", action="start", at="0")
    return started, room.state()


def assert_timer_clock(timer: dict, expected_remaining_ms: float):
    assert abs(timer["remaining_ms"] - expected_remaining_ms) <= CLOCK_SLACK_MS, \
        f"remaining_ms {timer['remaining_ms']} but about {expected_remaining_ms:.0f} expected"
    assert abs(timer["server_now_ms"] - now_ms()) < 2000, "server_now_ms is not the epoch in milliseconds"
    if timer["status"] == "running":
        assert abs((timer["ends_at_ms"] - timer["server_now_ms"]) - timer["remaining_ms"]) <= CLOCK_SLACK_MS, \
            f"ends_at_ms - server_now_ms = {timer['ends_at_ms'] - timer['server_now_ms']} but remaining_ms = {timer['remaining_ms']}"
    else:
        assert not timer["ends_at_ms"], f"a {timer['status']} timer has ends_at_ms {timer['ends_at_ms']}"


def test_start_runs_the_first_segment(make_room):
    room = make_room()
    started, state = start_and_read(room)
    timer = state["timer"]
    assert (state["status"], timer["status"], timer["index"], timer["count"], timer["kind"], timer["phase"]) == \
        ("running", "running", 0, 8, "focus", "Focus")
    assert timer["duration_ms"] == 1_500_000
    assert_timer_clock(timer, 1_500_000 - (time.monotonic() - started) * 1000)
    assert timer["ends_at_ms"] > now_ms() + 1_490_000


def test_running_timer_page_shows_the_clock_and_reloads_without_javascript(make_room):
    room = make_room()
    _, state = start_and_read(room)
    r = room.host.user.get(f"/r/{room.code}")
    doc = parse_html(r.text)
    el = timer_state(doc)
    assert el.get("data-status") == "running" and el.get("data-index") == "0" and el.get("data-kind") == "focus"
    assert el.get("data-phase") == "Focus"
    assert abs(int(el.get("data-ends-at")) - state["timer"]["ends_at_ms"]) <= 100, "the page and state.json disagree on the end"
    assert abs(int(el.get("data-server-now")) - now_ms()) < 2000
    assert abs(int(el.get("data-remaining-ms")) - (int(el.get("data-ends-at")) - int(el.get("data-server-now")))) <= CLOCK_SLACK_MS
    assert doc.by_id("timer-position").clean_text() == "1 of 8"
    assert re.fullmatch(r"2[45]:[0-5]\d", doc.by_id("timer-clock").clean_text()), doc.by_id("timer-clock").clean_text()
    ends = doc.by_id("timer-ends")
    assert ends is not None and ends.tag == "time"
    iso = datetime.fromisoformat(ends.get("datetime").replace("Z", "+00:00"))
    assert abs(iso.timestamp() * 1000 - state["timer"]["ends_at_ms"]) < 1000
    assert re.fullmatch(r"\d\d:\d\d:\d\d UTC", ends.clean_text()), ends.clean_text()
    refresh = re.search(r'<noscript>\s*<meta http-equiv="refresh" content="(\d+)"', r.text)
    assert refresh, "no <noscript><meta http-equiv=refresh> while running"
    assert 1498 <= int(refresh.group(1)) <= 1502, f"refresh after {refresh.group(1)} s, the segment ends in about 1500 s"
    buttons = {b.get("value") for b in doc.by_id("timer-controls").find_all("button")}
    assert "pause" in buttons and "start" not in buttons and "resume" not in buttons


def test_pause_freezes_and_resume_continues_the_remaining_time(make_room):
    room = make_room()
    started, _ = start_and_read(room)
    time.sleep(1.5)
    paused_at = time.monotonic()
    room.host.ok("/timer", action="pause", at="0")
    state = room.state()
    expected = 1_500_000 - (paused_at - started) * 1000
    assert state["status"] == "paused" and state["timer"]["status"] == "paused"
    assert_timer_clock(state["timer"], expected)
    remaining = state["timer"]["remaining_ms"]
    assert remaining <= 1_499_000, "pausing did not keep the time that had already run"
    assert timer_state(room.host.page()).get("data-ends-at") == ""
    time.sleep(1.2)
    assert room.state()["timer"]["remaining_ms"] == remaining, "a paused timer kept running"

    resumed_at = time.monotonic()
    room.host.ok("/timer", action="resume", at="0")
    state = room.state()
    assert state["timer"]["status"] == "running" and state["timer"]["index"] == 0
    assert_timer_clock(state["timer"], remaining - (time.monotonic() - resumed_at) * 1000)


def test_skip_moves_to_the_next_segment(make_room):
    room = make_room()
    start_and_read(room)
    skipped_at = time.monotonic()
    room.host.ok("/timer", action="skip", at="0")
    state = room.state()
    timer = state["timer"]
    assert (timer["status"], timer["index"], timer["kind"], timer["phase"], timer["duration_ms"]) == \
        ("running", 1, "break", "Break", 300_000)
    assert_timer_clock(timer, 300_000 - (time.monotonic() - skipped_at) * 1000)
    assert room.host.page().by_id("timer-position").clean_text() == "2 of 8"
    classes = [li.classes for li in room.host.page().by_id("queue-list").find_all("li", cls="segment")]
    assert "done" in classes[0] and "current" in classes[1] and "upcoming" in classes[2]


def test_restart_gives_the_current_segment_its_full_time_again(make_room):
    room = make_room()
    start_and_read(room)
    time.sleep(1.5)
    restarted_at = time.monotonic()
    room.host.ok("/timer", action="restart", at="0")
    timer = room.state()["timer"]
    assert timer["status"] == "running" and timer["index"] == 0
    assert_timer_clock(timer, 1_500_000 - (time.monotonic() - restarted_at) * 1000)


def test_end_finishes_the_session(make_room):
    room = make_room()
    start_and_read(room)
    room.host.ok("/timer", action="end", at="0")
    state = room.state()
    assert state["status"] == "ended" and state["timer"]["status"] == "ended"
    assert not state["timer"]["ends_at_ms"]
    assert timer_state(room.host.page()).get("data-status") == "ended"
    before = state
    room.host.refused(409, "/timer", action="pause", at=str(state["timer"]["index"]))
    assert_unchanged(room, before, "pausing an ended session")


def test_stale_at_is_409_and_changes_nothing(make_room):
    room = make_room()
    start_and_read(room)
    room.host.ok("/timer", action="skip", at="0")  # now at 1
    before = room.state()
    doc = room.host.refused(409, "/timer", action="pause", at="0")
    assert "moved on" in doc.by_id("room-error").text()
    room.host.refused(409, "/timer", action="skip", at="0")
    room.host.refused(409, "/timer", action="skip", at="2")
    assert_unchanged(room, before, "a stale timer action")


@pytest.mark.parametrize("state_name,action", [("idle", "pause"), ("idle", "resume"), ("running", "start"),
                                               ("running", "resume"), ("paused", "pause")])
def test_timer_action_impossible_in_this_state_is_409(make_room, state_name, action):
    room = make_room()
    if state_name in ("running", "paused"):
        room.host.ok("/timer", action="start", at="0")
    if state_name == "paused":
        room.host.ok("/timer", action="pause", at="0")
    before = room.state()
    assert before["timer"]["status"] == state_name
    room.host.refused(409, "/timer", action=action, at="0")
    assert_unchanged(room, before, f"{action} while {state_name}")


@pytest.mark.parametrize("fields", [{"action": "explode", "at": "0"}, {"action": "start", "at": "x"},
                                    {"action": "start"}, {"at": "0"}],
                         ids=["unknown action", "non-numeric at", "no at", "no action"])
def test_malformed_timer_request_is_refused(make_room, fields):
    room = make_room()
    before = room.state()
    # Not fixed by the contract: a missing or non-numeric `at` may also read as "not the current index".
    room.host.refused({400, 409, 422} if "action" in fields and fields["action"] == "start" else {400, 422},
                      "/timer", **fields)
    assert_unchanged(room, before, f"timer {fields}")


@pytest.mark.parametrize("action", ["start", "pause", "resume", "skip", "restart", "end"])
def test_non_host_timer_actions_are_403(make_room, action):
    room = make_room()
    guest = room.join("Gus Guest")
    if action in ("pause", "skip", "restart", "end", "resume"):
        room.host.ok("/timer", action="start", at="0")
    if action == "resume":
        room.host.ok("/timer", action="pause", at="0")
    before = room.state()
    guest.refused(403, "/timer", action=action, at="0")
    assert_unchanged(room, before, f"a guest's {action}")


def test_parked_poll_gets_the_pause_within_a_second_with_only_what_changed(stack, make_room):
    room = make_room()
    room.host.ok("/timer", action="start", at="0")
    guest = room.join("Paula Poller")
    room.state()
    since = room.db_version()
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        def run():
            r = guest.poll(since, timeout=10)
            return r, time.monotonic()
        future = pool.submit(run)
        assert stack.wait_parked(baseline, 1), "the poll was not parked"
        assert not future.done(), f"a poll with nothing new was answered: {future.result()[0].status_code}"
        room.host.ok("/timer", action="pause", at="0")
        paused_at = time.monotonic()
        r, answered_at = future.result(timeout=10)
    assert r.status_code == 200, r.text[:300]
    assert answered_at - paused_at <= WAKE_WITHIN, f"answered {answered_at - paused_at:.2f}s after the pause"
    body = r.json()
    assert body["version"] > since
    assert body["timer"]["status"] == "paused" and body["timer"]["index"] == 0
    assert not body["timer"]["ends_at_ms"]
    assert "timer" in body["fragments"], f"no timer fragment: {sorted(body['fragments'])}"
    assert "chat-messages" not in body["fragments"], "the unchanged chat was sent again"
    assert "queue" not in body["fragments"] and "public-tasks" not in body["fragments"]
    assert fragment(body["fragments"]["timer"]).find(cls="timer-state").get("data-status") == "paused"
    # Shared fragments carry an empty csrf value: the page script fills in the viewer's own.
    for field in fragment(body["fragments"]["timer"]).find_all("input", name="csrf"):
        assert field.get("value") == "", "a fragment carries someone's CSRF token"


# ------------------------------------------------------------------------------------------- sweeper

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


# ------------------------------------------------------------------------------------------- tasks

def my_task_ids(member: Member) -> dict:
    ul = member.page().by_id("my-tasks")
    assert ul is not None, "no #my-tasks"
    return {li.find("span", cls="task-text").clean_text(): li.get("id").removeprefix("task-")
            for li in ul.find_all("li", cls="task")}


def public_task_texts(doc) -> list[str]:
    box = doc.by_id("public-tasks")
    assert box is not None, "no #public-tasks"
    return [li.find("span", cls="task-text").clean_text() for li in box.find_all("li", cls="task")]


def test_private_task_is_seen_by_its_author_alone(make_room):
    room = make_room()
    guest = room.join("Pia Private")
    secret = f"private-{secrets.token_hex(6)}"
    guest.ok("/tasks", text=secret, visibility="private", segment="")
    assert secret in my_task_ids(guest)
    gdoc = guest.page()
    assert secret not in public_task_texts(gdoc)
    assert gdoc.by_id(f"task-{my_task_ids(guest)[secret]}").get("data-visibility") == "private"
    assert secret not in room.host.raw_page()
    assert secret not in room.visitor().raw_page()
    assert secret not in json.dumps(room.state())
    for who in (room.host, guest):
        r = who.poll(0, timeout=3)  # since 0: every fragment
        assert r.status_code == 200 and "public-tasks" in r.json()["fragments"]
        assert secret not in r.text, "a private task went out in a poll"


def test_public_task_is_seen_by_everyone(make_room):
    room = make_room()
    guest = room.join("Pat Public")
    seg = room.state()["segments"][2]["id"]
    since = room.db_version()
    guest.ok("/tasks", text="Draft chapter 2", visibility="public", segment=seg)
    state = room.state()
    tasks = [(t["text"], t["author"], t["segment_id"], t["done"]) for t in state["public_tasks"]]
    assert tasks == [("Draft chapter 2", "Pat Public", seg, False)]
    for who in (room.host, guest, room.visitor()):
        assert public_task_texts(who.page()) == ["Draft chapter 2"]
    r = room.host.poll(since, timeout=3)
    assert r.status_code == 200
    assert "Draft chapter 2" in r.json()["fragments"]["public-tasks"]
    assert "chat-messages" not in r.json()["fragments"]


def test_task_toggle_edit_and_delete(make_room):
    room = make_room()
    guest = room.join("Tom Tasker")
    guest.ok("/tasks", text="Read paper", visibility="public", segment="")
    task = my_task_ids(guest)["Read paper"]
    guest.ok(f"/tasks/{task}/toggle")
    assert [t["done"] for t in room.state()["public_tasks"]] == [True]
    assert "done" in guest.page().by_id(f"task-{task}").classes
    guest.ok(f"/tasks/{task}/toggle")
    assert [t["done"] for t in room.state()["public_tasks"]] == [False]

    guest.ok(f"/tasks/{task}", text="Read two papers", visibility="public")
    assert [t["text"] for t in room.state()["public_tasks"]] == ["Read two papers"]
    assert public_task_texts(room.host.page()) == ["Read two papers"]
    # Made private: it leaves everyone else's view.
    guest.ok(f"/tasks/{task}", text="Read two papers", visibility="private")
    assert room.state()["public_tasks"] == []
    assert "Read two papers" not in room.host.raw_page()
    assert "Read two papers" in my_task_ids(guest)

    guest.ok(f"/tasks/{task}/delete")
    assert my_task_ids(guest) == {}
    assert guest.page().by_id(f"task-{task}") is None


@pytest.mark.parametrize("action", ["edit", "toggle", "delete"])
def test_another_participants_task_is_404_and_unchanged(make_room, action):
    room = make_room()
    guest = room.join("Owen Owner")
    guest.ok("/tasks", text="Mine, not yours", visibility="public", segment="")
    task = my_task_ids(guest)["Mine, not yours"]
    intruder = room.join("Ivy Intruder")
    before = room.state()
    path = {"edit": f"/tasks/{task}", "toggle": f"/tasks/{task}/toggle", "delete": f"/tasks/{task}/delete"}[action]
    room.host.refused(404, path, text="Hijacked", visibility="public")
    intruder.refused(404, path, text="Hijacked", visibility="public")
    room.host.refused(404, path.replace(task, str(uuid.uuid4())), text="Hijacked", visibility="public")
    assert_unchanged(room, before, f"{action} of someone else's task")
    assert "Mine, not yours" in my_task_ids(guest)


@pytest.mark.parametrize("text", ["T" * 201, "", "   "], ids=["201 characters", "empty", "blank"])
def test_bad_task_text_is_422_and_keeps_the_input(make_room, text):
    room = make_room()
    guest = room.join("Kim Keeper")
    before = room.state()
    doc = guest.refused(422, "/tasks", text=text, visibility="public", segment="")
    assert doc.by_id("task-text").get("value") == text, "the typed task was not kept"
    assert_unchanged(room, before, "a refused task")
    assert my_task_ids(guest) == {}


def test_task_for_an_unknown_segment_or_visibility_is_refused(make_room):
    room = make_room()
    guest = room.join("Uma Unknown")
    before = room.state()
    guest.refused(404, "/tasks", text="Somewhere", visibility="public", segment=str(uuid.uuid4()))
    guest.refused(422, "/tasks", text="Somewhere", visibility="secret", segment="")
    assert_unchanged(room, before, "a task for an unknown segment")
    assert my_task_ids(guest) == {}


# ------------------------------------------------------------------------------------------- proposals

def proposals(room: Room) -> list[dict]:
    return room.state()["proposals"]


def the_proposal(room: Room) -> dict:
    items = proposals(room)
    assert len(items) == 1, items
    return items[0]


def decided_status(member: Member, proposal_id: str):
    ul = member.page().by_id("decided-proposals")
    assert ul is not None, "no #decided-proposals"
    li = ul.find("li", data_proposal_id=proposal_id)
    assert li is not None, f"proposal {proposal_id} is not among the decided ones"
    return li


def test_public_task_proposal_accepted_sets_the_segments_task(make_room):
    room = make_room()
    guest = room.join("Polly Proposer")
    seg = room.state()["segments"][2]["id"]
    guest.ok("/proposals", kind="public_task", segment=seg, text="Outline the talk")
    p = the_proposal(room)
    assert (p["kind"], p["status"], p["author"]) == ("public_task", "pending", "Polly Proposer")
    pending = room.host.page().by_id("pending-proposals")
    assert pending is not None
    li = pending.find("li", data_proposal_id=p["id"])
    assert li is not None and "Outline the talk" in li.clean_text()
    assert li.find("form", action=f"/r/{room.code}/proposals/{p['id']}/accept") is not None

    room.host.ok(f"/proposals/{p['id']}/accept")
    state = room.state()
    assert [s["public_task"] for s in state["segments"] if s["id"] == seg] == ["Outline the talk"]
    assert [(x["id"], x["status"]) for x in state["proposals"]] == [(p["id"], "accepted")]
    li = decided_status(guest, p["id"])
    assert "accepted" in li.classes and li.find(cls="proposal-status").clean_text() == "accepted"
    assert room.host.page().by_id("pending-proposals") is None


def test_add_segment_proposal_accepted_appends_the_segment(make_room):
    room = make_room()
    guest = room.join("Adam Adder")
    guest.ok("/proposals", kind="add_segment", segment_kind="custom", duration="12:30", label="Review")
    p = the_proposal(room)
    room.host.ok(f"/proposals/{p['id']}/accept")
    segs = room.state()["segments"]
    assert len(segs) == 9
    assert (segs[8]["kind"], segs[8]["label"], segs[8]["duration_sec"], segs[8]["position"]) == ("custom", "Review", 750, 8)
    assert decided_status(guest, p["id"]).find(cls="proposal-status").clean_text() == "accepted"


def test_edit_segment_proposal_accepted_changes_the_segment(make_room):
    room = make_room()
    guest = room.join("Eddie Editor")
    seg = room.state()["segments"][4]["id"]
    guest.ok("/proposals", kind="edit_segment", segment=seg, segment_kind="focus", duration="50")
    p = the_proposal(room)
    before = room.state()
    assert before["segments"][4]["duration_sec"] == 1500, "the proposal changed the queue before it was accepted"
    room.host.ok(f"/proposals/{p['id']}/accept")
    segs = room.state()["segments"]
    assert (segs[4]["id"], segs[4]["kind"], segs[4]["duration_sec"]) == (seg, "focus", 3000)
    assert segment_kinds({"segments": segs[:4] + segs[5:]}) == CLASSIC[:4] + CLASSIC[5:]


def test_rejected_proposal_changes_nothing_and_says_rejected(make_room):
    room = make_room()
    guest = room.join("Rita Rejected")
    guest.ok("/proposals", kind="add_segment", segment_kind="break", duration="10")
    p = the_proposal(room)
    segments_before = room.state()["segments"]
    room.host.ok(f"/proposals/{p['id']}/reject")
    state = room.state()
    assert state["segments"] == segments_before
    assert [(x["id"], x["status"]) for x in state["proposals"]] == [(p["id"], "rejected")]
    li = decided_status(guest, p["id"])
    assert "rejected" in li.classes and li.find(cls="proposal-status").clean_text() == "rejected"
    before = room.state()
    room.host.refused(409, f"/proposals/{p['id']}/accept")
    assert_unchanged(room, before, "accepting a rejected proposal")


def test_proposal_for_a_segment_removed_since_is_409_with_a_reason(make_room):
    room = make_room()
    guest = room.join("Stan Stale")
    seg = room.state()["segments"][5]["id"]
    guest.ok("/proposals", kind="edit_segment", segment=seg, segment_kind="break", duration="9")
    p = the_proposal(room)
    room.host.ok(f"/segments/{seg}/delete")
    segments_before = room.state()["segments"]
    doc = room.host.refused(409, f"/proposals/{p['id']}/accept")
    reason = doc.by_id("room-error").clean_text()
    state = room.state()
    assert state["segments"] == segments_before, "a stale proposal changed the queue"
    [after] = state["proposals"]
    assert after["status"] == "rejected" and after["reason"], f"the stale proposal was not rejected with a reason: {after}"
    li = decided_status(guest, p["id"])
    assert li.find(cls="proposal-status").clean_text() == "rejected"
    assert after["reason"] in li.clean_text()
    assert reason


def test_accepting_twice_is_409(make_room):
    room = make_room()
    guest = room.join("Dee Double")
    guest.ok("/proposals", kind="add_segment", segment_kind="focus", duration="5")
    p = the_proposal(room)
    room.host.ok(f"/proposals/{p['id']}/accept")
    before = room.state()
    room.host.refused(409, f"/proposals/{p['id']}/accept")
    room.host.refused(409, f"/proposals/{p['id']}/reject")
    assert_unchanged(room, before, "deciding a proposal twice")
    assert len(before["segments"]) == 9


@pytest.mark.parametrize("fields,statuses", [
    ({"kind": "add_segment", "segment_kind": "focus", "duration": "0"}, {422}),
    ({"kind": "add_segment", "segment_kind": "focus", "duration": "241"}, {422}),
    ({"kind": "add_segment", "segment_kind": "focus", "duration": "abc"}, {422}),
    ({"kind": "add_segment", "segment_kind": "custom", "duration": "10"}, {422}),
    ({"kind": "add_segment", "segment_kind": "nap", "duration": "10"}, {422}),
    ({"kind": "edit_segment", "segment": "UNKNOWN", "segment_kind": "focus", "duration": "10"}, {404, 422}),
    ({"kind": "edit_segment", "segment": "", "segment_kind": "focus", "duration": "10"}, {404, 422}),
    ({"kind": "edit_segment", "segment": "SEG", "segment_kind": "focus", "duration": "0:59"}, {422}),
    ({"kind": "public_task", "segment": "UNKNOWN", "text": "Task"}, {404, 422}),
    ({"kind": "public_task", "segment": "SEG", "text": ""}, {422}),
    ({"kind": "public_task", "segment": "SEG", "text": "T" * 201}, {422}),
    ({"kind": "rename_room", "text": "x"}, {422}),
], ids=["duration 0", "duration 241", "duration abc", "custom without label", "unknown kind", "unknown segment",
        "no segment", "edit duration 0:59", "task for unknown segment", "empty task", "task 201 chars",
        "unknown proposal kind"])
def test_bad_proposals_are_refused_and_store_nothing(make_room, fields, statuses):
    room = make_room()
    guest = room.join("Bea Bad")
    seg = room.state()["segments"][3]["id"]
    fields = {k: (str(uuid.uuid4()) if v == "UNKNOWN" else seg if v == "SEG" else v) for k, v in fields.items()}
    before = room.state()
    guest.refused(statuses, "/proposals", **fields)
    assert_unchanged(room, before, f"proposal {fields}")


def test_host_does_not_propose(make_room):
    room = make_room()
    before = room.state()
    doc = room.host.refused(422, "/proposals", kind="add_segment", segment_kind="focus", duration="10")
    assert "directly" in doc.by_id("room-error").text()
    assert_unchanged(room, before, "a host's proposal")


def test_non_host_cannot_decide_proposals(make_room):
    room = make_room()
    guest = room.join("Gil Guest")
    other = room.join("Oda Other")
    guest.ok("/proposals", kind="add_segment", segment_kind="focus", duration="10")
    p = the_proposal(room)
    before = room.state()
    for who in (guest, other, room.visitor()):
        who.refused(403, f"/proposals/{p['id']}/accept")
        who.refused(403, f"/proposals/{p['id']}/reject")
    assert_unchanged(room, before, "a guest deciding a proposal")
    assert the_proposal(room)["status"] == "pending"
    room.host.refused(404, f"/proposals/{uuid.uuid4()}/accept")


# ------------------------------------------------------------------------------------------- chat

def message_texts_in_state(room: Room) -> list[str]:
    return [m["text"] for m in room.state()["messages"]]


def test_message_reaches_the_other_participant_in_page_and_poll(stack, make_room):
    room = make_room()
    guest = room.join("Cleo Chatter")
    room.state()
    since = room.db_version()
    baseline = stack.parked()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(lambda: (room.host.poll(since, timeout=10), time.monotonic()))
        assert stack.wait_parked(baseline, 1)
        guest.ok("/messages", text="Hello, focus friends!")
        sent_at = time.monotonic()
        r, answered_at = future.result(timeout=10)
    assert r.status_code == 200 and answered_at - sent_at <= WAKE_WITHIN
    frags = r.json()["fragments"]
    assert "chat-messages" in frags
    assert chat_texts(fragment(frags["chat-messages"])) == ["Hello, focus friends!"]
    assert "timer" not in frags and "queue" not in frags
    items = chat_items(room.host.page())
    assert [li.find("span", cls="author").clean_text() for li in items] == ["Cleo Chatter"]
    assert chat_texts(room.host.page().by_id("chat-messages")) == ["Hello, focus friends!"]
    [m] = room.state()["messages"]
    assert (m["author"], m["text"]) == ("Cleo Chatter", "Hello, focus friends!")
    assert items[0].get("data-id") == str(m["id"]) and items[0].get("id") == f"msg-{m['id']}"


@pytest.mark.parametrize("text,status", [("x" * 501, 422), ("", 422), ("   \n\t ", 422)],
                         ids=["501 characters", "empty", "blank"])
def test_bad_message_is_refused_and_keeps_the_input(make_room, text, status):
    room = make_room()
    guest = room.join("Lars Long")
    before = room.state()
    doc = guest.refused(status, "/messages", text=text)
    assert doc.by_id("chat-text").get("value") == text, "the typed message was not kept"
    assert_unchanged(room, before, "a refused message")


def test_message_of_500_characters_after_trimming_is_accepted(make_room):
    room = make_room()
    guest = room.join("Max Max")
    guest.ok("/messages", text="  " + "m" * 500 + "  ")
    assert message_texts_in_state(room) == ["m" * 500]


@pytest.mark.parametrize("payload,forbidden_tag", [
    ("<script>alert(1)</script>", "script"),
    ("<img src=x onerror=alert(1)>", "img"),
    ("<svg onload=alert(1)>", "svg"),
    ('"><iframe src=//evil.example>', "iframe"),
])
def test_hostile_messages_are_shown_as_text(make_room, payload, forbidden_tag):
    room = make_room()
    guest = room.join("Xena Xss")
    guest.ok("/messages", text=payload)
    for who in (room.host, guest):
        doc = who.page()
        box = doc.by_id("chat-messages")
        assert not box.find_all(forbidden_tag), f"<{forbidden_tag}> made it into the chat"
        assert not [el for el in box.iter() if any(a.startswith("on") for a in el.attrs)], "an event handler attribute"
        assert chat_texts(box) == [payload]
    r = room.host.poll(0, timeout=3)
    assert f"<{forbidden_tag}" not in r.json()["fragments"]["chat-messages"]
    state = room.host.user.get(f"/r/{room.code}/state.json")
    assert "<" not in state.text, "state.json carries raw angle brackets"
    assert message_texts_in_state(room) == [payload]


@pytest.mark.parametrize("payload", ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)",
                                     "[click](javascript:alert(1))", "data:text/html,<script>alert(1)</script>",
                                     "vbscript:msgbox(1)"])
def test_non_http_links_are_not_linked(make_room, payload):
    room = make_room()
    guest = room.join("Jay Js")
    guest.ok("/messages", text=payload)
    box = room.host.page().by_id("chat-messages")
    assert box.find_all("a") == [], f"{payload!r} became a link: {[a.attrs for a in box.find_all('a')]}"
    assert "javascript:" not in room.host.raw_page().lower().replace(payload.lower(), "")
    if not payload.startswith("["):
        assert chat_texts(box) == [payload]


def test_https_links_are_linked_with_nofollow_noopener(make_room):
    room = make_room()
    guest = room.join("Lina Linker")
    guest.ok("/messages", text="Notes at https://example.com/notes?a=1&b=2 and http://example.org/x too")
    box = room.host.page().by_id("chat-messages")
    links = box.find_all("a")
    assert [a.get("href") for a in links] == ["https://example.com/notes?a=1&b=2", "http://example.org/x"]
    for a in links:
        rel = set(a.get("rel", "").split())
        assert {"nofollow", "noopener"} <= rel, f"rel={a.get('rel')!r}"
        assert a.get("target") == "_blank"
    assert "Notes at" in chat_texts(box)[0]


def test_flooding_sender_is_auto_muted_and_sees_its_messages_alone(stack, make_room):
    room = make_room()
    flooder = room.join("Fifi Flood")
    started = time.monotonic()
    for i in range(1, 21):
        r = flooder.post("/messages", text=f"flood {i:02d}")
        assert r.status_code == 303, f"message {i}: {r.status_code} {excerpt(r)}"
    assert time.monotonic() - started < 10, "the test could not send 20 messages within 10 s"
    time.sleep(1)
    later = flooder.post("/messages", text="flood later")
    assert later.status_code == 303
    visible = [f"flood {i:02d}" for i in range(1, 9)]
    hidden = [f"flood {i:02d}" for i in range(9, 21)] + ["flood later"]

    # The others: the first eight only, in pages, polls and state.json.
    assert message_texts_in_state(room) == visible
    other = room.join("Olga Other")
    for who in (room.host, other, room.visitor()):
        text = who.raw_page()
        assert chat_texts(parse_html(text).by_id("chat-messages")) == visible
        for h in hidden:
            assert h not in text, f"{h!r} reached someone else's page"
    r = room.host.poll(0, timeout=3)
    assert chat_texts(fragment(r.json()["fragments"]["chat-messages"])) == visible
    assert "flood 09" not in r.text and "flood later" not in r.text
    r = flooder.poll(0, timeout=3)
    assert "flood 09" not in r.text, "a shadow-hidden message went out in the shared poll answer"

    # The sender: everything, its hidden ones marked local.
    items = chat_items(flooder.page())
    assert [li.find("span", cls="text").clean_text() for li in items] == visible + hidden
    assert [li.get("data-local") for li in items] == [None] * 8 + ["1"] * len(hidden)
    assert stack.psql("select is_muted from participants where id = :'v1'", flooder.id) == "t"


def test_host_mutes_and_unmutes_a_participant(stack, make_room):
    room = make_room()
    guest = room.join("Mo Quiet")
    guest.ok("/messages", text="before mute")
    room.host.ok(f"/participants/{guest.id}/mute")
    # The host sees the mute on the moderation page; the shared room page does not tell the muted one.
    mod = room.host.user.page(f"/r/{room.code}/moderate")
    li = mod.find("li", data_participant_id=guest.id)
    assert li is not None and "muted" in li.clean_text().lower(), "the moderation page does not show the mute"
    shared = guest.page().by_id("participants").find("li", data_participant_id=guest.id)
    assert "muted" not in shared.clean_text().lower() and "muted" not in " ".join(shared.classes)
    assert guest.user.get(f"/r/{room.code}/moderate").status_code == 403
    guest.ok("/messages", text="while muted")
    assert message_texts_in_state(room) == ["before mute"]
    assert "while muted" not in room.host.raw_page()
    items = chat_items(guest.page())
    assert [(li.find("span", cls="text").clean_text(), li.get("data-local")) for li in items] == \
        [("before mute", None), ("while muted", "1")]
    room.host.ok(f"/participants/{guest.id}/unmute")
    guest.ok("/messages", text="after unmute")
    assert message_texts_in_state(room) == ["before mute", "after unmute"]
    assert chat_texts(room.host.page().by_id("chat-messages")) == ["before mute", "after unmute"]


def test_host_removes_a_message_and_guests_cannot(make_room):
    room = make_room()
    guest = room.join("Del Deleted")
    guest.ok("/messages", text="oops, wrong room")
    guest.ok("/messages", text="hello all")
    msgs = room.state()["messages"]
    oops = [m["id"] for m in msgs if m["text"] == "oops, wrong room"][0]
    another = room.join("Ann Another")
    before = room.state()
    guest.refused(403, f"/messages/{oops}/delete")
    another.refused(403, f"/messages/{oops}/delete")
    assert_unchanged(room, before, "a guest removing a message")
    room.host.refused(404, "/messages/999999999/delete")
    room.host.refused(404, "/messages/nope/delete")
    room.host.ok(f"/messages/{oops}/delete")
    assert message_texts_in_state(room) == ["hello all"]
    for who in (room.host, guest):
        assert chat_texts(who.page().by_id("chat-messages")) == ["hello all"]


@pytest.mark.parametrize("action", ["mute", "unmute", "remove", "host"])
def test_guests_cannot_moderate(make_room, action):
    room = make_room()
    guest = room.join("Gwen Guest")
    target = room.join("Tia Target")
    before = room.state()
    guest.refused(403, f"/participants/{target.id}/{action}")
    guest.refused(403, f"/participants/{room.host.id}/{action}")
    assert_unchanged(room, before, f"a guest's {action}")
    room.host.refused(404, f"/participants/{uuid.uuid4()}/{action}")
    assert_unchanged(room, before, f"{action} of an unknown participant")


def test_thirty_first_message_in_a_minute_is_429_with_retry_after(stack, make_room):
    room = make_room()
    chatty = room.join("Cal Chatty")
    started = time.monotonic()
    for i in range(1, 31):
        r = chatty.post("/messages", text=f"msg {i}")
        assert r.status_code == 303, f"message {i}: {r.status_code} {excerpt(r)}"
    r = chatty.post("/messages", text="msg 31")
    assert time.monotonic() - started < 60
    assert r.status_code == 429, f"the 31st message answered {r.status_code} {excerpt(r)}"
    retry = r.headers.get("Retry-After", "")
    assert retry.isdigit() and 1 <= int(retry) <= 60, f"Retry-After: {retry!r}"
    stored = stack.psql("select count(*) from messages where participant_id = :'v1'", chatty.id)
    assert stored == "30"
    assert "msg 31" not in chatty.raw_page()


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


# ------------------------------------------------------------------------------------------- stats and clean-rooms

def test_stats_page_shows_daily_figures_with_a_chart(stack, new_user):
    day = stack.psql("select ((now() at time zone 'utc')::date - 20)::text")
    stack.psql("insert into daily_statistics values (:'v1'::date, 3, 7, 5, 4500) on conflict (day) do nothing", day)
    figures = stack.psql("select rooms_created || ' ' || total_participants || ' ' || total_sessions || ' ' ||"
                         " total_focus_seconds / 60 from daily_statistics where day = :'v1'::date", day).split()
    r = new_user().get("/stats")
    assert r.status_code == 200, r.status_code
    assert r.headers["Content-Type"].startswith("text/html")
    doc = parse_html(r.text)
    assert doc.find("svg") is not None, "no inline <svg> chart on /stats"
    assert all(s.get("src", "").startswith("/static/") for s in doc.find_all("script")), "inline script on /stats"
    rows = {tr.find("th").clean_text(): [td.clean_text() for td in tr.find_all("td")]
            for tr in doc.find("table").find_all("tr") if tr.find("td") is not None}
    assert rows.get(day) == figures, f"the row for {day}: {rows.get(day)} but the database holds {figures}"


def utc_today(stack) -> str:
    return stack.psql("select (now() at time zone 'utc')::date")


def daily(stack, day: str) -> tuple[int, int, int, int]:
    row = stack.psql("select rooms_created || ' ' || total_participants || ' ' || total_sessions || ' ' ||"
                     " total_focus_seconds from daily_statistics where day = :'v1'::date", day)
    return tuple(int(x) for x in row.split()) if row else (0, 0, 0, 0)


def expire(stack, room: Room):
    stack.psql("update rooms set expires_at = now() - interval '1 second' where id = :'v1'", room.id)
    stack.announce(room.code)


def add_completion(stack, room: Room, seconds: int):
    stack.psql("insert into focus_completions (room_id, segment_id, seconds, completed_at)"
               " values (:'v1', gen_random_uuid(), :'v2'::int, now())", room.id, str(seconds))


def mirror_keys(stack, room: Room) -> list[str]:
    """The room's Redis mirror keys, as the responders wrote them when the room was read."""
    keys = [f"room:timer:{room.id}", f"room:presence:{room.id}"]
    room.state()  # a read through a responder writes the mirror
    for key in keys:
        wait_for(lambda: redis_cli(stack, "EXISTS", key) == "1", 3.0, f"the responder writing {key}")
    return keys


def not_near_midnight():
    now = datetime.now(timezone.utc)
    if now.hour == 23 and now.minute >= 58 or now.hour == 0 and now.minute < 1:
        pytest.skip("too close to midnight UTC for day-exact statistics")


def test_clean_rooms_counts_expired_rooms_exactly_and_deletes_them(stack, make_room):
    not_near_midnight()
    pomopomo_run(stack, "clean-rooms")  # rooms other tests left expired are not ours to count
    day = utc_today(stack)
    before = daily(stack, day)

    one = make_room(name="Ada Twice")
    one.join("Ben One")
    one.join("Cy One")
    # The same browser hosts a second room: one session, two participants.
    two = make_room(name="Ada Twice", preset="empty", user=one.host.user)
    two.join("Di Two")
    keep = make_room(name="Kay Keep")  # not expired: untouched
    add_completion(stack, one, 1500)
    add_completion(stack, one, 300)
    add_completion(stack, two, 60)
    add_completion(stack, keep, 999)
    keys = mirror_keys(stack, one) + mirror_keys(stack, two)
    expire(stack, one)
    expire(stack, two)
    ids = (one.id, two.id)

    out = pomopomo_run(stack, "clean-rooms")
    summary = summary_line(out.stdout + out.stderr)
    expected = {"rooms": 2, "participants": 5, "sessions": 4, "focus_seconds": 1860}
    assert {k: summary.get(k) for k in expected} == expected, summary
    after = daily(stack, day)
    assert tuple(a - b for a, b in zip(after, before)) == (2, 5, 4, 1860), f"daily_statistics {before} -> {after}"

    for rid in ids:
        for table in ("rooms", "participants", "segments", "messages", "focus_completions"):
            column = "id" if table == "rooms" else "room_id"
            assert stack.psql(f"select count(*) from {table} where {column} = :'v1'", rid) == "0", \
                f"{table} still holds rows of a cleaned room"
    for key in keys:
        assert redis_cli(stack, "EXISTS", key) == "0", f"{key} survived clean-rooms"
    for room in (one, two):
        assert room.host.user.get(f"/r/{room.code}").status_code == 404
        assert room.host.user.get(f"/r/{room.code}/state.json").status_code == 404
        assert room.host.user.get(f"/r/{room.code}/poll", params={"since": 0}).status_code == 404
    assert keep.host.user.get(f"/r/{keep.code}").status_code == 200
    assert keep.state()["code"] == keep.code

    # A second run finds nothing more.
    out = pomopomo_run(stack, "clean-rooms")
    again = summary_line(out.stdout + out.stderr)
    assert again.get("rooms") == 0 and again.get("focus_seconds") == 0, again
    assert daily(stack, day) == after

    # A session already counted today is not counted again in a later run; its new participant is.
    three = make_room(name="Ada Twice", user=one.host.user)
    three.join("Eve Three")
    expire(stack, three)
    out = pomopomo_run(stack, "clean-rooms")
    third = summary_line(out.stdout + out.stderr)
    assert {k: third.get(k) for k in expected} == {"rooms": 1, "participants": 2, "sessions": 1, "focus_seconds": 0}
    assert tuple(a - b for a, b in zip(daily(stack, day), after)) == (1, 2, 1, 0)


def test_two_clean_rooms_at_once_never_double_count(stack, make_room):
    not_near_midnight()
    pomopomo_run(stack, "clean-rooms")
    day = utc_today(stack)
    before = daily(stack, day)
    rooms = []
    for i in range(12):
        room = make_room(name=f"Host {i}")
        room.join(f"Guest {i}")
        add_completion(stack, room, 100 + i)
        rooms.append(room)
    for room in rooms:
        expire(stack, room)
    procs = [pomopomo_start(stack, "clean-rooms") for _ in range(2)]
    outputs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=60)
        assert p.returncode == 0, f"clean-rooms exited {p.returncode}:\n{stdout}\n{stderr}"
        outputs.append(summary_line(stdout + stderr))
    assert sum(o["rooms"] for o in outputs) == 12, outputs
    assert sum(o["focus_seconds"] for o in outputs) == sum(100 + i for i in range(12)), outputs
    after = daily(stack, day)
    assert tuple(a - b for a, b in zip(after, before)) == (12, 24, 24, sum(100 + i for i in range(12))), \
        f"daily_statistics {before} -> {after}"
    for room in rooms:
        assert not stack.room_exists(room.code)


# ------------------------------------------------------------------------------------------- poll

@pytest.mark.parametrize("since", ["-1", "abc", "1e3", "9" * 16])
def test_malformed_since_is_400(make_room, since):
    room = make_room()
    r = room.host.user.get(f"/r/{room.code}/poll?since={since}", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 400 and r.json()["error"]


def test_poll_of_an_unknown_room_is_404(new_user):
    r = new_user().get("/r/ZZZ-ZZZ/poll?since=0", headers={"Accept": "application/json"}, timeout=5)
    assert r.status_code == 404 and r.json()["error"]


def test_expired_room_is_404_everywhere(stack, make_room):
    room = make_room()
    guest = room.join("Exa Expired")
    expire(stack, room)
    for path in (f"/r/{room.code}", f"/r/{room.code}/state.json", f"/r/{room.code}/poll?since=0"):
        r = guest.user.get(path, headers={"Accept": "application/json"} if "poll" in path else {}, timeout=5)
        assert r.status_code == 404, f"GET {path} of an expired room: {r.status_code}"
    r = guest.post("/messages", text="anyone?")
    assert r.status_code == 404


def test_poll_answer_has_the_documented_shape(make_room):
    room = make_room()
    guest = room.join("Shay Shape")
    r = guest.poll(0, timeout=3)
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == room.db_version()
    assert body["host"] == room.host.id and body["theme"] == "midnight_bloom"
    assert set(body["timer"]) >= {"status", "index", "count", "kind", "phase", "ends_at_ms", "remaining_ms",
                                  "duration_ms", "server_now_ms"}
    assert set(body["fragments"]) >= {"timer", "queue", "participants", "participant-count", "public-tasks",
                                      "proposals", "chat-messages"}
    for html_text in body["fragments"].values():
        for field in fragment(html_text).find_all("input", name="csrf"):
            assert field.get("value") == "", "a shared fragment carries a CSRF token"
    assert room.host.token not in r.text and guest.token not in r.text


HOST_CONTROLS = ["/timer\"", "/segments\"", "/theme\"", "/accept\"", "/reject\"", "/moderate\""]


def test_guests_are_never_sent_the_hosts_controls_in_pages_or_polls(host, new_user):
    room = host.create_room("Hana Host")
    guest = new_user()
    assert guest.join(room, "Gwen Guest").status_code == 303
    token = guest.csrf(f"/r/{room}")
    assert guest.post_form(f"/r/{room}/proposals", [("csrf", token), ("kind", "add_segment"), ("segment", ""),
                                                    ("text", ""), ("segment_kind", "focus"), ("duration", "10"),
                                                    ("label", "")]).status_code == 303
    host_page, guest_page = host.get(f"/r/{room}").text, guest.get(f"/r/{room}").text
    for control in HOST_CONTROLS:
        assert control in host_page, f"the host's page lacks {control}"
        assert control not in guest_page, f"a guest's page carries the host control {control}"
    # The same holds for poll answers, which are rendered once per variant.
    host_poll = json.dumps(host.poll(room, 0).json()["fragments"])
    guest_poll = json.dumps(guest.poll(room, 0).json()["fragments"])
    assert "/accept\\\"" in host_poll and "/timer\\\"" in host_poll
    for control in HOST_CONTROLS:
        assert control.replace('"', '\\"') not in guest_poll, f"a guest's poll carries {control}"
