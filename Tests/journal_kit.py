"""The focus journal's flow (issue 15, seed 004 §4.4): one account's journal as its owner drives it
through the pages' own forms, and what PostgreSQL holds for it.

- Journal(stack, account): start, step (pause/resume/complete/end), choose (intent, category,
  activity), end a break, on /journal or beside a room (`from_`, `room`), with the account's own CSRF
  token and, when given, the test clock (`now`, unix seconds: X-Pomopomo-Test-Now).
- events(), open_session(), sessions(), …: the event log and the projections, as dicts.
- projections(stack, uid): the five projection tables of one owner, every column, row by row (as
  text lines), to compare live against rebuilt; stored(): the events and projections together, to
  compare before and after a request that must store nothing.
- rebuild(stack, uid=None): `pomopomo journal rebuild [--user ID]`.
"""

from __future__ import annotations

import json
import re

import requests

from accounts_kit import brief, user_id
from pomopomo_testkit import Element, parse_html, pomopomo_run

INTENTS = ["coding", "writing", "studying", "planning", "reading", "other"]
CATEGORIES = ["door", "work_call", "family", "notification", "lost_focus", "other"]
ACTIVITIES = ["tea_coffee", "phone", "walk", "food", "rest", "other"]
TABLES = ["journal_days", "journal_sessions", "journal_interruptions", "journal_breaks", "audio_assets"]


class Journal:
    def __init__(self, stack, account):
        self.stack = stack
        self.account = account
        self.user = account.user
        self.uid = user_id(stack, account.email)
        self.token = self.user.csrf("/journal")

    # --- requests
    def post(self, path: str, now: float | None = None, **fields) -> requests.Response:
        headers = {"X-Pomopomo-Test-Now": repr(float(now))} if now else None
        return self.user.post_form(path, {"csrf": self.token, **fields}, headers=headers)

    def start(self, intent: str, now: float | None = None, **fields) -> str:
        """Starts a session on the journal page (or beside a room: from_="room", room=CODE); returns its id."""
        r = self.start_response(intent, now, **fields)
        assert r.status_code == 303, f"starting {intent}: {brief(r)}"
        open_ = self.open_session()
        assert open_ and open_["intent_category"] == intent, f"no open {intent} session after starting: {open_}"
        return open_["id"]

    def start_response(self, intent: str, now: float | None = None, from_: str = "journal", **fields) -> requests.Response:
        return self.post("/journal/start", now, intent=intent, **{"from": from_}, **fields)

    def step(self, session: str, action: str, now: float | None = None, **fields) -> requests.Response:
        return self.post(f"/journal/sessions/{session}/{action}", now, **fields)

    def ok(self, session: str, action: str, now: float | None = None, **fields) -> str:
        """A step that must be taken: 303 back where the form was. Returns the Location."""
        r = self.step(session, action, now, **fields)
        assert r.status_code == 303, f"{action} {session}: {brief(r)}"
        return r.headers["Location"]

    def choose(self, kind: str, target: str, value: str, now: float | None = None, **fields) -> requests.Response:
        """kind: intent (a session), category (an interruption) or activity (a break)."""
        path = {"intent": f"/journal/sessions/{target}/intent", "category": f"/journal/interruptions/{target}/category",
                "activity": f"/journal/breaks/{target}/activity"}[kind]
        return self.post(path, now, **{kind: value}, **fields)

    def end_break(self, break_id: str, now: float | None = None, **fields) -> requests.Response:
        return self.post(f"/journal/breaks/{break_id}/end", now, **fields)

    def page(self, query: str = "", expect: int = 200) -> Element:
        return self.user.page("/journal" + query, expect=expect)

    # --- what PostgreSQL holds
    def rows(self, table: str, order: str = "1") -> list[dict]:
        out = self.stack.psql(
            f"select coalesce(json_agg(row_to_json(t) order by {order}), '[]') from {table} t where user_id = :'v1'", self.uid)
        return json.loads(out)

    def sessions(self) -> list[dict]:
        return self.rows("journal_sessions", "started_at, id")

    def interruptions(self) -> list[dict]:
        return self.rows("journal_interruptions", "occurred_at, id")

    def breaks(self) -> list[dict]:
        return self.rows("journal_breaks", "started_at, id")

    def days(self) -> list[dict]:
        return self.rows("journal_days", "day")

    def session(self, sid: str) -> dict:
        found = [s for s in self.sessions() if s["id"] == sid]
        assert found, f"no session {sid}"
        return found[0]

    def open_session(self) -> dict | None:
        found = [s for s in self.sessions() if s["status"] in ("running", "interrupted")]
        return found[0] if found else None

    def events(self) -> list[tuple[str, dict]]:
        out = self.stack.psql(
            "select coalesce(json_agg(json_build_array(kind, payload) order by id), '[]') from journal_events"
            " where user_id = :'v1'", self.uid)
        return [(k, p) for k, p in json.loads(out)]

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events()]

    def stored(self) -> str:
        return stored(self.stack, self.uid)


def timer_at(timer, action: str, now: float, **fields) -> requests.Response:
    """A /timer control at test-clock instant `now`, from the page as drawn at that instant (a page
    read on the wall clock would carry a version the test clock's day change makes stale)."""
    doc = timer.page(now)
    body = {"csrf": doc.find("input", name="csrf").get("value"), "version": doc.by_id("ptimer").get("data-version"), **fields}
    r = timer.user.post_form(f"/timer/{action}", body, headers={"X-Pomopomo-Test-Now": repr(float(now))})
    assert r.status_code == 303, f"POST /timer/{action} at {now}: {brief(r)}"
    return r


def projections(stack, uid: str) -> dict[str, list[str]]:
    """The five projections of one owner: each table's rows (every column, as JSON text) in id order,
    read in one statement."""
    parts = ", ".join(
        f"'{table}', (select coalesce(json_agg(row_to_json(t)::text order by t.id), '[]') from {table} t where user_id = :'v1')"
        for table in TABLES)
    return json.loads(stack.psql(f"select json_build_object({parts})", uid))


def stored(stack, uid: str) -> str:
    """Everything one owner's journal holds (events and projections), to compare before and after."""
    parts = ", ".join(
        f"'{table}', (select coalesce(json_agg(row_to_json(t)::text order by t.id), '[]') from {table} t where user_id = :'v1')"
        for table in TABLES)
    return stack.psql(f"select json_build_object('events', (select count(*) || ':' || coalesce(max(id), 0) from journal_events"
                      f" where user_id = :'v1'), {parts})::text", uid)


def rebuild(stack, uid: str | None = None) -> dict:
    """Runs the rebuild; returns its summary line (users=, events=, elapsed_ms=)."""
    args = ["journal", "rebuild"] + (["--user", uid] if uid else [])
    out = pomopomo_run(stack, *args)
    line = out.stdout.strip().splitlines()[-1]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def chips(doc: Element, form: Element | None = None, name: str | None = None) -> list[tuple[str, bool]]:
    """The chips (radio buttons) in `form` (or the page): (value, checked), named `name` if given."""
    root = form if form is not None else doc
    return [(i.get("value"), i.get("checked") is not None) for i in root.find_all("input", type="radio")
            if name is None or i.get("name") == name]


def form_posting(doc: Element, action: str) -> Element | None:
    for form in doc.find_all("form"):
        if form.get("action") == action:
            return form
    return None


def alert(r) -> str | None:
    doc = parse_html(r.text)
    el = doc.find(role="alert")
    return el.clean_text() if el is not None else None
