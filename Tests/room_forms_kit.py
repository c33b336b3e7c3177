"""Bad input for the room features (QUALITY.md, "Bad input"): every room form and every id in a
room path as tables, and the Scene those tables are thrown at (Tests/http/test_http_room_bad_input_*.py).

- FORMS: each room form with who sends it, where, and a body that is accepted as it stands; FIELDS:
  each field of them with the kind of value it takes; PATH_ROUTES: each id a room path carries.
- Scene: a room with a guest's tasks, proposal and message (and a second room's, on demand); stored()
  snapshots everything a refused request must not change.
- assert_clear_refusal: a 4xx from the expected set that says what went wrong and leaks no internals."""

import json
from functools import cached_property
from urllib.parse import urlencode

from pomopomo_testkit import parse_html, stable
from rooms_kit import Member, excerpt, new_room

LEAK_MARKERS = ("sqlstate", "syntax error", "postgres", "pq:", "libpq", "fatal error", "swift/", ".swift:")


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
    """A stored() part (rows, state.json, or a nested room's) without the room's version counters.
    Every row and everything shown is still compared; the counter alone may move, because the refused
    request's own visitor is present in the room, and presence (someone back from away) is written in
    a batch about a second later with a people-version bump of its own (RoomJobs, PresenceBuffer)."""
    snap = json.loads(json.dumps(snap))
    for part in (snap, snap.get("rows"), snap.get("state")):
        if isinstance(part, dict):
            part.pop("version", None)
            if isinstance(part.get("room"), dict):
                part["room"].pop("version", None)
    return snap


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


# Every id a room path carries: which form, who sends it, what else the body holds.
PATH_ROUTES = [
    ("segment edit", "host", "/segments/{id}", "segment",
     [("kind", "focus"), ("duration", "10"), ("label", ""), ("public_task", "")]),
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


def encoded_body(member: Member, pairs: list) -> bytes:
    return urlencode([("csrf", member.token)] + pairs).encode()
