"""The room's soundtrack (issue 16): tracks to queue, the soundtrack as state.json and the page
show it, and time passing as the database sees it.

- library_track: a track of the self-hosted library, as the admin's upload leaves it in `tracks`
  (the upload itself is the library's; these tests need only the row). With `audio=` the file is
  written under the uploads directory too, so browsers can play it.
- Soundtrack: one room's soundtrack read from state.json (at the version PostgreSQL holds) and
  from the room page, and the forms the host, a DJ or a guest post.
- Time: `ran_for(n)` moves the playback's moment back n seconds (as if n seconds had played),
  `ends_now()` makes the current track end just now; both bump the version and announce it, as
  every writer must, and the sweeper must then move the queue on with no page open.
"""

from __future__ import annotations

import json
import os
import time
import uuid

from pomopomo_testkit import Element, parse_html, publish_wake
from rooms_kit import SETTLE, Member, Room, wait_for

SWEEP_WITHIN = 4.0  # seconds the sweeper may take to move a queue whose track ended


def library_track(stack, title: str, seconds: int, artist: str = "The Testers", audio: bytes | None = None,
                  mime: str = "audio/ogg") -> str:
    """A library track's row (and, with `audio`, its file); returns its id."""
    name = uuid.uuid4().hex + (".ogg" if mime == "audio/ogg" else ".mp3")
    if audio is not None:
        folder = os.path.join(stack.env["POMOPOMO_UPLOADS"], "library")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(audio)
    return stack.psql(
        "insert into tracks (source, file, mime, bytes, title, artist, duration_seconds)"
        " values ('library', :'v1', :'v2', :'v3', :'v4', :'v5', :'v6') returning id",
        name, mime, str(len(audio) if audio else 1000), title, artist, str(seconds)).splitlines()[0]


class Soundtrack:
    def __init__(self, room: Room):
        self.room = room
        self.stack = room.stack
        self.written = 0  # the version this kit's own database writes made

    # --- reading
    def state(self, via: Member | None = None, want: int = 0) -> dict:
        """state.json's soundtrack as `via` (the host unless named) reads it: their own changes are in
        it (their pp_rv cookie makes a responder that has not heard of a change load the room again),
        and so is version `want` and whatever this kit wrote."""
        who = via or self.room.host
        want = max(want, self.written)
        deadline = time.monotonic() + SETTLE
        while True:
            r = who.user.get(f"/r/{self.room.code}/state.json")
            assert r.status_code == 200, f"state.json: {r.status_code}"
            state = r.json()
            if state["version"] >= want:
                return state["soundtrack"]
            assert time.monotonic() < deadline, f"state.json still at version {state['version']} < {want}"
            time.sleep(0.05)

    def now(self, via: Member | None = None) -> dict:
        return self.state(via)["now"]

    def titles(self, which: str = "up_next", via: Member | None = None) -> list[str]:
        return [e["title"] for e in self.state(via)[which]]

    def current_title(self, via: Member | None = None) -> str | None:
        current = self.state(via)["current"]
        return current and current["title"]

    def section(self, member: Member) -> Element:
        """The room page's #soundtrack as `member` sees it (their own changes in it)."""
        r = member.user.get(f"/r/{self.room.code}")
        assert r.status_code == 200, f"the room page: {r.status_code}"
        section = parse_html(r.text).by_id("soundtrack")
        assert section is not None, "the room page has no #soundtrack"
        return section

    def row(self) -> dict:
        """The playback as PostgreSQL holds it, with the room's version."""
        return json.loads(self.stack.psql(
            "select json_build_object('entry', sound_entry_id, 'playing', sound_playing, 'position_ms', sound_position_ms,"
            " 'mode', sound_mode, 'proposals', sound_proposals, 'version', version) from rooms where id = :'v1'",
            self.room.id))

    # --- acting
    def add(self, member: Member, track_id: str, **more) -> None:
        r = member.post("/soundtrack/queue", track_id=track_id, **more)
        assert r.status_code == 303, f"adding a track as {member.name}: {r.status_code}"
        assert r.headers["Location"] in (f"/r/{self.room.code}#soundtrack", more.get("next")), r.headers["Location"]

    def entry(self, title: str, which: str = "up_next", via: Member | None = None) -> str:
        state = self.state(via)
        found = [e["entry"] for e in state[which] if e["title"] == title]
        assert found, f"“{title}” is not in {which}: {[e['title'] for e in state[which]]}"
        return found[0]

    # --- time
    def _write(self, sets: str, *args: str):
        version = self.stack.psql(
            f"update rooms set {sets}, version = version + 1, soundtrack_v = version + 1 where id = :'v1' returning version",
            self.room.id, *args).splitlines()[0]
        self.written = int(version)
        publish_wake(self.stack, self.room.id, self.written)

    def ran_for(self, seconds: float):
        """The music has played `seconds` more than it has (the moment it was set moves back)."""
        self._write("sound_updated_at = sound_updated_at - make_interval(secs => :'v2'::float8),"
                    " sound_ends_at = sound_ends_at - make_interval(secs => :'v2'::float8)", str(seconds))

    def ends_now(self, ago: float = 0.2):
        """The current track reached its end `ago` seconds ago."""
        self._write(
            "sound_updated_at = now() - make_interval(secs => (select t.duration_seconds from room_queue q join tracks t"
            " on t.id = q.track_id where q.id = rooms.sound_entry_id) - sound_position_ms / 1000.0 + :'v2'::float8),"
            " sound_ends_at = now() - make_interval(secs => :'v2'::float8)", str(ago))

    def wait_row(self, predicate, what: str, timeout: float = SWEEP_WITHIN) -> dict:
        """Waits for PostgreSQL's row to satisfy `predicate` (the sweeper's work); later reads see it."""
        row = wait_for(lambda: (lambda r: r if predicate(r) else None)(self.row()), timeout, what)
        self.written = max(self.written, row["version"])
        return row

    def stored(self) -> dict:
        """Everything PostgreSQL holds of this room's soundtrack, but the room's version (which
        presence may move): for "nothing changed"."""
        return json.loads(self.stack.psql("""
            select json_build_object(
              'room', (select json_build_object('entry', sound_entry_id, 'playing', sound_playing, 'position', sound_position_ms,
                        'at', sound_updated_at, 'ends', sound_ends_at, 'mode', sound_mode, 'proposals', sound_proposals,
                        'v', soundtrack_v) from rooms where id = :'v1'),
              'djs', (select coalesce(json_agg(id order by id), '[]') from participants where room_id = :'v1' and is_dj),
              'queue', (select coalesce(json_agg(json_build_object('id', id, 'track', track_id, 'ord', ord, 'status', status,
                        'by', added_by_name) order by status, ord, id), '[]') from room_queue where room_id = :'v1'))
            """, self.room.id))


def stable(state: dict) -> dict:
    """The soundtrack of state.json without what moves by itself (the clock and the position)."""
    s = json.loads(json.dumps(state))
    for key in ("position_ms", "server_now_ms"):
        s["now"].pop(key, None)
    return s


def page_now(doc: Element) -> dict:
    """The room page's own soundtrack state (#soundtrack-now), as its script reads it."""
    el = doc.by_id("soundtrack-now")
    assert el is not None, "no #soundtrack-now"
    return {k.removeprefix("data-"): v for k, v in el.attrs.items() if k.startswith("data-")}


def fragment(text: str) -> Element:
    return parse_html(text)
