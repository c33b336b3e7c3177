"""Helpers for the personal timer's JSON API, its settings forms and API tokens (issue 13).

- Caller: one way in to the API — a browser (its cookie and the page's CSRF token in
  X-CSRF-Token) or a script (a personal API token) — with get/put returning requests' Response.
- guest_caller / account_caller / token_caller: the three kinds of caller.
- create_token: makes a token on /settings/api the way a person does, and reads it off the page.
- timer_of / stored / events / daily_stats: what PostgreSQL holds for a caller's timer, so a test
  can say "nothing stored changed".
- at(): the X-Pomopomo-Test-Now header for an instant (debug builds act at that time).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

from pomopomo_testkit import REQUEST_TIMEOUT, User, parse_html


def at(when: str | datetime) -> dict:
    """The test clock header for an ISO instant with its offset ("2026-03-08T06:59:00+00:00")."""
    instant = datetime.fromisoformat(when) if isinstance(when, str) else when
    assert instant.tzinfo is not None, "give the instant with its UTC offset"
    return {"X-Pomopomo-Test-Now": str(int(instant.timestamp()))}


class Caller:
    """A browser (cookie + CSRF header) or a script (Bearer token) using the API."""

    def __init__(self, user: User, token: str | None = None, csrf: str | None = None):
        self.user = user
        self.token = token
        self.csrf = csrf

    def headers(self, extra: dict | None = None) -> dict:
        h = {"Accept": "application/json"}
        if self.token is not None:
            h["Authorization"] = f"Bearer {self.token}"
        if self.csrf is not None:
            h["X-CSRF-Token"] = self.csrf
        h.update(extra or {})
        return h

    def get(self, path: str = "/api/timer", headers: dict | None = None):
        return self.user.request("GET", path, headers=self.headers(headers), timeout=REQUEST_TIMEOUT)

    def put(self, path: str, body=None, headers: dict | None = None, raw: bytes | None = None,
            content_type: str = "application/json"):
        data = raw if raw is not None else json.dumps(body).encode()
        h = {"Content-Type": content_type}
        h.update(headers or {})
        return self.user.request("PUT", path, data=data, headers=self.headers(h), timeout=REQUEST_TIMEOUT)

    def timer(self, headers: dict | None = None) -> dict:
        r = self.get(headers=headers)
        assert r.status_code == 200, f"GET /api/timer: {r.status_code} {r.text[:300]}"
        return r.json()


def page_csrf(user: User) -> str:
    """The session's CSRF token as our pages carry it (any form's csrf field)."""
    return user.csrf("/")


def guest_caller(user: User) -> Caller:
    return Caller(user, csrf=page_csrf(user))


def account_caller(account) -> Caller:
    return Caller(account.user, csrf=page_csrf(account.user))


def error_of(r) -> dict:
    """The JSON error body's "error" object, checking the shape every API error has."""
    assert r.headers.get("Content-Type", "").startswith("application/json"), \
        f"{r.status_code}: not JSON ({r.headers.get('Content-Type')}): {r.text[:200]}"
    body = r.json()
    assert isinstance(body.get("error"), dict), f"{r.status_code}: no error object: {body}"
    assert body["error"].get("code") and body["error"].get("message"), f"error without code or message: {body}"
    return body["error"]


def create_token(user: User, name: str = "script") -> str:
    """Creates a token on /settings/api and returns it as the page shows it (once)."""
    doc = user.page("/settings/api")
    form = doc.find("form", id="api-token-form")
    assert form is not None, "no token form on /settings/api"
    csrf = form.find("input", name="csrf").get("value")
    r = user.post_form("/settings/api", {"csrf": csrf, "name": name})
    assert r.status_code == 200, f"creating a token: {r.status_code} {r.text[:300]}"
    shown = parse_html(r.text).by_id("new-token")
    assert shown is not None, "the new token is not shown"
    token = shown.clean_text()
    assert re.fullmatch(r"pp_[A-Za-z0-9_-]{43}", token), f"unexpected token text {token!r}"
    return token


def token_caller(account, name: str = "script") -> Caller:
    """A script: its own cookie-less session, only the token."""
    token = create_token(account.user, name)
    return Caller(User(account.user.base_url), token=token)


# ----------------------------------------------------------------------------------------- stored

def owner_clause(user: User, stack) -> tuple[str, str]:
    """SQL picking the timer of `user`'s browser: the account's if signed in, else the guest session's."""
    sid = user.sid
    assert sid, "this browser has no session"
    uid = stack.psql("select user_id from sessions where id_hash = decode(:'v1', 'hex')",
                     hashlib.sha256(sid.encode()).hexdigest())
    if uid:
        return "t.user_id = :'v1'", uid
    return "t.session_hash = decode(:'v1', 'hex')", hashlib.sha256(sid.encode()).hexdigest()


def timer_id_of(stack, user: User) -> str | None:
    clause, value = owner_clause(user, stack)
    return stack.psql(f"select t.id from personal_timers t where {clause}", value) or None


def stored(stack, timer_id: str | None) -> dict:
    """Everything a refused request must leave alone: the timer row (its configuration, count,
    version, zone), its reset events, its daily stats and its scheduled task."""
    if timer_id is None:
        return {}
    out = stack.psql(
        "select json_build_object("
        " 'timer', (select row_to_json(x) from (select t.*, u.timezone as user_timezone from personal_timers t"
        "           left join users u on u.id = t.user_id where t.id = :'v1') x),"
        " 'events', (select count(*) from session_reset_events where timer_id = :'v1'),"
        " 'stats', (select coalesce(json_agg(s order by date), '[]') from daily_session_stats s where timer_id = :'v1'),"
        " 'task', (select row_to_json(k) from (select next_execution_at, timezone, cron_expression from scheduled_tasks"
        "          where timer_id = :'v1' and is_active) k))", timer_id)
    data = json.loads(out)
    data["timer"].pop("updated_at", None)
    data["timer"].pop("last_activity_at", None)
    return data


def events(stack, timer_id: str) -> list[dict]:
    out = stack.psql("select coalesce(json_agg(e order by id), '[]') from session_reset_events e where timer_id = :'v1'",
                     timer_id)
    return json.loads(out)


def daily_stats(stack, timer_id: str, date: str) -> dict | None:
    out = stack.psql("select row_to_json(s) from daily_session_stats s where timer_id = :'v1' and date = :'v2'::date",
                     timer_id, date)
    return json.loads(out) if out else None


def task_of(stack, timer_id: str) -> dict | None:
    out = stack.psql("select json_build_object('next', extract(epoch from next_execution_at)::bigint, 'zone', timezone,"
                     " 'cron', cron_expression) from scheduled_tasks where timer_id = :'v1' and is_active", timer_id)
    return json.loads(out) if out else None


def epoch(when: str) -> int:
    return int(datetime.fromisoformat(when).timestamp())


def utc(when: str) -> datetime:
    return datetime.fromisoformat(when).astimezone(UTC)
