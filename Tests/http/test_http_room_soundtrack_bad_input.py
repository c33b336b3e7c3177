"""The room's soundtrack (issue 16): bad input and other people's things. Each request is refused
with the documented status and the room page's #room-error, and changes nothing: the soundtrack in
state.json (less the moving position) and the room's version stay as they were."""

import pytest

from pomopomo_testkit import User
from rooms_kit import new_room
from soundtrack_kit import Soundtrack, library_track

ZERO = "00000000-0000-4000-8000-000000000000"


class Scene:
    """A room playing one track with one up next and one proposed, a guest, a visitor who never
    joined, and a second room with a queue entry of its own."""

    def __init__(self, stack):
        self.room = new_room(stack, User(stack.base_url), "Hana Host")
        self.music = Soundtrack(self.room)
        for title in ("Playing Now", "Up Later"):
            self.music.add(self.room.host, library_track(stack, title, 180))
        self.room.host.ok("/soundtrack/play")
        self.guest = self.room.join("Gus Guest")
        self.music.add(self.guest, library_track(stack, "Gus Proposes", 60))
        self.visitor = self.room.visitor()
        self.other = new_room(stack, User(stack.base_url), "Otto Other")
        Soundtrack(self.other).add(self.other.host, library_track(stack, "Elsewhere", 60))
        s = self.music.state()
        self.current = s["current"]["entry"]
        self.later = s["up_next"][0]["entry"]
        self.proposed = s["proposed"][0]["entry"]
        self.foreign = Soundtrack(self.other).state()["up_next"][0]["entry"]
        self.spare = library_track(stack, "Spare", 60)
        # What PostgreSQL holds of both rooms' soundtracks: every refusal must leave it so.
        self.baseline = self.stored()

    def stored(self) -> tuple[dict, dict]:
        return self.music.stored(), Soundtrack(self.other).stored()

    def who(self, name: str):
        return {"host": self.room.host, "guest": self.guest, "visitor": self.visitor}[name]

    def fill(self, fields: dict) -> dict:
        names = {"CURRENT": self.current, "LATER": self.later, "PROPOSED": self.proposed, "FOREIGN": self.foreign,
                 "SPARE": self.spare}
        return {k: names.get(v, v) for k, v in fields.items()}


@pytest.fixture(scope="module")
def scene(stack) -> Scene:
    return Scene(stack)


CASES = [
    # seek: outside the track, not a position, the wrong track, nothing named
    ("host", "/soundtrack/seek", {"entry": "CURRENT", "position": "-5"}, 422, "between 0:00 and 3:00"),
    ("host", "/soundtrack/seek", {"entry": "CURRENT", "position": "3:01"}, 422, "between 0:00 and 3:00"),
    ("host", "/soundtrack/seek", {"entry": "CURRENT", "position": "99999999:00"}, 422, "between"),
    ("host", "/soundtrack/seek", {"entry": "CURRENT", "position": "1e3"}, 422, "as seconds"),
    ("host", "/soundtrack/seek", {"entry": "CURRENT", "position": "0x10"}, 422, "as seconds"),
    ("host", "/soundtrack/seek", {"entry": "CURRENT", "position": "'; DROP TABLE rooms; --"}, 422, "as seconds"),
    ("host", "/soundtrack/seek", {"entry": "LATER", "position": "10"}, 409, "changed since"),
    ("host", "/soundtrack/seek", {"position": "10"}, 409, "changed since"),
    ("host", "/soundtrack/skip", {"entry": "LATER"}, 409, "changed since"),
    ("host", "/soundtrack/mode", {"mode": "loud"}, 422, "follows the timer"),
    ("host", "/soundtrack/proposals", {"allow": "maybe"}, 422, "on or off"),
    # adding: nothing, two things, ids that name no track, playlist or liked songs of nobody
    ("host", "/soundtrack/queue", {}, 422, "one thing"),
    ("host", "/soundtrack/queue", {"track_id": "SPARE", "liked": "1"}, 422, "one thing"),
    ("host", "/soundtrack/queue", {"track_id": "not-a-uuid"}, 404, "no such track"),
    ("host", "/soundtrack/queue", {"track_id": ZERO}, 404, "no such track"),
    ("host", "/soundtrack/queue", {"track_id": "' OR 1=1 --"}, 404, "no such track"),
    ("host", "/soundtrack/queue", {"playlist_id": ZERO}, 404, "no such track"),
    ("host", "/soundtrack/queue", {"liked": "yes"}, 422, "liked=1"),
    ("host", "/soundtrack/queue", {"liked": "1"}, 422, "Sign in"),
    # another room's queue entry is as missing as an unknown one
    ("host", "/soundtrack/entries/FOREIGN/accept", {}, 404, "no such track"),
    ("host", "/soundtrack/entries/FOREIGN/reject", {}, 404, "no such track"),
    ("host", "/soundtrack/entries/FOREIGN/move", {"direction": "up"}, 404, "no such track"),
    ("host", "/soundtrack/entries/FOREIGN/delete", {}, 404, "no such track"),
    ("host", "/soundtrack/entries/" + ZERO + "/delete", {}, 404, "no such track"),
    # the queue's own rules
    ("host", "/soundtrack/entries/CURRENT/delete", {}, 409, "skip it instead"),
    ("host", "/soundtrack/entries/CURRENT/move", {"direction": "down"}, 409, "stays where it is"),
    ("host", "/soundtrack/entries/LATER/move", {"direction": "sideways"}, 422, "up or down"),
    ("host", "/soundtrack/entries/LATER/move", {"direction": "up"}, 409, "already the next"),
    ("host", "/soundtrack/entries/LATER/accept", {}, 409, "not a proposal"),
    # a guest acting as DJ or host, a visitor who never joined
    ("guest", "/soundtrack/play", {}, 403, "host or a DJ"),
    ("guest", "/soundtrack/pause", {}, 403, "host or a DJ"),
    ("guest", "/soundtrack/seek", {"entry": "CURRENT", "position": "10"}, 403, "host or a DJ"),
    ("guest", "/soundtrack/skip", {"entry": "CURRENT"}, 403, "host or a DJ"),
    ("guest", "/soundtrack/entries/PROPOSED/accept", {}, 403, "host or a DJ"),
    ("guest", "/soundtrack/entries/LATER/delete", {}, 403, "host or a DJ"),
    ("guest", "/soundtrack/entries/LATER/move", {"direction": "down"}, 403, "host or a DJ"),
    ("guest", "/soundtrack/mode", {"mode": "breaks"}, 403, "host or a DJ"),
    ("guest", "/soundtrack/proposals", {"allow": "off"}, 403, "Only the host"),
    ("visitor", "/soundtrack/queue", {"track_id": "SPARE"}, 403, "Join the room"),
    ("visitor", "/soundtrack/play", {}, 403, "Join the room"),
]


@pytest.mark.parametrize(("who", "where", "fields", "status", "says"), CASES,
                         ids=[f"{c[0]}-{c[1].split('/')[-1]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_refused_and_nothing_changes(scene, who, where, fields, status, says):
    where = "/".join(scene.fill({"p": part})["p"] for part in where.split("/"))
    doc = scene.who(who).refused(status, where, **scene.fill(fields))
    assert says.lower() in doc.by_id("room-error").clean_text().lower()
    assert scene.stored() == scene.baseline


def test_adding_to_another_rooms_queue_needs_a_seat_there(scene):
    # The guest of one room posts to the other room's queue with their own (valid) token.
    r = scene.guest.user.post_form(f"/r/{scene.other.code}/soundtrack/queue",
                                   [("csrf", scene.guest.token), ("track_id", scene.spare)])
    assert r.status_code == 403 and "Join the room" in r.text
    assert scene.stored() == scene.baseline


def test_a_foreign_next_never_leaves_the_site(scene):
    for evil in ("//evil.example/x", "/\\evil.example", "https://evil.example/", "/%2F%2Fevil.example"):
        r = scene.room.host.post("/soundtrack/queue", track_id=scene.spare, next=evil)
        assert r.status_code == 303 and r.headers["Location"] == f"/r/{scene.room.code}#soundtrack", evil
    # The four tracks went to the end of the queue (the host may add a track twice).
    assert scene.music.titles()[-4:] == ["Spare"] * 4
