"""Bad input (QUALITY.md, "Bad input") for sign-up and sign-in: usernames, addresses and
passwords in every odd form, and raw bodies no browser would send.

Every refusal must be a clear 4xx (never a 500, never internals), a page with an element
role="alert", the typed values kept in the form (never a password), and nothing stored changed:
each case compares the account's row in PostgreSQL (and what its public page shows) before and
after (account_forms_kit.snapshot)."""

import secrets
from urllib.parse import quote

import pytest

from account_forms_kit import COMMON_LONG, assert_refused, form_post, fullwidth, raw_post
from accounts_kit import (
    STRONG_PASSWORD,
    brief,
    page_csrf,
    sign_in,
    sign_up,
    signed_in,
    unique_email,
    unique_username,
    users_count,
    verify_from_mail,
)
from pomopomo_testkit import parse_html

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
