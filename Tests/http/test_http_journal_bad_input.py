"""The journal flow's bad input (issue 15, ../shared/QUALITY.md): an unknown category, intent or
activity, steps out of order (pausing a completed session, completing twice, resuming a running
one, starting while one is open, ending a break twice), another person's ids (admins included),
malformed ids, duplicate fields, missing or foreign CSRF tokens, wrong methods, guests, a room the
person has no seat in, and bad days in the list's query. Each gets a clear page with its status
and stores nothing, for the person or anyone else."""

import json

import pytest

from accounts_kit import brief, make_admin, register
from journal_kit import TABLES, Journal, alert, chips
from pomopomo_testkit import User, redis_cli
from rooms_kit import new_room
from timer_kit import TimerBrowser

UPPER = "6F9619FF-8B86-D011-B42D-00C04FC964FF"
MALFORMED = ["abc", UPPER, UPPER.lower().replace("-", ""), "..%2F..%2Fetc%2Fpasswd", "1%20OR%201=1", "%00",
             "x" * 300, "6f9619ff-8b86-d011-b42d-00c04fc964f"]


class Scene:
    """`me` with a completed session (its pause and ended break), one ended early and one running on
    the journal page; `other`, an admin, with a completed session of their own."""

    def __init__(self, stack, mailbox):
        self.stack = stack
        self.me = Journal(stack, register(stack.base_url, mailbox, "jbad"))
        self.other = Journal(stack, register(stack.base_url, mailbox, "jadmin"))
        make_admin(stack, self.other.user, self.other.account.email)
        assert self.other.user.get("/admin").status_code == 200, "the other person is an admin"
        self.done = self.finished(self.me)
        self.done_pause = self.me.interruptions()[0]["id"]
        self.done_break = self.me.breaks()[0]["id"]
        self.gone = self.me.start("writing")
        self.me.ok(self.gone, "end")
        self.open = self.me.start("planning")
        self.theirs = self.finished(self.other)
        self.their_pause = self.other.interruptions()[0]["id"]
        self.their_break = self.other.breaks()[0]["id"]

    @staticmethod
    def finished(j: Journal) -> str:
        sid = j.start("coding")
        j.ok(sid, "pause", category="door")
        j.ok(sid, "resume")
        j.ok(sid, "complete")
        brk = j.breaks()[0]["id"]
        assert j.choose("activity", brk, "rest").status_code == 303
        assert j.end_break(brk).status_code == 303
        return sid

    def stored(self) -> str:
        parts = ", ".join(
            f"'{table}', (select coalesce(json_agg(row_to_json(t)::text order by t.id), '[]') from {table} t"
            " where user_id in (:'v1', :'v2'))" for table in TABLES)
        return self.stack.psql(
            f"select json_build_object('events', (select count(*) from journal_events where user_id in (:'v1', :'v2')), {parts})",
            self.me.uid, self.other.uid)


@pytest.fixture(scope="module")
def scene(stack, mailbox):
    s = Scene(stack, mailbox)
    yield s
    s.me.user.http.close()
    s.other.user.http.close()


def refused(r, status: int | tuple, words: str | None = None):
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status_code in statuses, f"expected {status}: {brief(r)}"
    message = alert(r) or r.text
    assert words is None or words in message, f"{words!r} not in {message!r}"


# (who, path template, fields, status, words in the page). {open}, {done}, … are the scene's ids.
CASES = [
    ("unknown intent", "me", "/journal/start", {"intent": "cooking"}, 422, "Choose what the session is for"),
    ("no intent", "me", "/journal/start", {}, 422, "Choose what the session is for"),
    ("SQL in the intent", "me", "/journal/start", {"intent": "coding'; drop table journal_events; --"}, 422, None),
    ("a start while a session is open", "me", "/journal/start", {"intent": "coding"}, 409, "already have a session open"),
    ("unknown category", "me", "/journal/sessions/{open}/pause", {"category": "kitchen"}, 422, "what interrupted you"),
    ("markup as a category", "me", "/journal/sessions/{open}/pause", {"category": "<script>alert(1)</script>"}, 422, None),
    ("a huge category", "me", "/journal/sessions/{open}/pause", {"category": "door" * 3000}, 422, None),
    ("pausing a completed session", "me", "/journal/sessions/{done}/pause", {"category": "door"}, 409, "completed"),
    ("completing twice", "me", "/journal/sessions/{done}/complete", {}, 409, "already completed"),
    ("resuming a completed session", "me", "/journal/sessions/{done}/resume", {}, 409, "completed"),
    ("ending a session that ended", "me", "/journal/sessions/{gone}/end", {}, 409, "already ended"),
    ("completing one that ended early", "me", "/journal/sessions/{gone}/complete", {}, 409, "has ended"),
    ("resuming a running session", "me", "/journal/sessions/{open}/resume", {}, 409, "not paused"),
    ("ending a break twice", "me", "/journal/breaks/{done_break}/end", {}, 409, "already ended"),
    ("unknown activity", "me", "/journal/breaks/{done_break}/activity", {"activity": "nap"}, 422, "break is for"),
    ("no activity", "me", "/journal/breaks/{done_break}/activity", {}, 422, "break is for"),
    ("unknown intent chosen again", "me", "/journal/sessions/{done}/intent", {"intent": "gaming"}, 422, None),
    ("no category chosen again", "me", "/journal/interruptions/{done_pause}/category", {"category": ""}, 422, None),
    ("pausing someone else's session", "me", "/journal/sessions/{theirs}/pause", {"category": "door"}, 404, "no such entry"),
    ("completing someone else's", "me", "/journal/sessions/{theirs}/complete", {}, 404, "no such entry"),
    ("their intent", "me", "/journal/sessions/{theirs}/intent", {"intent": "coding"}, 404, "no such entry"),
    ("their interruption", "me", "/journal/interruptions/{their_pause}/category", {"category": "family"}, 404, None),
    ("their break's activity", "me", "/journal/breaks/{their_break}/activity", {"activity": "walk"}, 404, None),
    ("their break's end", "me", "/journal/breaks/{their_break}/end", {}, 404, None),
    ("an admin pausing my session", "other", "/journal/sessions/{open}/pause", {"category": "door"}, 404, "no such entry"),
    ("an admin ending my session", "other", "/journal/sessions/{open}/end", {}, 404, None),
    ("an admin on my interruption", "other", "/journal/interruptions/{done_pause}/category", {"category": "other"}, 404, None),
    ("a room I have no seat in", "me", "/journal/start", {"intent": "coding", "from": "room", "room": "{room}"}, 404, None),
    ("a room code that is not one", "me", "/journal/start", {"intent": "coding", "from": "room", "room": "<b>x"}, 404, None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_refused_step_stores_nothing(stack, scene, case):
    _, who, path, fields, status, words = case
    ids = {"open": scene.open, "done": scene.done, "gone": scene.gone, "theirs": scene.theirs, "done_pause": scene.done_pause,
           "done_break": scene.done_break, "their_pause": scene.their_pause, "their_break": scene.their_break,
           "room": getattr(scene, "room", "")}
    if "{room}" in json.dumps(fields):
        scene.room = ids["room"] = ids["room"] or new_room(stack, User(stack.base_url), "Otto").code
    journal = scene.me if who == "me" else scene.other
    before = scene.stored()
    r = journal.post(path.format(**ids), **{k: v.format(**ids) for k, v in fields.items()})
    refused(r, status, words)
    assert scene.stored() == before, "a refused request stored something"


def test_malformed_ids_are_refused_like_missing_ones(scene):
    """Ids that are not ids never reach SQL: "no such entry" (404), or 400 for a path the router
    cannot even read."""
    before = scene.stored()
    for bad in MALFORMED:
        for kind, action, fields in (("sessions", "pause", {"category": "door"}),
                                     ("interruptions", "category", {"category": "door"}), ("breaks", "end", {})):
            r = scene.me.post(f"/journal/{kind}/{bad}/{action}", **fields)
            assert r.status_code in (400, 404), f"{kind}/{bad[:20]}/{action}: {brief(r)}"
            assert r.status_code == 400 or alert(r), "a page that says what was wrong"
    assert scene.stored() == before


def test_forms_without_their_token_twice_sent_fields_wrong_methods_and_guests(stack, scene):
    before = scene.stored()
    me = scene.me
    path = f"/journal/sessions/{scene.open}/pause"
    assert me.user.post_form(path, {"category": "door"}).status_code == 403, "no CSRF token"
    assert me.user.post_form(path, {"csrf": scene.other.token, "category": "door"}).status_code == 403, "someone else's token"
    r = me.user.post_form(path, [("csrf", me.token), ("category", "door"), ("category", "family")])
    assert r.status_code == 400, f"a field sent twice: {brief(r)}"
    assert me.user.get(path).status_code == 405
    assert me.user.request("DELETE", f"/journal/sessions/{scene.open}").status_code in (404, 405)
    guest = User(stack.base_url)
    token = guest.csrf("/")
    assert guest.post_form("/journal/start", {"csrf": token, "intent": "coding"}).status_code == 403
    assert guest.post_form(path, {"csrf": token, "category": "door"}).status_code == 403
    assert scene.stored() == before


def test_a_flood_of_steps_is_refused_with_429_per_account(stack, scene):
    """Past the limit (600 in 10 minutes, counted per address and per account, so a fresh cookie or
    another address does not reset it) a step is refused before it is read."""
    key = f"throttle:journal-writes:user:{scene.me.uid}"
    redis_cli(stack, "SET", key, "600", "EX", "600")
    before = scene.stored()
    r = scene.me.step(scene.open, "pause", category="door")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
    assert scene.stored() == before
    redis_cli(stack, "DEL", key)
    assert scene.me.step(scene.open, "resume").status_code == 409, "counted again from zero: the step is read"


def test_someone_elses_session_page_is_404_like_a_missing_one(scene):
    for path in (f"/journal/sessions/{scene.theirs}", "/journal/sessions/6f9619ff-8b86-4011-b42d-00c04fc964ff",
                 f"/journal/sessions/{UPPER}", "/journal/sessions/abc"):
        r = scene.me.user.get(path)
        assert r.status_code == 404 and "no such entry" in (alert(r) or r.text), f"{path}: {brief(r)}"
    assert scene.other.user.get(f"/journal/sessions/{scene.done}").status_code == 404, "an admin too"
    assert scene.me.user.get(f"/journal/sessions/{scene.done}").status_code == 200


@pytest.mark.parametrize("query", ["?before=2026-13-45", "?before=yesterday", "?after=0000-01-01", "?before=2026-1-2",
                                   "?before=2026-01-02&after=2026-01-01", "?before=2026-01-02&before=2026-01-03",
                                   "?before=%00", "?before=2026-01-02%27%20or%201=1"])
def test_bad_days_in_the_list_query_are_refused_with_a_page(scene, query):
    r = scene.me.user.get("/journal" + query)
    # A NUL is refused as unreadable before the journal sees it; any other bad day is the journal's 422.
    assert r.status_code == (400 if "%00" in query else 422), f"{query}: {brief(r)}"
    assert alert(r), "the page says what was wrong"


def test_the_timer_refuses_unknown_chips_and_a_timer_session_is_moved_by_the_timer_alone(stack, mailbox):
    j = Journal(stack, register(stack.base_url, mailbox, "jtimerbad"))
    timer = TimerBrowser(stack, j.user, j.uid)
    timer.page()
    before = j.stored()
    r = j.start_response("coding", from_="timer")
    assert r.status_code == 409 and "Only a focus running" in (alert(r) or ""), f"nothing to add yet: {brief(r)}"
    assert j.stored() == before
    r = timer.control("start", intent="napping")
    assert r.status_code == 422 and "Choose what the session is for" in (alert(r) or ""), brief(r)
    assert (timer.row() or {}).get("status", "idle") == "idle" and j.stored() == before, "nothing started"

    timer.ok("start", intent="coding")
    sid = j.open_session()["id"]
    before = j.stored()
    r = timer.control("pause", category="kitchen")
    assert r.status_code == 422, brief(r)
    assert timer.row()["status"] == "running" and j.stored() == before, "the timer did not pause either"
    for action in ("pause", "resume", "complete", "end"):
        r = j.step(sid, action, category="door")
        assert r.status_code == 409, f"{action} by hand of a session on the timer: {brief(r)}"
    assert j.stored() == before
    other_page = j.start_response("reading")
    assert other_page.status_code == 409 and "on your timer" in (alert(other_page) or ""), brief(other_page)
    timer.ok("stop")

    # The other way round: a session open on the journal page keeps a Start with an intent from
    # starting the timer (its form offers no chips then; a crafted one is refused, nothing moves).
    here = j.start("reading")
    assert chips(timer.page(), name="intent") == [], "no intent chips while a session is open elsewhere"
    before = j.stored()
    r = timer.control("start", intent="coding")
    assert r.status_code == 409 and "on your journal page" in (alert(r) or ""), brief(r)
    assert timer.row()["status"] == "idle" and j.stored() == before
    j.ok(here, "end")
