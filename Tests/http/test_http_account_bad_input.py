"""Bad input (QUALITY.md) for the account forms (issue 4, docs-accounts-spec.md): sign-up, sign-in,
profile, preferences, password change, avatar upload and the mailed links, table-driven.

Every refusal must be a clear 4xx (never a 500, never internals), a page with an element
role="alert", the typed values kept in the form (never a password), and nothing stored changed:
each case compares the account's row in PostgreSQL (and what its public page shows) before and
after. Text that is accepted (stored XSS, template syntax) must come back inert: the tests look at
the parsed DOM of /u/{username}, /me and /settings/profile for script elements, on* attributes and
javascript:/data: URLs that came from the user."""

import html
import json
import os
import re
import secrets
import struct
import zlib
from urllib.parse import quote, urlsplit

import pytest

from accounts_kit import (STRONG_PASSWORD, brief, users_count, form_by_action, form_fields, page_csrf, register, sign_in, sign_up,
                          signed_in_username, unique_email, unique_username, verify_from_mail)
from pomopomo_testkit import User, parse_html

LEAK_MARKERS = ("sqlstate", "syntax error", "postgres", "pq:", "libpq", "fatal error", "swift/", ".swift:",
                "$argon2")
MULTILINE = {"bio", "links"}
COMMON_LONG = "winniethepooh"  # the only entry of /usr/share/john/password.lst with 12+ characters


# ------------------------------------------------------------------------------------------- fixtures and helpers

def user_row(stack, email: str) -> dict | None:
    out = stack.psql("select row_to_json(u) from users u where lower(u.email) = lower(:'v1')", email)
    return json.loads(out) if out else None


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


def signed_in(user: User) -> bool:
    r = user.get("/me")
    if r.status_code == 303:
        return False
    assert r.status_code == 200, f"/me: {brief(r)}"
    return True


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


SHARED = Shared()


@pytest.fixture
def me(stack, mailbox):
    """A signed-in account whose refused requests must leave it as it is."""
    return SHARED.get(stack, mailbox, "me")


@pytest.fixture
def other(stack, mailbox):
    """Another account: its username is taken."""
    return SHARED.get(stack, mailbox, "other")


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


# ------------------------------------------------------------------------------------------- sign-up

RESERVED = ["admin", "ADMIN", "Root", "me", "settings", "login", "signup", "logout", "auth", "api", "rooms", "stats",
            "static", "help", "support", "pomopomo", "system", "moderator", "null", "Admin"]

USERNAME_CASES = [
    ("taken, same case", lambda o: o.username),
    ("taken, upper case", lambda o: o.username.upper()),
    ("taken, swapped case", lambda o: o.username.swapcase()),
    ("taken, fullwidth letters", lambda o: fullwidth(o.username)),
    ("Cyrillic a", lambda o: "\u0430lice" + secrets.token_hex(3)),
    ("Cyrillic look-alike of a taken name", lambda o: o.username.replace("o", "\u043e", 1) if "o" in o.username
     else "\u0430" + o.username[1:]),
    ("zero-width space", lambda o: "ali\u200bce" + secrets.token_hex(3)),
    ("zero-width joiner", lambda o: "ali\u200dce" + secrets.token_hex(3)),
    ("right-to-left override", lambda o: "\u202eecila" + secrets.token_hex(3)),
    ("left-to-right isolate", lambda o: "\u2066alice" + secrets.token_hex(3)),
    ("byte order mark", lambda o: "\ufeffalice" + secrets.token_hex(3)),
    ("soft hyphen", lambda o: "ali\u00adce" + secrets.token_hex(3)),
    ("too short", lambda o: "ab"),
    ("31 characters", lambda o: "a" * 31),
    ("leading underscore", lambda o: "_abc" + secrets.token_hex(3)),
    ("leading hyphen", lambda o: "-abc" + secrets.token_hex(3)),
    ("space inside", lambda o: "ab cd" + secrets.token_hex(3)),
    ("empty", lambda o: ""),
    ("SQL", lambda o: "a'; drop table users;--"),
    ("HTML", lambda o: "<b>x</b>"),
    ("path", lambda o: "../etc"),
    ("slash", lambda o: "ab/cd"),
] + [(f"reserved {name}", (lambda n: lambda o: n)(name)) for name in RESERVED]

EMAIL_CASES = [
    ("255 characters", "a" * 64 + "@" + "b" * 185 + ".test"),
    ("1000 characters", "a" * 64 + "@" + "b" * 930 + ".test"),
    ("no @", "no-at.example.test"),
    ("two @", "a@b@example.test"),
    ("space", "a b@example.test"),
    ("control character", "a\x01b@example.test"),
    ("empty", ""),
    ("header injection", "victim@example.test\r\nBcc: all@evil.test"),
    ("newline", "victim@example.test\nx"),
    ("tab", "a\tb@example.test"),
]

PASSWORD_CASES = [
    ("11 characters", "abcdefghijk"),
    ("129 characters", "p" * 129),
    ("empty", ""),
    ("too common", COMMON_LONG),
    ("too common, other case", "WinnieThePooh"),
    ("too common, upper case", COMMON_LONG.upper()),
    ("11 emoji (44 bytes)", "\U0001F600" * 11),
]


def signup_case(stack, new_user, other, email, username, password, statuses=frozenset({422}), what=""):
    count = users_count(stack)
    user = new_user()
    r = sign_up(user, email, username, password)
    assert_refused(r, set(statuses), what, kept={"email": email, "username": username} if "\x00" not in email + username
                   else None, never=(password,) if len(password) >= 4 and password not in email + username else ())
    doc = parse_html(r.text)
    pw = doc.find("input", name="password")
    assert pw is None or not pw.get("value"), f"{what}: the password field is filled in again"
    assert users_count(stack) == count, f"{what}: a user was stored"
    assert int(stack.psql("select count(*) from mail_requests where lower(email) = lower(:'v1')", email)) == 0, \
        f"{what}: a mail was queued"
    return r


@pytest.mark.parametrize("case", USERNAME_CASES, ids=[c[0] for c in USERNAME_CASES])
def test_sign_up_refuses_bad_usernames(stack, new_user, other, case):
    what, make = case
    username = make(other)
    signup_case(stack, new_user, other, unique_email("badname"), username, STRONG_PASSWORD, what=f"username {what}")


@pytest.mark.parametrize("case", EMAIL_CASES, ids=[c[0] for c in EMAIL_CASES])
def test_sign_up_refuses_bad_emails(stack, new_user, other, case):
    what, email = case
    signup_case(stack, new_user, other, email, unique_username("bademail"), STRONG_PASSWORD, what=f"email {what}")


@pytest.mark.parametrize("case", PASSWORD_CASES, ids=[c[0] for c in PASSWORD_CASES])
def test_sign_up_refuses_bad_passwords(stack, new_user, other, case):
    what, password = case
    r = signup_case(stack, new_user, other, unique_email("badpw"), unique_username("badpw"), password,
                    what=f"password {what}")
    if what.startswith("too common"):
        assert "too common" in parse_html(r.text).find(role="alert").clean_text().lower()


@pytest.mark.parametrize("password", ["Tr0ub4dor&3x", ("Lorem ipsum dolor sit amet 0123456789 " * 4)[:128],
                                      "".join(chr(0x1F600 + i) for i in range(12)), "pass phrase with spaces",
                                      "7391 4820 6159 3827 4610"],
                         ids=["12 characters", "128 characters", "12 different emoji", "spaces",
                              "20 random digits"])
def test_sign_up_accepts_passwords_at_the_limits(stack, new_user, mailbox, password):
    user = new_user()
    address = unique_email("pwok")
    r = sign_up(user, address, unique_username("pwok"), password)
    assert r.status_code == 200 and parse_html(r.text).by_id("check-email") is not None, brief(r)
    assert verify_from_mail(user, mailbox, address).status_code == 303
    stack.clear_throttle()
    assert sign_in(new_user(), address, password).status_code == 303, "the accepted password does not sign in"


def signup_body(token_pairs: list, email: str, username: str, extra: bytes = b"") -> bytes:
    return b"&".join([f"{k}={quote(v, safe='')}".encode() for k, v in token_pairs] +
                     [f"email={quote(email, safe='')}".encode(), f"username={quote(username, safe='')}".encode(),
                      f"password={quote(STRONG_PASSWORD, safe='')}".encode()]) + extra


RAW_SIGNUP = [
    ("invalid UTF-8 in username", lambda e, n: f"email={quote(e)}&username=ab%FF%FEcd&password=x".encode(), {400, 422}),
    ("overlong encoding in username", lambda e, n: f"email={quote(e)}&username=ab%C0%AEcd&password=x".encode(),
     {400, 422}),
    ("NUL in username", lambda e, n: f"email={quote(e)}&username={n}%00x&password={quote(STRONG_PASSWORD)}".encode(),
     {400, 422}),
    ("NUL in email", lambda e, n: f"email={quote(e)}%00&username={n}&password={quote(STRONG_PASSWORD)}".encode(),
     {400, 422}),
    ("invalid UTF-8 in password", lambda e, n: f"email={quote(e)}&username={n}&password=abcdefghijkl%FF".encode(),
     {400, 422}),
    ("two emails", lambda e, n: f"email={quote(e)}&email=second-{quote(e)}&username={n}&password="
                                f"{quote(STRONG_PASSWORD)}".encode(), {400, 422}),
    ("two usernames", lambda e, n: f"email={quote(e)}&username={n}&username={n}x&password="
                                   f"{quote(STRONG_PASSWORD)}".encode(), {400, 422}),
    ("two passwords", lambda e, n: f"email={quote(e)}&username={n}&password=short&password="
                                   f"{quote(STRONG_PASSWORD)}".encode(), {400, 422}),
]


@pytest.mark.parametrize("case", RAW_SIGNUP, ids=[c[0] for c in RAW_SIGNUP])
def test_sign_up_refuses_malformed_bodies(stack, new_user, case):
    what, body, statuses = case
    email, name = unique_email("raw"), unique_username("raw")
    count = users_count(stack)
    user = new_user()
    r = raw_post(user, "/signup", "/signup", body(email, name))
    assert_refused(r, statuses, what, never=(STRONG_PASSWORD,))
    assert users_count(stack) == count, f"{what}: a user was stored"


@pytest.mark.parametrize("how", ["missing", "empty", "another session's", "two tokens"])
def test_sign_up_without_a_valid_csrf_is_403(stack, new_user, how):
    email, name = unique_email("csrf"), unique_username("csrf")
    user = new_user()
    token = page_csrf(user, "/signup", "/signup")
    foreign = page_csrf(new_user(), "/signup", "/signup")
    tokens = {"missing": [], "empty": [("csrf", "")], "another session's": [("csrf", foreign)],
              "two tokens": [("csrf", foreign), ("csrf", token)]}[how]
    count = users_count(stack)
    r = user.post_form("/signup", tokens + [("email", email), ("username", name), ("password", STRONG_PASSWORD)])
    assert_refused(r, {403} if how != "two tokens" else {400, 403}, f"csrf {how}", never=(STRONG_PASSWORD,))
    assert users_count(stack) == count


# ------------------------------------------------------------------------------------------- sign-in

SIGNIN_CASES = [
    ("empty email", lambda a: [("email", ""), ("password", a.password)]),
    ("empty password", lambda a: [("email", a.email), ("password", "")]),
    ("no password field", lambda a: [("email", a.email)]),
    ("no email field", lambda a: [("password", a.password)]),
    ("300-character email", lambda a: [("email", "a" * 290 + a.email[:10]), ("password", a.password)]),
    ("129-character password", lambda a: [("email", a.email), ("password", a.password + "x" * (129 - len(a.password)))]),
    ("100 KB password", lambda a: [("email", a.email), ("password", "x" * 100_000)]),
    ("email in capitals with a wrong password", lambda a: [("email", a.email.upper()), ("password", "wrong" * 3)]),
    ("SQL in email", lambda a: [("email", "' or '1'='1' --"), ("password", a.password)]),
    ("SQL in password", lambda a: [("email", a.email), ("password", "' or '1'='1' --")]),
    ("two emails, the right one last", lambda a: [("email", "x" + a.email), ("email", a.email), ("password", a.password)]),
    ("two passwords, the right one last", lambda a: [("email", a.email), ("password", "wrong password 1"),
                                                    ("password", a.password)]),
    ("two passwords, the right one first", lambda a: [("email", a.email), ("password", a.password),
                                                     ("password", "wrong password 1")]),
]


@pytest.mark.parametrize("case", SIGNIN_CASES, ids=[c[0] for c in SIGNIN_CASES])
def test_sign_in_refuses_bad_input_and_signs_nobody_in(stack, me, new_user, case):
    what, make = case
    pairs = make(me)
    user = new_user()
    r = form_post(user, "/login", "/login", pairs)
    emails = [v for k, v in pairs if k == "email"]
    kept = {"email": emails[0]} if len(emails) == 1 else None
    assert_refused(r, {400, 413, 422}, what, kept=kept, never=tuple(v for k, v in pairs if k == "password" and len(v) > 3))
    assert not signed_in(user), f"{what}: signed in"


RAW_SIGNIN = [
    ("invalid UTF-8 in email", lambda a: f"email=%FF{quote(a.email)}&password={quote(a.password)}".encode()),
    ("NUL in email", lambda a: f"email={quote(a.email)}%00&password={quote(a.password)}".encode()),
    ("NUL in password", lambda a: f"email={quote(a.email)}&password={quote(a.password)}%00".encode()),
    ("overlong dot in email", lambda a: f"email={quote(a.email)}%C0%AE&password={quote(a.password)}".encode()),
]


@pytest.mark.parametrize("case", RAW_SIGNIN, ids=[c[0] for c in RAW_SIGNIN])
def test_sign_in_refuses_malformed_bodies(stack, me, new_user, case):
    what, body = case
    user = new_user()
    r = raw_post(user, "/login", "/login", body(me))
    assert_refused(r, {400, 422}, what, never=(me.password,))
    assert not signed_in(user)


def test_sign_in_without_csrf_is_403(stack, me, new_user):
    user = new_user()
    user.page("/login")
    r = user.post_form("/login", [("email", me.email), ("password", me.password)])
    assert_refused(r, {403}, "sign-in without csrf", never=(me.password,))
    assert not signed_in(user)


# ------------------------------------------------------------------------------------------- profile

def profile_pairs(user: User, **changes) -> list:
    fields = form_fields(form_by_action(user.page("/settings/profile"), "/settings/profile"))
    fields.update(changes)
    return [(k, v) for k, v in fields.items() if k != "csrf" and v is not None]


PROFILE_CASES = [
    ("display_name", "empty", lambda o: ""),
    ("display_name", "blank", lambda o: "   "),
    ("display_name", "41 characters", lambda o: "D" * 41),
    ("display_name", "right-to-left override", lambda o: "\u202eEvil Name"),
    ("display_name", "zero-width space", lambda o: "Ali\u200bce"),
    ("display_name", "bell", lambda o: "Bell\x07"),
    ("display_name", "escape", lambda o: "Esc\x1b[31m"),
    ("username", "taken", lambda o: o.username),
    ("username", "taken, upper case", lambda o: o.username.upper()),
    ("username", "taken, fullwidth", lambda o: fullwidth(o.username)),
    ("username", "reserved admin", lambda o: "admin"),
    ("username", "reserved Settings", lambda o: "Settings"),
    ("username", "reserved me", lambda o: "me"),
    ("username", "Cyrillic a", lambda o: "\u0430lice" + secrets.token_hex(3)),
    ("username", "zero-width space", lambda o: "ali\u200bce" + secrets.token_hex(3)),
    ("username", "right-to-left override", lambda o: "\u202eecila" + secrets.token_hex(3)),
    ("username", "too short", lambda o: "ab"),
    ("username", "31 characters", lambda o: "u" * 31),
    ("username", "empty", lambda o: ""),
    ("username", "SQL", lambda o: "x'; update users set role='ADMIN';--"),
    ("bio", "2001 characters", lambda o: "b" * 2001),
    ("links", "six links", lambda o: "\n".join(f"https://example.org/{i}" for i in range(6))),
    ("links", "a 201-character link", lambda o: "https://example.org/" + "l" * 181),
    ("links", "http", lambda o: "http://example.org/me"),
    ("links", "javascript", lambda o: "javascript:alert(1)"),
    ("links", "JavaScript mixed case", lambda o: "JaVaScRiPt:alert(1)"),
    ("links", "data", lambda o: "data:text/html,<script>alert(1)</script>"),
    ("links", "ftp", lambda o: "ftp://example.org/x"),
    ("links", "scheme-relative", lambda o: "//example.org/x"),
    ("links", "https with no host", lambda o: "https://"),
    ("links", "space in host", lambda o: "https://exa mple.org/"),
    ("links", "quote break-out", lambda o: 'https://example.org/" onmouseover="alert(1)'),
    ("links", "one good, one javascript", lambda o: "https://example.org/ok\njavascript:alert(1)"),
]


@pytest.mark.parametrize("case", PROFILE_CASES, ids=[f"{c[0]} {c[1]}" for c in PROFILE_CASES])
def test_profile_refuses_bad_fields_and_changes_nothing(stack, me, other, case):
    field, what, make = case
    value = make(other)
    before = snapshot(stack, me)
    r = me.user.post_form("/settings/profile", [("csrf", page_csrf(me.user, "/settings/profile", "/settings/profile"))]
                          + profile_pairs(me.user, **{field: value}))
    assert_refused(r, {422}, f"{field} {what}", kept={field: value})
    assert snapshot(stack, me) == before, f"{field} {what}: something changed"


def test_profile_accepts_a_bio_of_exactly_2000_characters(stack, account):
    acct = account("bio2000")
    bio = ("word " * 400)[:2000]
    r = acct.user.post_form("/settings/profile", [("csrf", page_csrf(acct.user, "/settings/profile", "/settings/profile"))]
                            + profile_pairs(acct.user, bio=bio))
    assert r.status_code == 303, brief(r)
    assert user_row(stack, acct.email)["bio"] == bio


RAW_PROFILE = [
    ("invalid UTF-8 in bio", "bio", b"bio=abc%FF%FE"),
    ("overlong encoding in display name", "display_name", b"display_name=ab%C0%AE"),
    ("NUL in display name", "display_name", b"display_name=Ab%00c"),
    ("NUL in bio", "bio", b"bio=a%00b"),
    ("two display names", "display_name", b"display_name=One&display_name=Two"),
    ("two usernames", "username", b"username=abcdef1&username=abcdef2"),
    ("two bios", "bio", b"bio=one&bio=two"),
]


@pytest.mark.parametrize("case", RAW_PROFILE, ids=[c[0] for c in RAW_PROFILE])
def test_profile_refuses_malformed_bodies(stack, me, case):
    what, field, raw = case
    before = snapshot(stack, me)
    rest = [(k, v) for k, v in profile_pairs(me.user) if k != field]
    body = "&".join(f"{k}={quote(v, safe='')}" for k, v in rest).encode() + b"&" + raw
    r = raw_post(me.user, "/settings/profile", "/settings/profile", body)
    assert_refused(r, {400, 422}, what)
    assert snapshot(stack, me) == before, f"{what}: something changed"


@pytest.mark.parametrize("how", ["missing", "another session's"])
def test_profile_without_a_valid_csrf_is_403(stack, me, other, how):
    before = snapshot(stack, me)
    pairs = profile_pairs(me.user, display_name="Forged Name")
    if how == "another session's":
        pairs = [("csrf", page_csrf(other.user, "/settings/profile", "/settings/profile"))] + pairs
    r = me.user.post_form("/settings/profile", pairs)
    assert_refused(r, {403}, f"csrf {how}")
    assert snapshot(stack, me) == before


# ------------------------------------------------------------------------------------------- preferences

PREFERENCE_CASES = [
    ("theme", "unknown", "neon"),
    ("theme", "empty", ""),
    ("theme", "SQL", "midnight_bloom'--"),
    ("theme", "path", "../midnight_bloom"),
    ("sound", "maybe", "maybe"),
    ("sound", "empty", ""),
    ("sound", "1", "1"),
    ("timezone", "unknown", "Mars/Olympus_Mons"),
    ("timezone", "empty", ""),
    ("timezone", "path traversal", "../../../etc/passwd"),
    ("timezone", "absolute path", "/etc/localtime"),
    ("timezone", "SQL", "UTC'; drop table users;--"),
    ("timezone", "65 characters", "Europe/" + "P" * 58),
    ("timezone", "offset", "+05:00"),
    ("timezone", "newline", "Europe/Paris\nUTC"),
]


def preference_pairs(user: User, **changes) -> list:
    fields = form_fields(form_by_action(user.page("/settings/preferences"), "/settings/preferences"))
    fields.setdefault("sound", "on")
    fields.update(changes)
    return [(k, v) for k, v in fields.items() if k != "csrf"]


@pytest.mark.parametrize("case", PREFERENCE_CASES, ids=[f"{c[0]} {c[1]}" for c in PREFERENCE_CASES])
def test_preferences_refuse_bad_values_and_change_nothing(stack, me, case):
    field, what, value = case
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/preferences", "/settings/preferences", preference_pairs(me.user, **{field: value}))
    assert_refused(r, {422}, f"{field} {what}")
    assert snapshot(stack, me) == before, f"{field} {what}: something changed"


@pytest.mark.parametrize("raw", [b"timezone=Europe/Paris%00", b"timezone=Europe%2FParis&timezone=UTC",
                                 b"theme=sunrise&theme=forest_calm", b"timezone=%FF%FE"],
                         ids=["NUL", "two timezones", "two themes", "invalid UTF-8"])
def test_preferences_refuse_malformed_bodies(stack, me, raw):
    before = snapshot(stack, me)
    names = {p.split(b"=")[0].decode() for p in raw.split(b"&")}
    rest = [(k, v) for k, v in preference_pairs(me.user) if k not in names]
    body = "&".join(f"{k}={quote(v, safe='')}" for k, v in rest).encode() + b"&" + raw
    r = raw_post(me.user, "/settings/preferences", "/settings/preferences", body)
    assert_refused(r, {400, 422}, raw.decode("latin-1"))
    assert snapshot(stack, me) == before


# ------------------------------------------------------------------------------------------- password change

PASSWORD_CHANGE_CASES = [
    ("wrong current", lambda a: ("not my password!", "a good new passphrase")),
    ("empty current", lambda a: ("", "a good new passphrase")),
    ("new too short", lambda a: (a.password, "short pw 11")),
    ("new 129 characters", lambda a: (a.password, "n" * 129)),
    ("new too common", lambda a: (a.password, COMMON_LONG)),
    ("new too common, capitals", lambda a: (a.password, "WINNIEthePOOH")),
    ("new empty", lambda a: (a.password, "")),
]


@pytest.mark.parametrize("case", PASSWORD_CHANGE_CASES, ids=[c[0] for c in PASSWORD_CHANGE_CASES])
def test_password_change_refuses_bad_input_and_changes_nothing(stack, me, new_user, mailbox, case):
    what, make = case
    current, new = make(me)
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/password", "/settings/password",
                  [("current_password", current), ("new_password", new)])
    secrets_ = tuple(p for p in (current, new) if len(p) >= 4)
    doc = assert_refused(r, {422}, what, never=secrets_)
    for name in ("current_password", "new_password"):
        field = doc.find("input", name=name)
        assert field is None or not field.get("value"), f"{what}: {name} is filled in again"
    if "common" in what:
        assert "too common" in doc.find(role="alert").clean_text().lower()
    assert snapshot(stack, me) == before, f"{what}: the account changed"
    assert signed_in(me.user)
    mailbox.none_for(me.email, wait=0.5, subject_contains="password was changed")


def test_password_change_refuses_duplicates_and_missing_csrf(stack, me):
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/password", "/settings/password",
                  [("current_password", me.password), ("new_password", "first new passphrase"),
                   ("new_password", "second new passphrase")])
    assert_refused(r, {400, 422}, "two new passwords", never=("first new passphrase", "second new passphrase"))
    r = me.user.post_form("/settings/password", [("current_password", me.password),
                                                ("new_password", "first new passphrase")])
    assert_refused(r, {403}, "no csrf", never=(me.password, "first new passphrase"))
    assert snapshot(stack, me) == before


# ------------------------------------------------------------------------------------------- avatar upload

def png_bytes(width: int = 1, height: int = 1, random_pixels: bool = False) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    if random_pixels:
        raw = b"".join(b"\0" + os.urandom(width * 4) for _ in range(height))
        data = zlib.compress(raw, 0)
    else:
        data = zlib.compress(b"".join(b"\0" + b"\xff\x80\x00\xff" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def png_of_size(size: int) -> bytes:
    """A valid PNG of exactly `size` bytes (stored, uncompressed random pixels plus a tEXt pad)."""
    base = png_bytes(360, 360, random_pixels=True)
    assert len(base) + 12 + 1 <= size, len(base)
    pad = size - len(base) - 12  # a tEXt chunk: 12 bytes of framing
    body = b"pad\0" + b"x" * (pad - 4)
    text = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body) & 0xFFFFFFFF)
    out = base[:-12] + text + base[-12:]  # before IEND
    assert len(out) == size
    return out


# A 1x1 baseline JPEG: JFIF, one quantisation table, SOF0, one-symbol DC and AC Huffman tables,
# one block coded as DC difference 0 then end-of-block.
JPEG = bytes.fromhex(
    "ffd8"
    "ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 +
    "ffc0000b080001000101011100"
    "ffc4001400" + "01" + "00" * 15 + "00"
    "ffc4001410" + "01" + "00" * 15 + "00"
    "ffda0008010100003f00"
    "3f"
    "ffd9")
# The well-known 1x1 lossless (VP8L) WebP.
WEBP = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")
PNG = png_bytes(2, 2)
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"

BAD_UPLOADS = [
    ("HTML named .png", "me.png", "image/png", HTML),
    ("SVG named .png", "me.png", "image/png", SVG),
    ("SVG as SVG", "me.svg", "image/svg+xml", SVG),
    ("empty", "me.png", "image/png", b""),
    ("PNG signature only", "me.png", "image/png", PNG[:8]),
    ("PNG cut inside IHDR", "me.png", "image/png", PNG[:20]),
    ("JPEG start only", "me.jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("RIFF without WEBP", "me.webp", "image/webp", b"RIFF\x1a\x00\x00\x00WAVEfmt " + b"\0" * 18),
    ("GIF", "me.gif", "image/gif", GIF),
    ("HTML after a PNG signature", "me.png", "image/png", b"\x89PNG\r\n\x1a\n" + HTML),
    ("over 1 MiB", "big.png", "image/png", None),
]


def upload(user: User, content: bytes | None, filename: str = "me.png", ctype: str = "image/png", csrf: bool = True):
    """POSTs multipart/form-data: csrf (unless csrf=False) and the file `avatar` (unless content is None)."""
    token = page_csrf(user, "/settings/profile", "/settings/avatar")
    files = [("csrf", (None, token))] if csrf else []
    if content is not None:
        files.append(("avatar", (filename, content, ctype)))
    if not files:
        files = [("other", (None, "x"))]
    return user.request("POST", "/settings/avatar", files=files)


def avatar_state(stack, acct) -> tuple:
    row = user_row(stack, acct.email)
    r = User(stack.base_url).get(f"/u/{row['username']}/avatar")
    return row["avatar_file"], row["avatar_type"], r.status_code


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_avatar_refuses_what_is_not_a_small_png_jpeg_or_webp(stack, me, case):
    what, filename, ctype, content = case
    if content is None:
        content = png_of_size(1024 * 1024 + 64 * 1024)
    before = snapshot(stack, me)
    r = upload(me.user, content, filename, ctype)
    assert_refused(r, {422}, f"avatar {what}")
    assert snapshot(stack, me) == before, f"avatar {what}: stored"
    assert avatar_state(stack, me)[2] == 404


@pytest.mark.parametrize("how", ["no file field", "no csrf", "no boundary", "text/plain body"])
def test_avatar_refuses_broken_requests(stack, me, how):
    before = snapshot(stack, me)
    if how == "no file field":
        r = upload(me.user, None)
        statuses = {400, 422}
    elif how == "no csrf":
        r = upload(me.user, PNG, csrf=False)
        statuses = {403}
    else:
        token = page_csrf(me.user, "/settings/profile", "/settings/avatar")
        ctype = "multipart/form-data" if how == "no boundary" else "text/plain"
        body = (f'--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n--x--\r\n').encode()
        r = me.user.request("POST", "/settings/avatar", data=body, headers={"Content-Type": ctype})
        statuses = {400, 403, 415, 422}
    assert_refused(r, statuses, how)
    assert snapshot(stack, me) == before


GOOD_UPLOADS = [
    ("PNG", "me.png", "image/png", PNG, "image/png"),
    ("JPEG", "me.jpg", "image/jpeg", JPEG, "image/jpeg"),
    ("WebP", "me.webp", "image/webp", WEBP, "image/webp"),
    ("PNG sent as text/html", "evil.html", "text/html", PNG, "image/png"),
    ("JPEG named .png", "me.png", "image/png", JPEG, "image/jpeg"),
    ("PNG with a path in its name", "../../../etc/passwd.png", "image/png", PNG, "image/png"),
    ("PNG of exactly 1 MiB", "big.png", "image/png", None, "image/png"),
]


@pytest.mark.parametrize("case", GOOD_UPLOADS, ids=[c[0] for c in GOOD_UPLOADS])
def test_avatar_is_stored_and_served_by_what_its_bytes_are(stack, account, new_user, case):
    what, filename, ctype, content, served_type = case
    if content is None:
        content = png_of_size(1024 * 1024)
    acct = account("avatar")
    r = upload(acct.user, content, filename, ctype)
    assert r.status_code == 303 and r.headers["Location"] == "/settings/profile", f"{what}: {brief(r)}"
    row = user_row(stack, acct.email)
    assert row["avatar_type"] == served_type
    assert ".." not in row["avatar_file"] and "/" not in row["avatar_file"]

    doc = new_user().page(f"/u/{acct.username}")
    img = doc.by_id("profile").find("img", cls="avatar")
    assert img is not None, "the profile shows no avatar image"
    assert urlsplit(img.get("src")).path == f"/u/{acct.username}/avatar"
    r = new_user().get(img.get("src"))
    assert r.status_code == 200, brief(r)
    assert r.headers["Content-Type"].split(";")[0].strip() == served_type
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    csp = r.headers.get("Content-Security-Policy", "")
    assert "sandbox" in csp and "default-src 'none'" in csp, f"avatar CSP {csp!r}"
    assert r.content == content, "the avatar served is not the one uploaded"

    r = acct.user.post_form("/settings/avatar/delete", {"csrf": page_csrf(acct.user, "/settings/profile",
                                                                          "/settings/avatar/delete")})
    assert r.status_code == 303, brief(r)
    assert new_user().get(f"/u/{acct.username}/avatar").status_code == 404
    assert new_user().page(f"/u/{acct.username}").by_id("profile").find("span", cls="avatar-initials") is not None


def test_someone_elses_avatar_cannot_be_deleted(stack, account, new_user):
    alice = account("alice")
    assert upload(alice.user, PNG).status_code == 303
    guest = new_user()
    r = guest.post_form("/settings/avatar/delete", {"csrf": guest.csrf("/")})
    assert r.status_code == 403, brief(r)
    assert new_user().get(f"/u/{alice.username}/avatar").status_code == 200


# ------------------------------------------------------------------------------------------- mailed links

PURPOSES = {"verify": ("/auth/verify", "Confirm your Pomopomo account"),
            "magic": ("/auth/magic", "Your Pomopomo sign-in link"),
            "reset": ("/auth/reset", "Reset your Pomopomo password"),
            "delete": ("/auth/delete", "Confirm deleting your Pomopomo account")}


class Issued:
    def __init__(self, purpose, email, username, user, link, token, password):
        self.purpose, self.email, self.username, self.user = purpose, email, username, user
        self.link, self.token, self.password = link, token, password


def issue(stack, mailbox, account, new_user, purpose: str) -> Issued:
    """A real, unused link of this purpose, mailed to a fresh account."""
    path, subject = PURPOSES[purpose]
    if purpose == "verify":
        user = new_user()
        email, username = unique_email("link"), unique_username("link")
        r = sign_up(user, email, username)
        assert r.status_code == 200, brief(r)
        password = STRONG_PASSWORD
    else:
        acct = account("link")
        user, email, username, password = acct.user, acct.email, acct.username, acct.password
        if purpose == "magic":
            r = form_post(new_user(), "/login", "/login/magic", [("email", email)])
        elif purpose == "reset":
            r = form_post(new_user(), "/password/forgot", "/password/forgot", [("email", email)])
        else:
            r = form_post(user, "/settings/account", "/settings/delete/email", [])
        assert r.status_code in (200, 303), brief(r)
    link = mailbox.wait_for(email, subject).link(path)
    token = re.search(r"[?&]token=([^&]+)", link).group(1)
    return Issued(purpose, email, username, user, link, token, password)


def effect_state(stack, issued: Issued, browser: User) -> tuple:
    """What using the link would change: verified, signed in, the password, the account's existence."""
    row = user_row(stack, issued.email)
    return (row is not None, row and row["email_verified_at"] is not None, row and row["password_hash"],
            signed_in_username(browser))


def use(browser: User, issued: Issued, token: str, path: str | None = None):
    path = path or PURPOSES[issued.purpose][0]
    fields = {"csrf": browser.csrf("/"), "token": token}
    if path == "/auth/reset":
        fields["password"] = "a new password for the link"
    if path == "/auth/verify":
        # In another browser than the sign-up's, the sign-up's password is typed again.
        fields["signup_password"] = issued.password
    return browser.post_form(path, fields)


def assert_link_refused(r, what: str):
    assert r.status_code == 400, f"{what}: expected 400, got {brief(r)}"
    assert "not valid" in parse_html(r.text).clean_text().lower(), f"{what}: the page does not say the link is not valid"


def tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


BAD_TOKENS = [
    ("unknown", lambda t: secrets.token_urlsafe(32)),
    ("tampered", tampered),
    ("empty", lambda t: ""),
    ("truncated", lambda t: t[:-4]),
    ("SQL", lambda t: "' or '1'='1"),
    ("upper-cased", lambda t: t.upper() if t.upper() != t else t.lower()),
    ("with a NUL", lambda t: t + "\x00"),
    ("100 KB", lambda t: "A" * 100_000),
]


@pytest.mark.parametrize("purpose", list(PURPOSES))
@pytest.mark.parametrize("case", BAD_TOKENS, ids=[c[0] for c in BAD_TOKENS])
def test_wrong_links_are_400_and_change_nothing(stack, mailbox, account, new_user, purpose, case):
    what, make = case
    issued = issue(stack, mailbox, account, new_user, purpose)
    browser = new_user()
    before = effect_state(stack, issued, browser)
    bad = make(issued.token)
    path = PURPOSES[purpose][0]
    if len(bad) < 1000 and "\x00" not in bad:
        assert_link_refused(browser.get(f"{path}?token={quote(bad, safe='')}"), f"GET {purpose} {what}")
    r = use(browser, issued, bad)
    assert r.status_code in ({400} if len(bad) < 1000 else {400, 413}), f"POST {purpose} {what}: {brief(r)}"
    assert effect_state(stack, issued, browser) == before, f"{purpose} {what}: something changed"
    # The real link still works afterwards.
    assert browser.get(issued.link).status_code == 200


def test_links_without_a_token_are_400(stack, new_user):
    user = new_user()
    for path, _ in PURPOSES.values():
        assert_link_refused(user.get(path), f"GET {path} without a token")
        assert_link_refused(user.post_form(path, {"csrf": user.csrf("/")}), f"POST {path} without a token")


@pytest.mark.parametrize("purpose", list(PURPOSES))
def test_expired_links_are_400_and_change_nothing(stack, mailbox, account, new_user, purpose):
    issued = issue(stack, mailbox, account, new_user, purpose)
    changed = stack.psql("update mail_tokens set expires_at = now() - interval '1 second' "
                         "where (user_id = (select id from users where lower(email) = lower(:'v1')) "
                         "or lower(email) = lower(:'v1')) "
                         "and purpose = :'v2' and used_at is null returning 1", issued.email, purpose)
    assert changed.startswith("1"), f"no unused {purpose} token in mail_tokens"
    browser = new_user()
    before = effect_state(stack, issued, browser)
    assert_link_refused(browser.get(issued.link), f"GET expired {purpose}")
    assert_link_refused(use(browser, issued, issued.token), f"POST expired {purpose}")
    assert effect_state(stack, issued, browser) == before


@pytest.mark.parametrize("purpose", list(PURPOSES))
def test_replayed_links_are_400(stack, mailbox, account, new_user, purpose):
    issued = issue(stack, mailbox, account, new_user, purpose)
    first = new_user() if purpose != "delete" else issued.user
    r = use(first, issued, issued.token)
    assert r.status_code == 303, f"first use of the {purpose} link: {brief(r)}"
    again = new_user()
    before = effect_state(stack, issued, again)
    assert_link_refused(again.get(issued.link), f"GET replayed {purpose}")
    assert_link_refused(use(again, issued, issued.token), f"POST replayed {purpose}")
    assert effect_state(stack, issued, again) == before


CROSSED = [("magic", "/auth/reset"), ("magic", "/auth/delete"), ("magic", "/auth/verify"), ("reset", "/auth/magic"),
           ("verify", "/auth/magic"), ("delete", "/auth/magic"), ("reset", "/auth/delete")]


@pytest.mark.parametrize("purpose,path", CROSSED, ids=[f"{p} token at {a}" for p, a in CROSSED])
def test_a_link_for_one_purpose_does_nothing_at_another(stack, mailbox, account, new_user, purpose, path):
    issued = issue(stack, mailbox, account, new_user, purpose)
    browser = new_user()
    before = effect_state(stack, issued, browser)
    assert_link_refused(browser.get(f"{path}?token={issued.token}"), f"GET {purpose} token at {path}")
    assert_link_refused(use(browser, issued, issued.token, path), f"POST {purpose} token at {path}")
    assert effect_state(stack, issued, browser) == before
    assert browser.get(issued.link).status_code == 200, "the link no longer works where it belongs"


# ------------------------------------------------------------------------------------------- stored XSS

XSS = [
    ("display_name", "script break-out", '"><script>alert(1)</script>'),
    ("display_name", "attribute break-out", '" autofocus onfocus="alert(1)" x="'),
    ("display_name", "img onerror", "<img src=x onerror=alert(1)>"),
    ("display_name", "svg onload", "<svg onload=alert(1)>"),
    ("display_name", "template partial", "{{> layout}}"),
    ("display_name", "template triple", "{{{x}}}"),
    ("bio", "script", "<script>alert(1)</script>"),
    ("bio", "img onerror", "<img src=x onerror=alert(1)>"),
    ("bio", "svg onload", "<svg onload=alert(1)>"),
    ("bio", "raw a href javascript", '<a href="javascript:alert(1)">x</a>'),
    ("bio", "markdown javascript link", "[x](javascript:alert(1))"),
    ("bio", "markdown mixed-case javascript link", "[x](JaVaScRiPt:alert(1))"),
    ("bio", "markdown entity-encoded javascript link", "[x](&#106;avascript:alert(1))"),
    ("bio", "markdown entity-encoded colon", "[x](javascript&#58;alert(1))"),
    ("bio", "markdown javascript with a leading space", "[x]( javascript:alert(1))"),
    ("bio", "markdown javascript autolink", "<javascript:alert(1)>"),
    ("bio", "markdown javascript image", "![i](javascript:alert(1))"),
    ("bio", "markdown data link", "[x](data:text/html,<script>alert(1)</script>)"),
    ("bio", "markdown data image", "![i](data:image/svg+xml,<svg onload=alert(1)>)"),
    ("bio", "markdown vbscript link", "[x](vbscript:msgbox(1))"),
    ("bio", "markdown title break-out", '[x](https://example.org "a\\" onmouseover=\\"alert(1)")'),
    ("bio", "markdown reference javascript link", "[x][1]\n\n[1]: javascript:alert(1)"),
    ("bio", "template partial", "{{> layout}}"),
    ("bio", "template triple", "{{{x}}}"),
    ("bio", "SQL", "'); delete from users; --"),
]

URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset", "data", "cite")


def assert_inert(doc, where: str):
    for el in doc.iter():
        if el.tag == "script":
            assert (el.get("src") or "").startswith("/static/") and not el.text().strip(), \
                f"{where}: a <script> that is not the site's own: {el.attrs} {el.text()[:80]!r}"
        assert el.tag not in ("svg", "iframe", "object", "embed", "base", "form") or \
            el.tag == "form" and (el.get("action") or "").startswith("/"), f"{where}: a <{el.tag}> element"
        for name, value in el.attrs.items():
            assert not name.startswith("on"), f"{where}: <{el.tag} {name}={value!r}>"
            if name in URL_ATTRS:
                squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), \
                    f"{where}: <{el.tag} {name}={value!r}>"
        if el.tag == "meta":
            assert (el.get("http-equiv") or "").lower() != "refresh" or "url" not in (el.get("content") or "").lower(), \
                f"{where}: a meta refresh"
    assert len(doc.find_all("main")) == 1 and len(doc.find_all("header", cls="site-header")) == 1, \
        f"{where}: the layout is there twice (template syntax was expanded)"


@pytest.mark.parametrize("case", XSS, ids=[f"{c[0]} {c[1]}" for c in XSS])
def test_stored_xss_renders_inert(stack, account, new_user, case):
    field, what, payload = case
    acct = account("xss")
    pairs = [("csrf", page_csrf(acct.user, "/settings/profile", "/settings/profile"))] + \
        profile_pairs(acct.user, **{field: payload})
    r = acct.user.post_form("/settings/profile", pairs)
    assert r.status_code == 303, f"{field} {what}: {brief(r)}"
    assert user_row(stack, acct.email)[field if field != "links" else "social_links"] == payload, "not stored as typed"

    pages = {"/u (stranger)": new_user().get(f"/u/{acct.username}"), "/u (owner)": acct.user.get(f"/u/{acct.username}"),
             "/me": acct.user.get("/me"), "/settings/profile": acct.user.get("/settings/profile")}
    for where, resp in pages.items():
        assert resp.status_code == 200, f"{where}: {brief(resp)}"
        assert_inert(parse_html(resp.text), f"{field} {what} on {where}")
    prof = parse_html(pages["/u (stranger)"].text).by_id("profile")
    if field == "display_name":
        assert prof.find("h1").text().strip() == payload.strip(), "the display name is not shown as typed"
    if "template" in what:
        shown = prof.find("h1").text() if field == "display_name" else prof.find("div", cls="bio").text()
        assert payload in shown, f"the template syntax is not shown literally: {shown!r}"
    settings = parse_html(pages["/settings/profile"].text)
    assert typed_value(settings, field) == payload, "the profile form does not show the saved value as typed"


def test_a_javascript_social_link_is_refused(stack, me):
    before = snapshot(stack, me)
    r = form_post(me.user, "/settings/profile", "/settings/profile",
                  profile_pairs(me.user, links="javascript:alert(1)"))
    assert_refused(r, {422}, "javascript: social link", kept={"links": "javascript:alert(1)"})
    assert_inert(parse_html(r.text), "the refusal page")
    assert snapshot(stack, me) == before
