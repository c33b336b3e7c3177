"""The personal timer (issue 13): one browser's /timer, read from its page and its row.

- TimerBrowser: a visitor (guest, or an account's browser) driving /timer with the page's own
  forms; `view()` reads what the page says, `row()` what PostgreSQL holds.
- Time: `ends_now()` moves the running segment's end to just now in the database (as if it had
  run its whole length), then the sweeper, with no page open, must move the timer on.
"""

from __future__ import annotations

import hashlib
import json
import re
import time

from pomopomo_testkit import Element, User, parse_html, redis_cli
from rooms_kit import wait_for

SWEEP_WITHIN = 4.0  # seconds the sweeper may take to move a timer whose segment ended


class TimerBrowser:
    def __init__(self, stack, user: User, user_id: str | None = None):
        self.stack = stack
        self.user = user
        self.user_id = user_id

    # --- the page
    def get(self, now: float | None = None, path: str = "/timer"):
        headers = {"X-Pomopomo-Test-Now": str(now)} if now else {}
        return self.user.get(path, headers=headers)

    def page(self, now: float | None = None, expect: int = 200, path: str = "/timer") -> Element:
        r = self.get(now, path)
        assert r.status_code == expect, f"GET /timer: {r.status_code}\n{r.text[:500]}"
        return parse_html(r.text)

    def view(self, now: float | None = None, doc: Element | None = None) -> dict:
        """What the page shows: version, status, phase, cycle words, today's count, end, error."""
        doc = doc if doc is not None else self.page(now)
        return read_view(doc)

    def control(self, action: str, version=None, now: float | None = None, **fields):
        """Submits a control form as the page drew it (its csrf and version unless given)."""
        doc = self.page()
        token = doc.find("input", name="csrf").get("value")
        if version is None:
            version = read_view(doc)["version"]
        body = {"csrf": token, **fields}
        if version is not ...:
            body["version"] = str(version)
        headers = {"X-Pomopomo-Test-Now": str(now)} if now else {}
        return self.user.post_form(f"/timer/{action}", body, headers=headers)

    def ok(self, action: str, **fields) -> dict:
        """A control that must be applied: 303 back to /timer?v=N (the version it made), shown."""
        r = self.control(action, **fields)
        location = r.headers.get("Location", "")
        assert r.status_code == 303 and re.fullmatch(r"/timer\?v=\d+", location), \
            f"POST /timer/{action}: {r.status_code} {location} {error_of(r.text)}"
        view = self.view(doc=self.page(path=location))
        assert view["version"] == int(location.split("=")[1]), "the page after a control is older than it"
        return view

    def poll(self, since, timeout: float = 8):
        return self.user.get("/timer/poll", params={"since": since}, timeout=timeout,
                             headers={"Accept": "application/json"})

    # --- the row
    def owner_sql(self) -> tuple[str, str]:
        if self.user_id:
            return "user_id = :'v1'", self.user_id
        return "session_hash = decode(:'v1', 'hex')", session_hash(self.user)

    def row(self) -> dict | None:
        where, value = self.owner_sql()
        out = self.stack.psql(f"select row_to_json(t) from personal_timers t where {where}", value)
        return json.loads(out) if out else None

    @property
    def id(self) -> str:
        row = self.row()
        assert row, "this browser has no timer row"
        return row["id"]

    def write(self, sets: str, *args: str, running: bool = False):
        """Changes the row the way every writer must: version bumped, then announced (responders
        keep timers in memory until a wake-up names a newer version)."""
        guard = " and status = 'running'" if running else ""
        version = self.stack.psql(f"update personal_timers set {sets}, version = version + 1 where id = :'v1'{guard}"
                                  " returning version", self.id, *args)
        assert version, "this change needs a running timer" if running else "no timer row"
        redis_cli(self.stack, "PUBLISH", "pomopomo:wake", f"ptimer:{self.id} {int(version.splitlines()[0])}")

    def set(self, **columns):
        """Changes configuration columns directly (the settings form is another part of the issue)."""
        sets = ", ".join(f"{name} = :'v{i + 2}'" for i, name in enumerate(columns))
        self.write(sets, *[str(v).lower() if isinstance(v, bool) else str(v) for v in columns.values()])

    def ends_now(self):
        """The running segment ran its whole length: its end moves to just now."""
        self.write("segment_ends_at = now() - interval '200 milliseconds'", running=True)

    def ran_for(self, seconds: int):
        """The running segment has run `seconds` (its end moves that much closer)."""
        self.write("segment_ends_at = now() + make_interval(secs => segment_seconds - :'v2'::int)", str(seconds),
                   running=True)

    def wait_row(self, predicate, what: str, timeout: float = SWEEP_WITHIN) -> dict:
        return wait_for(lambda: (lambda r: r if r and predicate(r) else None)(self.row()), timeout, what)

    def day_stats(self) -> list[dict]:
        out = self.stack.psql(
            "select coalesce(json_agg(row_to_json(s) order by date), '[]') from daily_session_stats s where timer_id = :'v1'",
            self.id)
        return json.loads(out)

    def credits(self) -> list[dict]:
        """This browser's focus credit from its timer (a guest's rows carry its session)."""
        where, value = ("user_id = :'v1'", self.user_id) if self.user_id else \
            ("user_id is null and session_hash = decode(:'v1', 'hex')", session_hash(self.user))
        out = self.stack.psql(
            "select coalesce(json_agg(json_build_object('source', source, 'seconds', seconds, 'completed', completed,"
            " 'day', local_day) order by ended_at), '[]') from focus_credits where " + where, value)
        return json.loads(out)


def session_hash(user: User) -> str:
    sid = user.sid
    assert sid, "this browser has no session yet"
    return hashlib.sha256(sid.encode()).hexdigest()


def read_view(doc: Element) -> dict:
    article = doc.by_id("ptimer")
    assert article is not None, "no #ptimer on the page"
    state = doc.by_id("ptimer-state")
    ends = doc.by_id("ptimer-ends")
    error = doc.by_id("ptimer-error")
    return {
        "version": int(article.get("data-version")),
        "polls": article.get("data-ptimer-poll"),
        "status": state.get("data-status"),
        "phase": state.get("data-phase"),
        "phase_text": doc.by_id("ptimer-phase").clean_text(),
        "cycle": doc.by_id("ptimer-cycle").clean_text(),
        "clock": doc.by_id("ptimer-clock").clean_text(),
        "count": int(doc.by_id("today-count").clean_text()),
        "ends": ends.get("datetime") if ends is not None else None,
        "error": error.clean_text() if error is not None else None,
        "buttons": [b.clean_text() for b in doc.by_id("ptimer-state").find_all("button")],
    }


def error_of(html: str) -> str | None:
    doc = parse_html(html)
    for element_id in ("ptimer-error", "error-message"):
        el = doc.by_id(element_id)
        if el is not None:
            return el.clean_text()
    return html[:300]


def now() -> float:
    return time.time()
