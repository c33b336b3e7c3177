"""Helpers for the room tests (issue 3), shared by every Tests/http/test_http_room_*.py file.

- Member: one visitor of one room with its own cookie jar and CSRF token; posts the room's forms,
  asserts acceptances (303 back to the room) and refusals (the status and the room page's #room-error).
- Room: a room by code; reads state.json and the room page only once they show the version
  PostgreSQL holds, so a cache that has not heard of a change yet cannot fake a pass or a failure.
- new_room: creates a room the way the home page's form does (the make_room fixture in
  Tests/conftest.py calls it and closes the browsers afterwards).
"""

from __future__ import annotations

import json
import re
import time
from functools import cached_property

import requests

from pomopomo_testkit import CANONICAL_ROOM_PATH, Element, User, parse_html, raw_http, room_db_version, room_id, stable

THEMES = ["midnight_bloom", "forest_calm", "ocean_deep", "sunrise"]
CLASSIC = [("focus", 1500), ("break", 300), ("focus", 1500), ("break", 300),
           ("focus", 1500), ("break", 300), ("focus", 1500), ("long_break", 900)]
WAKE_WITHIN = 1.0  # seconds from an acknowledged change to the answered parked poll
SETTLE = 3.0  # seconds a cache may take to hear of a change announced on Redis


def excerpt(r) -> str:
    """A response (or a page's text) in one line for assertion messages: its error, else its start."""
    text = r.text if hasattr(r, "text") else r
    doc = parse_html(text)
    for element_id in ("room-error", "error-message"):
        el = doc.by_id(element_id)
        if el is not None:
            return f"#{element_id}: {el.clean_text()!r}"
    return text[:300]


class Member:
    """One visitor of one room (joined or not), with its own cookie jar and CSRF token."""

    def __init__(self, room: Room, user: User, name: str | None = None):
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

    @property
    def sid(self) -> str:
        return self.user.sid

    def path(self, where: str) -> str:
        return f"/r/{self.room.code}{where}"

    # `where` is positional-only: "action" is also a form field (the timer's).
    def post(self, where: str, /, **fields) -> requests.Response:
        """POST /r/CODE<where> with the CSRF token and the fields that are not None."""
        return self.post_pairs(where, [(k, v) for k, v in fields.items() if v is not None])

    def post_pairs(self, where: str, pairs: list, csrf: bool = True) -> requests.Response:
        """POSTs these (name, value) pairs (after the CSRF token unless csrf=False)."""
        body = ([("csrf", self.token)] if csrf else []) + list(pairs)
        return self.user.post_form(self.path(where), body)

    def post_body(self, where: str, body: bytes) -> requests.Response:
        """POSTs an already encoded body (for bytes no encoder would produce)."""
        return self.user.post_form(self.path(where), body)

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

    def raw(self, method: str, target: str, body: bytes = b"") -> tuple[int, dict, str]:
        """One request with exactly this target (no re-quoting), as this visitor."""
        headers = {"Cookie": f"pp_sid={self.sid}", "User-Agent": "pomopomo-http-tests"}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, hdrs, data = raw_http(self.user.base_url, method, target, headers=headers, body=body)
        return status, hdrs, data.decode("utf-8", "replace")

    def page(self, want: int | None = None) -> Element:
        """The room page as this visitor sees it, once it shows the room's current version (or `want`)."""
        return parse_html(self.raw_page(want))

    def raw_page(self, want: int | None = None) -> str:
        want = room_db_version(self.room.stack, self.room.code) if want is None else want
        deadline = time.monotonic() + SETTLE
        while True:
            r = self.user.get(f"/r/{self.room.code}")
            assert r.status_code == 200, f"GET the room as {self.name}: {r.status_code}"
            got = int(parse_html(r.text).find("div", cls="room-grid").get("data-version"))
            if got >= want:
                return r.text
            assert time.monotonic() < deadline, f"the page still shows version {got} < {want} after {SETTLE}s"
            time.sleep(0.05)

    def own_view(self, want: int | None = None) -> dict:
        """What only this visitor sees of the room: their tasks (private ones too)."""
        doc = self.page(want)
        ul = doc.by_id("my-tasks")
        tasks = []
        if ul is not None:
            for li in ul.find_all("li", cls="task"):
                tasks.append((li.get("id"), li.find("span", cls="task-text").clean_text(), li.get("data-visibility"),
                              "done" in li.classes))
        local = [li.get("data-id") for li in doc.by_id("chat-messages").find_all("li", cls="message") if li.get("data-local")]
        return {"tasks": tasks, "local_messages": local, "role": doc.by_id("room").get("data-viewer-role")}

    def task_ids(self) -> dict:
        return {text: element_id.removeprefix("task-") for element_id, text, _, _ in self.own_view()["tasks"]}

    def poll(self, since, timeout: float = 6) -> requests.Response:
        return self.user.poll(self.room.code, since, timeout=timeout)


class Room:
    """A room by code, hosted by `host_user`; `users` are the browsers that joined it through join()
    or visitor(), for whoever made the room to close."""

    def __init__(self, stack, code: str, host_user: User, host_name: str):
        self.stack = stack
        self.code = code
        self.host = Member(self, host_user, host_name)
        self.users = []

    @cached_property
    def id(self) -> str:
        return room_id(self.stack, self.code)

    def db_version(self) -> int:
        return room_db_version(self.stack, self.code)

    def state(self, want: int | None = None) -> dict:
        """state.json at (at least) the version PostgreSQL holds now (or `want`)."""
        want = self.db_version() if want is None else want
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

    def state_text(self) -> str:
        self.state()
        viewer = User(self.stack.base_url)
        try:
            r = viewer.get(f"/r/{self.code}/state.json")
            assert r.headers["Content-Type"].startswith("application/json")
            return r.text
        finally:
            viewer.http.close()

    def rows(self) -> dict:
        """Everything PostgreSQL holds for this room (presence times left out)."""
        out = self.stack.psql("""
            select json_build_object(
              'room', (select json_build_object('theme', theme, 'status', status, 'index', current_segment_index,
                        'ends', segment_ends_at, 'paused', paused_remaining_ms, 'version', version)
                       from rooms where id = :'v1'),
              'segments', (select coalesce(json_agg(json_build_object('id', id, 'position', position, 'kind', kind,
                        'label', label, 'duration', duration_sec, 'task', public_task) order by position), '[]')
                           from segments where room_id = :'v1'),
              'participants', (select coalesce(json_agg(json_build_object('id', id, 'name', display_name, 'role', role,
                        'muted', is_muted) order by joined_at, id), '[]') from participants where room_id = :'v1'),
              'tasks', (select coalesce(json_agg(json_build_object('id', id, 'who', participant_id, 'segment', segment_id,
                        'text', text, 'visibility', visibility, 'done', done) order by created_at, id), '[]')
                        from tasks where room_id = :'v1'),
              'proposals', (select coalesce(json_agg(json_build_object('id', id, 'who', participant_id, 'kind', kind,
                        'payload', payload, 'status', status, 'reason', reason) order by created_at, id), '[]')
                            from proposals where room_id = :'v1'),
              'messages', (select coalesce(json_agg(json_build_object('id', id, 'who', participant_id, 'text', text,
                        'hidden', is_shadow_hidden) order by id), '[]') from messages where room_id = :'v1'))
            """, self.id)
        return json.loads(out)

    def join(self, name: str, user: User | None = None) -> Member:
        user = user or User(self.stack.base_url)
        self.users.append(user)
        r = user.join(self.code, name)
        assert r.status_code == 303, f"joining {self.code} as {name}: {r.status_code} {excerpt(r)}"
        return Member(self, user, name)

    def visitor(self) -> Member:
        user = User(self.stack.base_url)
        self.users.append(user)
        return Member(self, user, "visitor")

    def segment_ids(self) -> list[str]:
        return [s["id"] for s in self.state()["segments"]]


def new_room(stack, user: User, name: str = "Hana Host", preset: str | None = None, theme: str | None = None) -> Room:
    """A room created through the home page's form by `user`, who becomes its host."""
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
    return Room(stack, m.group(1), user, name)


def assert_unchanged(room: Room, before: dict, what: str):
    after = room.state()
    assert stable(after) == stable(before), f"{what} changed the room:\nbefore {stable(before)}\nafter  {stable(after)}"
    if before["timer"]["status"] == "running":
        drift = abs(after["timer"]["ends_at_ms"] - before["timer"]["ends_at_ms"])
        assert drift <= 100, f"{what} moved the running timer's end by {drift} ms"


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout}s"
        time.sleep(interval)


def expire(stack, room: Room):
    """Makes the room expired now (as if its 72 hours were over) and tells the responders."""
    stack.psql("update rooms set expires_at = now() - interval '1 second' where id = :'v1'", room.id)
    stack.announce(room.code)


def segment_kinds(state) -> list[tuple[str, int]]:
    return [(s["kind"], s["duration_sec"]) for s in state["segments"]]


def timer_state(doc):
    el = doc.by_id("timer").find(cls="timer-state")
    assert el is not None, "#timer has no .timer-state"
    return el


def fragment(html_text: str):
    return parse_html(html_text)
