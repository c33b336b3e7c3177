"""Bad input for the account forms (QUALITY.md, "Bad input"; Tests/http/test_http_account_bad_input_*.py).

- assert_refused: a clear 4xx with a role="alert" message that keeps what was typed (never a
  password) and leaks no internals.
- snapshot: what a refused request must not change (the account's row, its public page, the count
  of accounts); Shared: accounts reused by tests whose requests must all be refused.
- form_post, raw_post: a page's form posted with its own CSRF token, as pairs or as raw bytes."""

import html
import json
import re
from urllib.parse import quote

from accounts_kit import brief, page_csrf, register, signed_in, user_row, users_count
from pomopomo_testkit import User, parse_html

LEAK_MARKERS = ("sqlstate", "syntax error", "postgres", "pq:", "libpq", "fatal error", "swift/", ".swift:",
                "$argon2")


MULTILINE = {"bio", "links"}


COMMON_LONG = "winniethepooh"  # the only entry of /usr/share/john/password.lst with 12+ characters


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def typed_value(doc, name: str) -> str | None:
    """What the form shows in the field `name` (input value or textarea text)."""
    for el in doc.iter():
        if el.get("name") != name:
            continue
        if el.tag == "textarea":
            text = el.text()
            return text[1:] if text.startswith("\n") else text  # a leading newline in a textarea is dropped
        if el.tag == "input":
            return el.get("value") or ""
    return None


def assert_refused(r, statuses: set, what: str, kept: dict | None = None, never: tuple = ()):
    assert r.status_code < 500, f"{what}: server error {brief(r)}"
    assert r.status_code in statuses, f"{what}: expected {sorted(statuses)}, got {brief(r)}"
    lowered = r.text.lower()
    for marker in LEAK_MARKERS:
        assert marker not in lowered, f"{what}: the answer leaks {marker!r}"
    for secret in never:
        if secret:
            assert secret not in r.text and html.escape(secret) not in r.text, f"{what}: the password came back"
    doc = parse_html(r.text)
    alert = doc.find(role="alert")
    assert alert is not None and alert.clean_text(), f"{what}: {r.status_code} without a role=alert message"
    if r.status_code == 422:
        for name, value in (kept or {}).items():
            shown = typed_value(doc, name)
            assert shown is not None, f"{what}: the refused form has no {name} field to fix"
            if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value) or name not in MULTILINE and re.search(r"[\r\n]", value):
                continue  # not representable in the field as typed
            assert shown.replace("\r\n", "\n").strip() == value.replace("\r\n", "\n").strip(), \
                f"{what}: {name} shows {shown!r}, typed {value!r}"
    return doc


class Shared:
    """Accounts shared by tests whose requests must all be refused. A test that changed one (a bug
    it reports) leaves it changed; the next test then gets a fresh one."""

    def __init__(self):
        self.accounts = {}

    def get(self, stack, mailbox, key: str):
        entry = self.accounts.get(key)
        if entry is not None:
            acct, row = entry
            if user_row(stack, acct.email) == row and signed_in(acct.user):
                return acct
        acct = register(stack.base_url, mailbox, key)
        self.accounts[key] = (acct, user_row(stack, acct.email))
        return acct

    def settle(self, stack, key: str):
        acct, _ = self.accounts[key]
        self.accounts[key] = (acct, user_row(stack, acct.email))


def public_view(stack, username: str) -> str:
    """What a stranger sees of the profile (h1, bio, links, avatar)."""
    viewer = User(stack.base_url)
    try:
        r = viewer.get(f"/u/{username}")
        if r.status_code != 200:
            return f"{r.status_code}"
        prof = parse_html(r.text).by_id("profile")
        return json.dumps([prof.find("h1").clean_text() if prof.find("h1") else None,
                           prof.find("div", cls="bio").clean_text() if prof.find("div", cls="bio") else None,
                           [a.get("href") for a in prof.find_all("a")],
                           [(i.get("src") or "").split("?")[0] for i in prof.find_all("img")]])
    finally:
        viewer.http.close()


def snapshot(stack, acct) -> dict:
    row = user_row(stack, acct.email)
    return {"row": row, "public": public_view(stack, row["username"] if row else acct.username),
            "users": users_count(stack)}


def form_post(user: User, page: str, action: str, pairs: list):
    token = page_csrf(user, page, action)
    return user.post_form(action, [("csrf", token)] + list(pairs))


def raw_post(user: User, page: str, action: str, body: bytes, csrf: bool = True):
    token = page_csrf(user, page, action)
    prefix = f"csrf={quote(token, safe='')}&".encode() if csrf else b""
    return user.post_form(action, prefix + body)
