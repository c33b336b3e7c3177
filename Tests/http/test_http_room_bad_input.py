"""Bad input (QUALITY.md, "Bad input") for the room features, table-driven over every room form
field and every id in a room path: SQL metacharacters, stored XSS, attribute break-outs and template
syntax, invalid encodings, oversized fields, duplicate parameters, odd numbers, wrong methods, other
rooms' ids and privilege-escalation fields.

Whatever is refused must be a clear 4xx (never a 500, never a database error shown), keep what the
person typed where there is a form to put it back in, and change nothing stored: every refusal is
followed by a comparison of the room's state.json, the rows PostgreSQL holds for the room, and the
owner's own page (private tasks), before and after. Text that is accepted must come back exactly as
typed, shown as text in the page, the long-poll fragments and state.json.

Host-only controls (timer, segment edit forms, accept/reject, theme, #segment-add) are looked for in
the host's page only: guests may not be sent them at all."""

import html
import json
import time
import uuid
from functools import cached_property
from urllib.parse import urlencode, quote

import pytest
import requests

from pomopomo_testkit import CANONICAL_ROOM_PATH, User, parse_html, raw_http, room_db_version, room_id, stable

SETTLE = 3.0  # seconds a cache may take to hear of a change announced on Redis
LEAK_MARKERS = ("sqlstate", "syntax error", "postgres", "pq:", "libpq", "fatal error", "swift/", ".swift:")


# ------------------------------------------------------------------------------------------- helpers

def excerpt(r) -> str:
    text = r.text if hasattr(r, "text") else r
    doc = parse_html(text)
    for element_id in ("room-error", "error-message"):
        el = doc.by_id(element_id)
        if el is not None:
            return f"#{element_id}: {el.clean_text()!r}"
    return text[:300]


def assert_clear_refusal(status: int, body: str, statuses: set, what: str, nginx_may_refuse: bool = False):
    """A 4xx from the set, with a page (or JSON) that says what went wrong, and no internals.
    `nginx_may_refuse`: a request line nginx itself refuses (its own 400 page) is fine too."""
    assert status != 500 and status < 500, f"{what}: server error {status}: {excerpt(body)}"
    assert status in statuses, f"{what}: expected {sorted(statuses)}, got {status}: {excerpt(body)}"
    if nginx_may_refuse and status == 400 and "<center>nginx" in body:
        return None
    lowered = body.lower()
    for marker in LEAK_MARKERS:
        assert marker not in lowered, f"{what}: the answer leaks {marker!r}: {excerpt(body)}"
    if body.lstrip().startswith("{"):
        assert json.loads(body).get("error"), f"{what}: JSON error without a message"
        return None
    doc = parse_html(body)
    message = doc.by_id("room-error") or doc.by_id("error-message")
    assert message is not None, f"{what}: {status} without #room-error or #error-message: {body[:300]}"
    assert message.get("role") == "alert" and message.clean_text(), f"{what}: the error is not an alert with text"
    return doc


class Member:
    """One visitor of one room, with its own cookie jar and CSRF token."""

    def __init__(self, room: "Room", user: User, name: str):
        self.room = room
        self.user = user
        self.name = name
        self._token = None
        self._id = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.user.csrf("/")
        return self._token

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = self.page().by_id("room").get("data-me")
            assert self._id, f"{self.name} is not a participant of {self.room.code}"
        return self._id

    @property
    def sid(self) -> str:
        return self.user.sid

    def path(self, where: str) -> str:
        return f"/r/{self.room.code}{where}"

    def post_pairs(self, where: str, pairs: list, csrf: bool = True) -> requests.Response:
        """POSTs these (name, value) pairs (after the CSRF token unless csrf=False)."""
        body = ([("csrf", self.token)] if csrf else []) + list(pairs)
        return self.user.post_form(self.path(where), body)

    def post_body(self, where: str, body: bytes) -> requests.Response:
        """POSTs an already encoded body (for bytes no encoder would produce)."""
        return self.user.post_form(self.path(where), body)

    def ok(self, where: str, /, **fields) -> requests.Response:
        r = self.post_pairs(where, [(k, v) for k, v in fields.items() if v is not None])
        assert r.status_code == 303, f"POST {where} {fields} by {self.name}: {r.status_code} {excerpt(r)}"
        return r

    def raw(self, method: str, target: str, body: bytes = b"") -> tuple[int, dict, str]:
        """One request with exactly this target (no re-quoting), as this visitor."""
        headers = {"Cookie": f"pp_sid={self.sid}", "User-Agent": "pomopomo-http-tests"}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, hdrs, data = raw_http(self.user.base_url, method, target, headers=headers, body=body)
        return status, hdrs, data.decode("utf-8", "replace")

    def page(self, want: int | None = None):
        """The room page as this visitor sees it, once it shows the room's current version."""
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


class Room:
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
        """state.json at (at least) the version PostgreSQL holds now."""
        want = self.db_version() if want is None else want
        deadline = time.monotonic() + SETTLE
        viewer = User(self.stack.base_url)
        try:
            while True:
                r = viewer.get(f"/r/{self.code}/state.json")
                assert r.status_code == 200, f"state.json: {r.status_code} {r.text[:200]}"
                s = r.json()
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


def new_room(stack, user: User, name: str, preset: str | None = None) -> Room:
    token = user.csrf("/")
    fields = [("csrf", token), ("display_name", name)] + ([("preset", preset)] if preset else [])
    r = user.post_form("/rooms", fields)
    assert r.status_code == 303, f"creating a room: {r.status_code} {excerpt(r)}"
    m = CANONICAL_ROOM_PATH.match(r.headers["Location"])
    assert m, r.headers["Location"]
    return Room(stack, m.group(1), user, name)


class Scene:
    """A classic room hosted by Hana, where the guest Gus has a private and a public task, a pending
    proposal and a chat message, and Olga (another guest) a private task. `other` is a second room
    hosted by the same browser, where Gus has the same kinds of things: their ids must be unknown here."""

    def __init__(self, stack, new_user):
        self.stack = stack
        self.new_user = new_user
        self.room = new_room(stack, new_user(), "Hana Host")
        self.host = self.room.host
        self.guest = self.room.join("Gus Guest", new_user())
        self.olga = self.room.join("Olga Other", new_user())
        self.guest.ok("/tasks", text="Gus private plan", visibility="private", segment="")
        self.guest.ok("/tasks", text="Gus public plan", visibility="public", segment="")
        self.olga.ok("/tasks", text="Olga private plan", visibility="private", segment="")
        self.guest.ok("/proposals", kind="add_segment", segment="", text="", segment_kind="focus", duration="10", label="")
        self.guest.ok("/messages", text="hello from Gus")
        state = self.room.state()
        self.seg = state["segments"][3]["id"]
        self.proposal = state["proposals"][0]["id"]
        self.message = str(state["messages"][0]["id"])
        tasks = self.guest.task_ids()
        self.private_task, self.public_task = tasks["Gus private plan"], tasks["Gus public plan"]
        self.olga_task = self.olga.task_ids()["Olga private plan"]
        self._other_built = False

    def ids(self) -> dict:
        return {"segment": self.seg, "task": self.public_task, "proposal": self.proposal, "message": self.message,
                "participant": self.guest.id}

    @cached_property
    def other(self) -> dict:
        """Room B: same host browser, Gus in it too, with a task, a proposal and a message there."""
        room = new_room(self.stack, self.host.user, "Hana Host")
        gus = room.join("Gus Guest", self.guest.user)
        gus.ok("/tasks", text="Gus plan in B", visibility="private", segment="")
        gus.ok("/proposals", kind="add_segment", segment="", text="", segment_kind="break", duration="7", label="")
        gus.ok("/messages", text="hello from B")
        state = room.state()
        self._other_built = True
        return {"room": room, "gus": gus, "hana": room.host,
                "ids": {"segment": state["segments"][3]["id"], "task": gus.task_ids()["Gus plan in B"],
                        "proposal": state["proposals"][0]["id"], "message": str(state["messages"][0]["id"]),
                        "participant": gus.id}}

    def stored(self) -> dict:
        """What a refused request must not change: state.json, the rows, the owners' own views."""
        rows = self.room.rows()
        want = rows["room"]["version"]
        snap = {"rows": rows, "state": stable(self.room.state(want)), "gus": self.guest.own_view(want),
                "olga": self.olga.own_view(want), "hana": self.host.own_view(want)}
        if self._other_built:
            other = self.other["room"]
            rows = other.rows()
            want = rows["room"]["version"]
            snap["other"] = {"rows": rows, "state": stable(other.state(want)), "gus": self.other["gus"].own_view(want),
                             "hana": self.other["hana"].own_view(want)}
        return snap

    def assert_unchanged(self, before: dict, what: str):
        after = self.stored()
        for key in before:
            old, new = without_versions(before[key]), without_versions(after[key])
            assert new == old, f"{what} changed {key}:\nbefore {old}\nafter  {new}"

    def versions(self) -> tuple:
        return (self.room.db_version(), self.other["room"].db_version() if self._other_built else None)

    def member(self, who: str) -> Member:
        return {"host": self.host, "guest": self.guest}[who]


def without_versions(snap: dict) -> dict:
    """A stored() part (rows, state.json, or a nested room's) without the room's version counters. Every row and everything shown is
    still compared; the counter alone may move, because the refused request's own visitor is
    present in the room, and presence (someone back from away) is written in a batch about a
    second later with a people-version bump of its own (RoomJobs, PresenceBuffer)."""
    snap = json.loads(json.dumps(snap))
    for part in (snap, snap.get("rows"), snap.get("state")):
        if isinstance(part, dict):
            part.pop("version", None)
            if isinstance(part.get("room"), dict):
                part["room"].pop("version", None)
    return snap


@pytest.fixture(autouse=True)
def responders_in_rotation(stack):
    """Starts each test with nginx passing requests on: a test that made nginx take the responders
    out of rotation (see test_a_field_over_64_kib_or_thousands_of_fields_are_refused) fails itself,
    not every test that runs in the next 10 seconds."""
    # Each nginx worker keeps its own count of failures: ask on several connections.
    deadline = time.monotonic() + 15
    while not all(requests.get(stack.base_url + "/healthz", timeout=5).status_code == 200 for _ in range(12)):
        assert time.monotonic() < deadline, "nginx has had no live responder for 15 s"
        time.sleep(0.5)
    yield


@pytest.fixture
def scene(stack, new_user) -> Scene:
    """A fresh scene, for tests whose request is meant to change it."""
    return Scene(stack, new_user)


_CALM = {}


@pytest.fixture
def calm(stack) -> Scene:
    """A scene shared by tests whose requests must all be refused: each compares what is stored
    before and after itself, and the scene is rebuilt when anything did change (a version moved)."""
    s = _CALM.get("scene")
    if s is None:
        s = _CALM["scene"] = Scene(stack, lambda: User(stack.base_url))
    # Everyone looks at the room first: people coming back from "away" (other tests ran for a
    # minute meanwhile) move the room's version, which is not what this test is about.
    s.stored()
    versions = s.versions()
    yield s
    if s.versions() != versions:
        _CALM.pop("scene", None)


# ------------------------------------------------------------------------------------------- the forms

# Every room form: who sends it, where, and a body that is accepted as it stands ({seg}, {task} and
# {proposal} are the scene's ids). Each bad-input table replaces one field of one of these.
FORMS = {
    "segment add": ("host", "/segments", [("kind", "focus"), ("duration", "10"), ("label", ""), ("public_task", "")]),
    "segment edit": ("host", "/segments/{seg}", [("kind", "focus"), ("duration", "10"), ("label", ""), ("public_task", "")]),
    "segment move": ("host", "/segments/{seg}/move", [("direction", "up")]),
    "task add": ("guest", "/tasks", [("text", "Read"), ("visibility", "private"), ("segment", "")]),
    "task edit": ("guest", "/tasks/{task}", [("text", "Read"), ("visibility", "public")]),
    "proposal add_segment": ("guest", "/proposals", [("kind", "add_segment"), ("segment", ""), ("text", ""),
                                                     ("segment_kind", "focus"), ("duration", "10"), ("label", "")]),
    "proposal edit_segment": ("guest", "/proposals", [("kind", "edit_segment"), ("segment", "{seg}"), ("text", ""),
                                                      ("segment_kind", "break"), ("duration", "10"), ("label", "")]),
    "proposal public_task": ("guest", "/proposals", [("kind", "public_task"), ("segment", "{seg}"), ("text", "Read"),
                                                     ("segment_kind", "focus"), ("duration", ""), ("label", "")]),
    "chat": ("guest", "/messages", [("text", "hi")]),
    "reject": ("host", "/proposals/{proposal}/reject", [("reason", "")]),
    "theme": ("host", "/theme", [("theme", "sunrise")]),
    "timer": ("host", "/timer", [("action", "start"), ("at", "0")]),
}


def form_body(scene: Scene, form: str, overrides: dict | None = None) -> tuple[Member, str, list]:
    who, where, pairs = FORMS[form]
    ids = {"seg": scene.seg, "task": scene.public_task, "proposal": scene.proposal}
    pairs = [(k, (overrides or {}).get(k, v).format(**ids)) for k, v in pairs]
    return scene.member(who), where.format(**ids), pairs


# (test id, form, field, kind of value, other fields the case needs)
# text: free text a person can save; enum: one of a few words; number: minutes or an index; id: an id.
FIELDS = [
    ("segment add kind", "segment add", "kind", "enum", {}),
    ("segment add duration", "segment add", "duration", "number", {}),
    ("segment add label", "segment add", "label", "text", {"kind": "custom"}),
    ("segment add public_task", "segment add", "public_task", "text", {}),
    ("segment edit kind", "segment edit", "kind", "enum", {}),
    ("segment edit duration", "segment edit", "duration", "number", {}),
    ("segment edit label", "segment edit", "label", "text", {"kind": "custom"}),
    ("segment edit public_task", "segment edit", "public_task", "text", {}),
    ("segment move direction", "segment move", "direction", "enum", {}),
    ("task text", "task add", "text", "text", {}),
    ("task visibility", "task add", "visibility", "enum", {}),
    ("task segment", "task add", "segment", "id", {}),
    ("task edit text", "task edit", "text", "text", {}),
    ("task edit visibility", "task edit", "visibility", "enum", {}),
    ("proposal kind", "proposal add_segment", "kind", "enum", {}),
    ("proposal segment (edit)", "proposal edit_segment", "segment", "id", {}),
    ("proposal segment (task)", "proposal public_task", "segment", "id", {}),
    ("proposal text", "proposal public_task", "text", "text", {}),
    ("proposal segment_kind", "proposal add_segment", "segment_kind", "enum", {}),
    ("proposal duration", "proposal add_segment", "duration", "number", {}),
    ("proposal label", "proposal add_segment", "label", "text", {"segment_kind": "custom"}),
    ("chat text", "chat", "text", "text", {}),
    ("reject reason", "reject", "reason", "text", {}),
    ("theme", "theme", "theme", "enum", {}),
    ("timer action", "timer", "action", "enum", {}),
    ("timer at", "timer", "at", "number", {}),
]
FIELD_IDS = [f[0] for f in FIELDS]
REFUSED = {"enum": {400, 422}, "number": {400, 409, 422}, "id": {400, 404, 422}, "text": {400, 422}}


def with_field(pairs: list, field: str, value: str) -> list:
    assert field in [k for k, _ in pairs], f"{field} is not a field of this form"
    return [(k, value if k == field else v) for k, v in pairs]


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_in_the_tables_is_accepted_as_sent(scene, form):
    """The tables below change one field of these bodies; unchanged, each must be accepted, so a
    refusal there is the bad field's doing."""
    member, where, pairs = form_body(scene, form)
    r = member.post_pairs(where, pairs)
    assert r.status_code == 303, f"{form}: {r.status_code} {excerpt(r)}"
    for case_id, f, field, kind, overrides in FIELDS:
        if f == form and overrides:
            fresh = Scene(scene.stack, scene.new_user)
            member, where, pairs = form_body(fresh, form, overrides)
            r = member.post_pairs(where, with_field(pairs, field, "Valid text"))
            assert r.status_code == 303, f"{case_id} base {pairs}: {r.status_code} {excerpt(r)}"


# ------------------------------------------------------------------------------------------- SQL metacharacters

SQL_VALUES = [
    "Robert'); DROP TABLE rooms;--",
    "' OR '1'='1",
    "1; SELECT pg_sleep(3)--",
    "\"; DELETE FROM segments; --",
    "\\'; UPDATE participants SET role='host",
    "$1 $$ ::uuid %s %% ?",
]


def stored_values(scene: Scene, form: str, field: str, state: dict) -> list[str]:
    """Where a text field of this form ends up, as stored (state.json, or the owner's own page)."""
    if form.startswith("segment"):
        key = "label" if field == "label" else "public_task"
        return [s[key] for s in state["segments"]]
    if form.startswith("task"):
        return [t["text"] for t in state["public_tasks"]] + [text for _, text, _, _ in scene.guest.own_view()["tasks"]]
    if form.startswith("proposal"):
        return [p["summary"] for p in state["proposals"]]
    if form == "chat":
        return [m["text"] for m in state["messages"]]
    if form == "reject":
        return [p["reason"] for p in state["proposals"]]
    raise AssertionError(form)


@pytest.mark.parametrize("value", SQL_VALUES)
@pytest.mark.parametrize("case_id,form,field,kind,overrides", FIELDS, ids=FIELD_IDS)
def test_sql_metacharacters_are_stored_verbatim_or_refused(request, case_id, form, field, kind, overrides, value):
    scene = request.getfixturevalue("scene" if kind == "text" else "calm")
    member, where, pairs = form_body(scene, form, overrides)
    before = scene.stored()
    started = time.monotonic()
    r = member.post_pairs(where, with_field(pairs, field, value))
    assert time.monotonic() - started < 2.5, f"{case_id}: {value!r} took {time.monotonic() - started:.1f}s (pg_sleep ran?)"
    assert r.status_code != 500, f"{case_id}: {value!r} answered 500: {excerpt(r)}"
    if kind == "text":
        # Ordinary text for a person: stored as typed, shown back as typed.
        assert r.status_code == 303, f"{case_id}: {value!r} was refused: {r.status_code} {excerpt(r)}"
        state = scene.room.state()
        values = stored_values(scene, form, field, state)
        if form.startswith("proposal") or form == "reject":
            assert any(v and value in v for v in values), f"{case_id}: {value!r} is not among {values}"
        else:
            assert value in values, f"{case_id}: {value!r} was not stored verbatim: {values}"
        assert value in scene.host.page().text() or form == "task add" and dict(pairs)["visibility"] == "private"
    else:
        assert_clear_refusal(r.status_code, r.text, REFUSED[kind], f"{case_id}={value!r}")
        scene.assert_unchanged(before, f"{case_id}={value!r}")
    for table in ("rooms", "segments", "participants", "tasks", "proposals", "messages"):
        assert scene.stack.psql(f"select to_regclass('{table}') is not null") == "t", f"table {table} is gone"
    roles = {p["name"]: p["role"] for p in scene.room.state()["participants"]}
    assert roles == {"Hana Host": "host", "Gus Guest": "guest", "Olga Other": "guest"}, roles


# Every id a room path carries: which form, who sends it, what else the body holds.
PATH_ROUTES = [
    ("segment edit", "host", "/segments/{id}", "segment", [("kind", "focus"), ("duration", "10"), ("label", ""), ("public_task", "")]),
    ("segment delete", "host", "/segments/{id}/delete", "segment", []),
    ("segment move", "host", "/segments/{id}/move", "segment", [("direction", "down")]),
    ("task edit", "guest", "/tasks/{id}", "task", [("text", "Hijacked"), ("visibility", "public")]),
    ("task toggle", "guest", "/tasks/{id}/toggle", "task", []),
    ("task delete", "guest", "/tasks/{id}/delete", "task", []),
    ("proposal accept", "host", "/proposals/{id}/accept", "proposal", []),
    ("proposal reject", "host", "/proposals/{id}/reject", "proposal", [("reason", "")]),
    ("message delete", "host", "/messages/{id}/delete", "message", []),
    ("participant mute", "host", "/participants/{id}/mute", "participant", []),
    ("participant unmute", "host", "/participants/{id}/unmute", "participant", []),
    ("participant remove", "host", "/participants/{id}/remove", "participant", []),
    ("participant host", "host", "/participants/{id}/host", "participant", []),
]
PATH_IDS = [p[0] for p in PATH_ROUTES]

SQL_PATH_VALUES = ["' OR '1'='1", "1 OR 1=1", "1; DROP TABLE messages;--", "') OR ('a'='a", "{id}' OR 'x'='x",
                   "{id}--", "%", "*"]


def encoded_body(member: Member, pairs: list) -> bytes:
    return urlencode([("csrf", member.token)] + pairs).encode()


@pytest.mark.parametrize("value", SQL_PATH_VALUES)
@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_sql_metacharacters_in_path_ids_are_404(calm, name, who, template, id_kind, pairs, value):
    member = calm.member(who)
    real = calm.ids()[id_kind]
    segment = quote(value.format(id=real), safe="")
    before = calm.stored()
    status, _, body = member.raw("POST", member.path(template.format(id=segment)), encoded_body(member, pairs))
    assert_clear_refusal(status, body, {400, 404}, f"{name} with id {value!r}", nginx_may_refuse=True)
    calm.assert_unchanged(before, f"{name} with id {value!r}")


@pytest.mark.parametrize("code", ["'%20OR%20'1'='1", "ABC-DEF'--", "%27%3B%20DROP%20TABLE%20rooms%3B--", "{code}'--",
                                  "{code}%20OR%201=1"])
@pytest.mark.parametrize("form", ["task add", "chat", "timer", "segment add"])
def test_sql_metacharacters_in_the_room_code_of_a_post_are_404(calm, form, code):
    member, where, pairs = form_body(calm, form)
    target = "/r/" + code.format(code=calm.room.code) + where
    before = calm.stored()
    status, _, body = member.raw("POST", target, encoded_body(member, pairs))
    assert_clear_refusal(status, body, {400, 404}, f"{form} to {target}", nginx_may_refuse=True)
    calm.assert_unchanged(before, f"{form} to {target}")


# ------------------------------------------------------------------------------------------- stored XSS, break-outs, templates

HOSTILE = [
    ("script tag", "<script>alert(1)</script>"),
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("svg onload", "<svg onload=alert(1)>"),
    ("attribute break-out", '" autofocus onfocus=alert(1) x="'),
    ("single-quote break-out", "' autofocus onfocus=alert(1) x='"),
    ("closing tags", "</textarea></title></script><b>x"),
    ("template partial", "{{> layout}}"),
    ("triple mustache", "{{{x}}}"),
    ("template section", "{{#me}}{{csrf}}{{/me}}"),
]

# (test id, form, field, fields the case needs, where it is shown)
TEXT_FIELDS = [
    ("segment label", "segment add", "label", {"kind": "custom"}, "label"),
    ("segment public task", "segment add", "public_task", {}, "public_task"),
    ("edited segment label", "segment edit", "label", {"kind": "custom"}, "label"),
    ("edited segment public task", "segment edit", "public_task", {}, "public_task"),
    ("public task", "task add", "text", {"visibility": "public"}, "task"),
    ("private task", "task add", "text", {"visibility": "private"}, "private task"),
    ("edited task", "task edit", "text", {"visibility": "public"}, "task"),
    ("proposed task", "proposal public_task", "text", {}, "summary"),
    ("proposed segment label", "proposal add_segment", "label", {"segment_kind": "custom"}, "summary"),
    ("proposed change label", "proposal edit_segment", "label", {"segment_kind": "custom"}, "summary"),
    ("chat message", "chat", "text", {}, "chat"),
    ("rejection reason", "reject", "reason", {}, "reason"),
]
# The chat's <script>/<img>/<svg> cases are in test_http_rooms.py.
XSS_CASES = [(f, p) for f in TEXT_FIELDS for p in HOSTILE
             if not (f[4] == "chat" and p[0] in ("script tag", "img onerror", "svg onload"))]
FRAGMENT_OF = {"label": "queue", "public_task": "queue", "task": "public-tasks", "summary": "proposals",
               "chat": "chat-messages", "reason": "proposals"}


def shown_texts(doc, where: str) -> list[str]:
    """The texts a reader sees for this kind of field in a page or fragment."""
    if where == "label":
        return [el.clean_text() for el in doc.find_all("span", cls="seg-kind")]
    if where == "public_task":
        return [el.clean_text() for el in doc.find_all(cls="public-task")]
    if where in ("task", "private task"):
        return [el.clean_text() for el in doc.find_all("span", cls="task-text")]
    if where == "summary":
        return [el.clean_text() for el in doc.find_all(cls="proposal-summary")]
    if where == "chat":
        return [el.clean_text() for el in doc.find_all("span", cls="text")]
    if where == "reason":
        return [li.clean_text() for li in doc.find_all("li", cls="rejected")]
    raise AssertionError(where)


def state_texts(state: dict, where: str) -> list[str]:
    return {"label": lambda: [s["label"] for s in state["segments"]],
            "public_task": lambda: [s["public_task"] for s in state["segments"]],
            "task": lambda: [t["text"] for t in state["public_tasks"]],
            "summary": lambda: [p["summary"] for p in state["proposals"]],
            "chat": lambda: [m["text"] for m in state["messages"]],
            "reason": lambda: [p["reason"] for p in state["proposals"]]}[where]()


def shows(texts: list, payload: str, where: str) -> bool:
    if where in ("summary", "reason"):
        return any(t and payload in t for t in texts)
    return payload in texts


def assert_inert(doc, what: str):
    """Nothing in the page can run: no handler attributes, no autofocus, no foreign script, image or svg."""
    handlers = [(el.tag, a) for el in doc.iter() for a in el.attrs if a.startswith("on")]
    assert not handlers, f"{what}: event handler attributes {handlers}"
    focus = [el.tag for el in doc.iter() if "autofocus" in el.attrs]
    assert not focus, f"{what}: autofocus on {focus}"
    assert all(s.get("src", "").startswith("/static/") for s in doc.find_all("script")), f"{what}: a script not from /static/"
    assert all(i.get("src", "").startswith("/static/") for i in doc.find_all("img")), f"{what}: an <img> not from /static/"
    room = doc.by_id("room") or doc
    assert not room.find_all("svg"), f"{what}: an <svg> in the room"
    assert not room.find_all("textarea"), f"{what}: a textarea appeared"


@pytest.mark.parametrize("text_field,payload", XSS_CASES,
                         ids=[f"{f[0]}-{p[0]}" for f, p in XSS_CASES])
def test_hostile_text_is_shown_literally_in_pages_polls_and_state(scene, text_field, payload):
    case_id, form, field, overrides, where = text_field
    case, value = payload
    member, path, pairs = form_body(scene, form, overrides)
    since = scene.room.db_version()
    if form == "reject":
        scene.guest.ok("/proposals", kind="public_task", segment=scene.seg, text="Something", segment_kind="focus",
                       duration="", label="")  # so the decided list keeps showing a pending one as well
    r = member.post_pairs(path, with_field(pairs, field, value))
    assert r.status_code == 303, f"{case_id} {value!r}: {r.status_code} {excerpt(r)}"
    escaped = html.escape(value, quote=True)

    viewers = [("guest", scene.guest)] if where == "private task" else [("host", scene.host), ("guest", scene.guest), ("other guest", scene.olga)]
    for who, viewer in viewers:
        text = viewer.raw_page()
        if escaped != value:
            assert value not in text, f"{case_id}: the raw {case} is in the page {who} sees"
        doc = parse_html(text)
        assert_inert(doc, f"{case_id} {case} seen by {who}")
        assert shows(shown_texts(doc, where), value, where), \
            f"{case_id}: {value!r} is not shown literally to {who}: {shown_texts(doc, where)}"
        assert doc.by_id("room").get("data-csrf") == viewer.token, "the page lost its own CSRF token"
        assert text.count("<header") == scene.host.raw_page().count("<header"), "a template was expanded from user text"

    if where == "private task":
        for who, viewer in (("host", scene.host), ("other guest", scene.olga)):
            assert value not in viewer.raw_page() and escaped not in viewer.raw_page(), f"the private task reached {who}"
        poll = scene.host.user.poll(scene.room.code, 0, timeout=4)
        assert value not in poll.text and escaped not in poll.text and json.dumps(value) not in poll.text
        assert value not in json.dumps(scene.room.state())
        return

    poll = scene.host.user.poll(scene.room.code, since, timeout=4)
    assert poll.status_code == 200, poll.status_code
    for tag in ("<script", "<img", "<svg", "<b>"):
        if tag in value:
            assert tag not in poll.text, f"{case_id}: raw {tag} in the poll answer"
    frag_html = poll.json()["fragments"][FRAGMENT_OF[where]]
    frag = parse_html(frag_html)
    assert_inert(frag, f"{case_id} {case} in the {FRAGMENT_OF[where]} fragment")
    assert shows(shown_texts(frag, where), value, where), f"{case_id}: not literal in the fragment: {shown_texts(frag, where)}"
    for field_ in frag.find_all("input", name="csrf"):
        assert field_.get("value") == "", f"{case_id}: a CSRF token was expanded into the shared fragment"

    raw_state = scene.room.state_text()
    assert "<" not in raw_state and ">" not in raw_state, "state.json carries raw angle brackets"
    assert shows(state_texts(json.loads(raw_state), where), value, where), \
        f"{case_id}: state.json does not hold {value!r}: {state_texts(json.loads(raw_state), where)}"


@pytest.mark.parametrize("case,payload", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_custom_label_of_the_running_segment_stays_text_in_timer_and_title(stack, new_user, case, payload):
    room = new_room(stack, new_user(), "Hana Host", preset="empty")
    guest = room.join("Gus Guest", new_user())
    room.host.ok("/segments", kind="custom", duration="30", label=payload, public_task=payload)
    room.host.ok("/timer", action="start", at="0")
    for who in (room.host, guest):
        text = who.raw_page()
        doc = parse_html(text)
        assert_inert(doc, f"{case} as the running label")
        assert doc.by_id("timer-phase").clean_text() == payload
        assert doc.by_id("timer").find(cls="timer-state").get("data-phase") == payload, "data-phase was broken out of"
        title = doc.find("title").text()
        assert payload in title, f"the title {title!r} does not show the label"
        if html.escape(payload) != payload:
            assert payload not in text
    poll = guest.user.poll(room.code, 0, timeout=4)
    body = poll.json()
    assert body["timer"]["phase"] == payload
    frag = parse_html(body["fragments"]["timer"])
    assert_inert(frag, "timer fragment")
    assert frag.find(cls="timer-state").get("data-phase") == payload
    assert room.state()["timer"]["phase"] == payload
    for user in room.users:
        user.http.close()


# ------------------------------------------------------------------------------------------- encodings

BAD_ENCODINGS = [
    ("invalid UTF-8 %FF", "Ann%FF"),
    ("lone continuation byte", "%80"),
    ("NUL byte", "Ann%00Bob"),
    ("overlong dot %C0%AE", "%C0%AE%C0%AE"),
    ("overlong slash %E0%80%AF", "%E0%80%AF"),
    ("UTF-16 surrogate", "%ED%A0%80"),
    ("truncated sequence", "Ann%E2%82"),
    ("bad escape %ZZ", "Ann%ZZ"),
    ("truncated escape", "Ann%4"),
]


def raw_body(member: Member, pairs: list, field: str, raw_value: str) -> bytes:
    parts = [f"csrf={quote(member.token, safe='')}"]
    for k, v in pairs:
        parts.append(f"{k}={raw_value}" if k == field else f"{quote(k)}={quote(v, safe='')}")
    return "&".join(parts).encode()


@pytest.mark.parametrize("encoding,raw_value", BAD_ENCODINGS, ids=[e[0] for e in BAD_ENCODINGS])
@pytest.mark.parametrize("case_id,form,field,kind,overrides", FIELDS, ids=FIELD_IDS)
def test_malformed_encoding_in_any_field_is_400(calm, case_id, form, field, kind, overrides, encoding, raw_value):
    member, where, pairs = form_body(calm, form, overrides)
    before = calm.stored()
    r = member.post_body(where, raw_body(member, pairs, field, raw_value))
    assert_clear_refusal(r.status_code, r.text, {400}, f"{case_id} {encoding}")
    calm.assert_unchanged(before, f"{case_id} {encoding}")


@pytest.mark.parametrize("encoding,raw_value", BAD_ENCODINGS + [("encoded slash", "%2F..%2F"), ("encoded CR LF", "x%0D%0ASet-Cookie:%20a=1")],
                         ids=[e[0] for e in BAD_ENCODINGS] + ["encoded slash", "encoded CR LF"])
@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_malformed_encoding_in_path_ids_is_400_or_404(calm, name, who, template, id_kind, pairs, encoding, raw_value):
    member = calm.member(who)
    before = calm.stored()
    status, headers, body = member.raw("POST", member.path(template.format(id=raw_value)), encoded_body(member, pairs))
    # An undecodable path is a bad request; a decodable odd one names nothing (or, once nginx has
    # resolved "..", a route that does not take POST).
    statuses = {400, 404, 405} if encoding in ("encoded slash", "encoded CR LF") else {400}
    assert_clear_refusal(status, body, statuses, f"{name} id {encoding}", nginx_may_refuse=True)
    assert "a=1" not in headers.get("set-cookie", "")
    calm.assert_unchanged(before, f"{name} id {encoding}")


@pytest.mark.parametrize("encoding,raw_value", BAD_ENCODINGS, ids=[e[0] for e in BAD_ENCODINGS])
def test_malformed_encoding_in_a_form_field_name_is_400(calm, encoding, raw_value):
    before = calm.stored()
    body = f"csrf={quote(calm.guest.token, safe='')}&text=hello&{raw_value}=1".encode()
    r = calm.guest.post_body("/messages", body)
    assert_clear_refusal(r.status_code, r.text, {400}, f"field name {encoding}")
    calm.assert_unchanged(before, f"field name {encoding}")


# ------------------------------------------------------------------------------------------- oversized fields

LIMITS = {"label": 40, "public_task": 200, "text": 200, "reason": 200}


def limit_of(form: str, field: str) -> int | None:
    if form == "chat":
        return 500
    if form.startswith("proposal") and field == "label":
        return 40
    return LIMITS.get(field)


def kept_value(scene: Scene, doc, form: str, field: str):
    """Where the re-rendered page puts back what was typed in this field (None: no such input)."""
    if form == "segment add":
        box = doc.by_id("segment-add")
    elif form == "segment edit":
        li = doc.by_id(f"seg-{scene.seg}")
        box = li.find("form", cls="seg-edit-form") if li is not None else None
    elif form == "task add":
        box = doc.by_id("task-add")
    elif form == "task edit":
        li = doc.by_id(f"task-{scene.public_task}")
        box = li.find("form", action=f"/r/{scene.room.code}/tasks/{scene.public_task}") if li is not None else None
    elif form.startswith("proposal"):
        box = doc.by_id("propose-form")
    elif form == "chat":
        box = doc.by_id("chat-form")
    elif form == "reject":
        box = doc.find("form", action=f"/r/{scene.room.code}/proposals/{scene.proposal}/reject")
    else:
        return None
    assert box is not None, f"the re-rendered page has no form for {form}"
    field_el = box.find("input", name=field)
    assert field_el is not None, f"the {form} form has no input {field}"
    return field_el.get("value")


OVERSIZE_TEXT = [(f"{c[0]} {n}", c[1], c[2], c[4], n) for c in FIELDS if c[3] == "text"
                 for n in ("one over the limit", "20,000 characters")]


@pytest.mark.parametrize("case_id,form,field,overrides,size", OVERSIZE_TEXT, ids=[c[0] for c in OVERSIZE_TEXT])
def test_oversized_text_is_422_with_the_input_kept(calm, case_id, form, field, overrides, size):
    member, where, pairs = form_body(calm, form, overrides)
    limit = limit_of(form, field)
    typed = ("Ä" * (limit + 1)) if size == "one over the limit" else ("long text " * 2000)
    before = calm.stored()
    r = member.post_pairs(where, with_field(pairs, field, typed))
    doc = assert_clear_refusal(r.status_code, r.text, {422}, case_id)
    message = doc.by_id("room-error").clean_text()
    assert str(limit) in message, f"{case_id}: the error does not name the limit of {limit}: {message!r}"
    calm.assert_unchanged(before, case_id)
    kept = kept_value(calm, doc, form, field)
    assert kept == typed, f"{case_id}: the typed text was not kept (got {None if kept is None else kept[:40]!r})"


OVERSIZE_WORDS = [c for c in FIELDS if c[3] != "text"]


@pytest.mark.parametrize("case_id,form,field,kind,overrides", OVERSIZE_WORDS, ids=[c[0] for c in OVERSIZE_WORDS])
def test_oversized_choices_numbers_and_ids_are_refused(calm, case_id, form, field, kind, overrides):
    member, where, pairs = form_body(calm, form, overrides)
    before = calm.stored()
    r = member.post_pairs(where, with_field(pairs, field, "9" * 20000))
    assert_clear_refusal(r.status_code, r.text, REFUSED[kind], case_id)
    calm.assert_unchanged(before, case_id)


@pytest.mark.parametrize("case", ["a 70 KiB field", "5,000 fields"])
@pytest.mark.parametrize("form", list(FORMS))
def test_a_field_over_64_kib_or_thousands_of_fields_are_refused(calm, form, case):
    """Bodies nginx buffers to a file before passing them on: the refusal must reach the browser
    as the responder's 4xx (not a 502 from nginx), and leave the responders in rotation."""
    member, where, pairs = form_body(calm, form)
    before = calm.stored()
    if case == "a 70 KiB field":
        body, statuses = with_field(pairs, pairs[0][0], "x" * (70 * 1024)), {400, 413, 422}
    else:
        body, statuses = pairs + [(f"f{i}", "1") for i in range(5000)], {400, 413}
    for attempt in range(1, 6):  # the failure this guards against is a race: try a few times
        r = member.post_pairs(where, body)
        assert_clear_refusal(r.status_code, r.text, statuses, f"{form} with {case} (attempt {attempt})")
    calm.assert_unchanged(before, f"{form} with {case}")


# ------------------------------------------------------------------------------------------- duplicate parameters

@pytest.mark.parametrize("same", [True, False], ids=["same value twice", "two values"])
@pytest.mark.parametrize("case_id,form,field,kind,overrides", FIELDS, ids=FIELD_IDS)
def test_duplicate_field_is_400(calm, case_id, form, field, kind, overrides, same):
    member, where, pairs = form_body(calm, form, overrides)
    value = dict(pairs)[field]
    other = {"text": "Other text", "enum": "break", "number": "5", "id": ""}[kind]
    doubled = pairs + [(field, value if same else other)]
    before = calm.stored()
    r = member.post_pairs(where, doubled)
    assert_clear_refusal(r.status_code, r.text, {400}, f"{case_id} twice")
    calm.assert_unchanged(before, f"{case_id} twice")


@pytest.mark.parametrize("how", ["own token twice", "foreign then own", "own then empty"])
@pytest.mark.parametrize("form", list(FORMS))
def test_two_csrf_fields_are_400(calm, new_user, form, how):
    member, where, pairs = form_body(calm, form)
    foreign = new_user().csrf("/")
    tokens = {"own token twice": [member.token, member.token], "foreign then own": [foreign, member.token],
              "own then empty": [member.token, ""]}[how]
    before = calm.stored()
    r = member.post_pairs(where, [("csrf", t) for t in tokens] + pairs, csrf=False)
    assert_clear_refusal(r.status_code, r.text, {400}, f"{form}: {how}")
    calm.assert_unchanged(before, f"{form}: {how}")


# ------------------------------------------------------------------------------------------- numbers

NUMBERS = ["-1", "9223372036854775808", "9223372036854775807", "-9223372036854775809", "1e3", "0x10", "1.0",
           "١", "NaN", "Infinity", " 0", "0 ", "0,5"]
DURATIONS = ["-1", "9223372036854775808", "9223372036854775807:00", "9223372036854775808:00", "1e3", "0x10", "25.0",
             "1:60", "1:5", "-1:30", "١٠", "NaN", "Infinity", "25:00:00", "0x19", "+25"]
NUMBER_FIELDS = [("timer at", "timer", "at", NUMBERS),
                 ("segment add duration", "segment add", "duration", DURATIONS),
                 ("segment edit duration", "segment edit", "duration", DURATIONS),
                 ("proposal duration", "proposal add_segment", "duration", DURATIONS)]
NUMBER_CASES = [(f"{c[0]}={v}", c[1], c[2], v) for c in NUMBER_FIELDS for v in c[3]]


@pytest.mark.parametrize("case_id,form,field,value", NUMBER_CASES, ids=[c[0] for c in NUMBER_CASES])
def test_odd_numbers_are_a_clear_4xx(calm, case_id, form, field, value):
    member, where, pairs = form_body(calm, form)
    before = calm.stored()
    r = member.post_pairs(where, with_field(pairs, field, value))
    # A leading sign or space on at is still the number 0 to some parsers: if accepted, it must be as 0.
    if form == "timer" and r.status_code == 303:
        pytest.fail(f"{case_id}: the timer accepted at={value!r} as if it were 0")
    doc = assert_clear_refusal(r.status_code, r.text, {400, 409, 422}, case_id)
    calm.assert_unchanged(before, case_id)
    if form == "segment add" and r.status_code == 422:
        assert kept_value(calm, doc, form, field) == value, f"{case_id}: the typed duration was not kept"


ID_NUMBERS = ["-1", "0", "9223372036854775808", "9223372036854775807", "1e3", "0x10", "00000000000000000001",
              "1.0", "١"]


@pytest.mark.parametrize("value", ID_NUMBERS)
@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_numbers_as_path_ids_are_404(calm, name, who, template, id_kind, pairs, value):
    member = calm.member(who)
    before = calm.stored()
    status, _, body = member.raw("POST", member.path(template.format(id=quote(value, safe=""))), encoded_body(member, pairs))
    assert_clear_refusal(status, body, {400, 404}, f"{name} with id {value!r}")
    calm.assert_unchanged(before, f"{name} with id {value!r}")


def test_message_id_with_leading_zeros_names_nothing_in_another_room(calm):
    """A message id that parses to another room's message (leading zeros, a plus sign) is still not found."""
    theirs = calm.other["ids"]["message"]
    before = calm.stored()
    for spelling in (theirs, "0" * 5 + theirs, "+" + theirs):
        status, _, body = calm.host.raw("POST", calm.host.path(f"/messages/{quote(spelling, safe='')}/delete"),
                                         encoded_body(calm.host, []))
        assert_clear_refusal(status, body, {404}, f"deleting another room's message as {spelling!r}")
    calm.assert_unchanged(before, "deleting another room's message")
    assert "hello from B" in [m["text"] for m in calm.other["room"].state()["messages"]]


# ------------------------------------------------------------------------------------------- wrong methods

POST_ROUTES = [("leave", "/leave"), ("timer", "/timer"), ("theme", "/theme"), ("segments", "/segments"),
               ("segment edit", "/segments/{seg}"), ("segment delete", "/segments/{seg}/delete"),
               ("segment move", "/segments/{seg}/move"), ("tasks", "/tasks"), ("task edit", "/tasks/{task}"),
               ("task toggle", "/tasks/{task}/toggle"), ("task delete", "/tasks/{task}/delete"),
               ("proposals", "/proposals"), ("proposal accept", "/proposals/{proposal}/accept"),
               ("proposal reject", "/proposals/{proposal}/reject"), ("messages", "/messages"),
               ("message delete", "/messages/{message}/delete"), ("mute", "/participants/{guest}/mute"),
               ("unmute", "/participants/{guest}/unmute"), ("remove", "/participants/{guest}/remove"),
               ("make host", "/participants/{guest}/host"), ("join", "/join")]
# The fields a form would carry, sent in the query string of the GET.
GET_QUERY = {"timer": "action=start&at=0", "theme": "theme=sunrise", "segments": "kind=focus&duration=5",
             "segment edit": "kind=break&duration=3", "segment move": "direction=up", "tasks": "text=sneaky&visibility=public",
             "task edit": "text=sneaky&visibility=public", "proposals": "kind=add_segment&segment_kind=focus&duration=5",
             "messages": "text=sneaky", "join": "display_name=Sneaky", "proposal reject": "reason=sneaky"}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("name,template", POST_ROUTES, ids=[r[0] for r in POST_ROUTES])
def test_other_methods_on_post_routes_are_405_with_allow(calm, name, template, method):
    ids = {"seg": calm.seg, "task": calm.public_task, "proposal": calm.proposal, "message": calm.message,
           "guest": calm.guest.id}
    path = calm.room.host.path(template.format(**ids))
    query = f"csrf={quote(calm.host.token, safe='')}&" + GET_QUERY.get(name, "x=1")
    before = calm.stored()
    for who in (calm.host, calm.guest):
        r = who.user.request(method, f"{path}?{query}", data=query if method != "GET" else None,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert_clear_refusal(r.status_code, r.text, {405}, f"{method} {name} by {who.name}")
        allow = {m.strip() for m in r.headers.get("Allow", "").split(",")}
        assert "POST" in allow, f"{method} {name}: Allow {r.headers.get('Allow')!r}"
        assert method not in allow
    calm.assert_unchanged(before, f"{method} {name}")
    assert "sneaky" not in json.dumps(calm.room.state()).lower()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("target", ["/moderate", "/state.json", "/poll?since=0", ""])
def test_state_changing_methods_on_room_pages_are_405(calm, target, method):
    before = calm.stored()
    r = calm.host.user.request(method, calm.host.path(target), data=f"csrf={quote(calm.host.token, safe='')}",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_clear_refusal(r.status_code, r.text, {405}, f"{method} {target}")
    assert "GET" in {m.strip() for m in r.headers.get("Allow", "").split(",")}, r.headers.get("Allow")
    calm.assert_unchanged(before, f"{method} {target}")


# ------------------------------------------------------------------------------------------- other rooms' ids

@pytest.mark.parametrize("name,who,template,id_kind,pairs", PATH_ROUTES, ids=PATH_IDS)
def test_ids_of_another_rooms_objects_are_404_exactly_like_absent(calm, name, who, template, id_kind, pairs):
    member = calm.member(who)
    theirs = calm.other["ids"][id_kind]
    absent = "987654321" if id_kind == "message" else str(uuid.uuid4())
    before = calm.stored()
    answers = {}
    for label, value in (("another room's", theirs), ("absent", absent)):
        r = member.post_pairs(template.format(id=value), pairs)
        doc = assert_clear_refusal(r.status_code, r.text, {404}, f"{name} with {label} id")
        error = doc.by_id("room-error")
        answers[label] = (r.status_code, error.clean_text() if error is not None else None)
    assert answers["another room's"] == answers["absent"], f"{name}: another room's id is told apart from an absent one: {answers}"
    calm.assert_unchanged(before, f"{name} with another room's id")


@pytest.mark.parametrize("case_id,form,field", [("task for another room's segment", "task add", "segment"),
                                                ("proposed task for another room's segment", "proposal public_task", "segment"),
                                                ("proposed change to another room's segment", "proposal edit_segment", "segment")],
                         ids=["task add", "proposal public_task", "proposal edit_segment"])
def test_another_rooms_segment_in_a_form_is_404_exactly_like_absent(calm, case_id, form, field):
    member, where, pairs = form_body(calm, form)
    before = calm.stored()
    answers = {}
    for label, value in (("another room's", calm.other["ids"]["segment"]), ("absent", str(uuid.uuid4()))):
        r = member.post_pairs(where, with_field(pairs, field, value))
        doc = assert_clear_refusal(r.status_code, r.text, {404}, f"{case_id} ({label})")
        answers[label] = (r.status_code, doc.by_id("room-error").clean_text())
    assert answers["another room's"] == answers["absent"], f"{case_id}: {answers}"
    calm.assert_unchanged(before, case_id)


@pytest.mark.parametrize("action", ["edit", "toggle", "delete"])
def test_another_participants_private_task_is_404_exactly_like_absent(calm, action):
    suffix = {"edit": "", "toggle": "/toggle", "delete": "/delete"}[action]
    fields = [("text", "Hijacked"), ("visibility", "public")] if action == "edit" else []
    before = calm.stored()
    answers = {}
    for label, task in (("Olga's private", calm.olga_task), ("absent", str(uuid.uuid4()))):
        for who in (calm.guest, calm.host):
            r = who.post_pairs(f"/tasks/{task}{suffix}", fields)
            doc = assert_clear_refusal(r.status_code, r.text, {404}, f"{action} of {label} task by {who.name}")
            answers[(label, who.name)] = (r.status_code, doc.by_id("room-error").clean_text())
            assert "Olga private plan" not in r.text, "the refusal shows the private task"
    for who in (calm.guest, calm.host):
        assert answers[("Olga's private", who.name)] == answers[("absent", who.name)], answers
    calm.assert_unchanged(before, f"{action} of Olga's private task")


# ------------------------------------------------------------------------------------------- privilege escalation

ESCALATION = [("role", "host"), ("is_host", "1"), ("is_admin", "1"), ("host", "1"), ("admin", "true"),
              ("participant_id", "{host}"), ("author", "Hana Host"), ("author_name", "Hana Host"),
              ("status", "accepted"), ("is_muted", "0"), ("is_shadow_hidden", "0"), ("room_id", "{other_room}"),
              ("session", "x"), ("viewer_role", "host")]


def escalation_pairs(scene: Scene) -> list:
    values = {"host": scene.host.id, "other_room": str(uuid.uuid4())}
    return [(k, v.format(**values)) for k, v in ESCALATION]


def assert_roles(scene: Scene):
    roles = {p["name"]: p["role"] for p in scene.room.state()["participants"]}
    assert roles == {"Hana Host": "host", "Gus Guest": "guest", "Olga Other": "guest"}, f"roles changed: {roles}"
    assert scene.guest.page().by_id("room").get("data-viewer-role") == "guest"
    assert scene.stack.psql("select count(*) from participants where room_id = :'v1' and role = 'host'", scene.room.id) == "1"


GUEST_ACTIONS = [
    ("message", "/messages", [("text", "plain words")]),
    ("task", "/tasks", [("text", "plain task"), ("visibility", "public"), ("segment", "")]),
    ("proposal", "/proposals", [("kind", "add_segment"), ("segment", ""), ("text", ""), ("segment_kind", "focus"),
                                ("duration", "12"), ("label", "")]),
    ("task toggle", "/tasks/{task}/toggle", []),
]


@pytest.mark.parametrize("name,where,pairs", GUEST_ACTIONS, ids=[a[0] for a in GUEST_ACTIONS])
def test_extra_role_fields_on_a_guests_action_are_ignored(scene, name, where, pairs):
    r = scene.guest.post_pairs(where.format(task=scene.public_task), pairs + escalation_pairs(scene))
    assert r.status_code == 303, f"{name} with extra fields: {r.status_code} {excerpt(r)}"
    assert_roles(scene)
    state = scene.room.state()
    if name == "message":
        assert [(m["author"], m["text"]) for m in state["messages"]][-1] == ("Gus Guest", "plain words")
    if name == "task":
        assert [(t["author"], t["text"]) for t in state["public_tasks"]][-1] == ("Gus Guest", "plain task")
        assert "plain task" not in [t for _, t, _, _ in scene.host.own_view()["tasks"]]
    if name == "proposal":
        assert [(p["author"], p["status"]) for p in state["proposals"]][-1] == ("Gus Guest", "pending")
        assert len(state["segments"]) == 8, "the proposal was applied without the host"


HOST_ACTIONS = [
    ("timer", "/timer", [("action", "start"), ("at", "0")]),
    ("theme", "/theme", [("theme", "sunrise")]),
    ("segment add", "/segments", [("kind", "focus"), ("duration", "5"), ("label", ""), ("public_task", "")]),
    ("segment delete", "/segments/{seg}/delete", []),
    ("accept", "/proposals/{proposal}/accept", []),
    ("reject", "/proposals/{proposal}/reject", [("reason", "")]),
    ("message delete", "/messages/{message}/delete", []),
    ("mute", "/participants/{olga}/mute", []),
    ("make host", "/participants/{guest}/host", []),
    ("moderation page", None, []),
]


@pytest.mark.parametrize("name,where,pairs", HOST_ACTIONS, ids=[a[0] for a in HOST_ACTIONS])
def test_extra_role_fields_do_not_make_a_guest_host(calm, name, where, pairs):
    before = calm.stored()
    if where is None:
        query = urlencode(escalation_pairs(calm))
        r = calm.guest.user.get(f"/r/{calm.room.code}/moderate?{query}")
    else:
        path = where.format(seg=calm.seg, proposal=calm.proposal, message=calm.message, olga=calm.olga.id,
                            guest=calm.guest.id)
        r = calm.guest.post_pairs(path, pairs + escalation_pairs(calm))
    assert_clear_refusal(r.status_code, r.text, {403}, f"a guest's {name} with role fields")
    calm.assert_unchanged(before, f"a guest's {name} with role fields")
    assert_roles(calm)


@pytest.mark.parametrize("field,value", ESCALATION, ids=[f"{k}={v}" for k, v in ESCALATION])
def test_joining_with_a_role_field_makes_a_guest(scene, new_user, field, value):
    user = new_user()
    token = user.csrf(f"/r/{scene.room.code}")
    value = value.format(host=scene.host.id, other_room=str(uuid.uuid4()))
    r = user.post_form(f"/r/{scene.room.code}/join", [("csrf", token), ("display_name", "Mallory"), (field, value)])
    assert r.status_code == 303, f"join with {field}={value}: {r.status_code} {excerpt(r)}"
    roles = {p["name"]: p["role"] for p in scene.room.state()["participants"]}
    assert roles == {"Hana Host": "host", "Gus Guest": "guest", "Olga Other": "guest", "Mallory": "guest"}, roles
    mallory = Member(scene.room, user, "Mallory")
    assert mallory.page().by_id("room").get("data-viewer-role") == "guest"
    before = scene.stored()
    r = mallory.post_pairs("/timer", [("action", "start"), ("at", "0"), (field, value)])
    assert_clear_refusal(r.status_code, r.text, {403}, f"Mallory's timer start with {field}={value}")
    scene.assert_unchanged(before, "Mallory's timer start")
    user.http.close()
