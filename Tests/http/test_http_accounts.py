"""Accounts (issue 4, contract in docs-accounts-spec.md) through nginx: sign-up with its mailed
confirmation, sign-in and sign-out, magic links, password reset and change, the sessions page,
throttling, `next=` redirects, a guest's rooms kept across sign-up, the public profile, preferences,
export, account deletion and the admin pages.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

import json
import os
import re
import secrets
import struct
import subprocess
import zlib
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode, urljoin, urlsplit

from zoneinfo import ZoneInfo

import pytest

from accounts_kit import (STRONG_PASSWORD, brief, users_count, form_by_action, form_fields, page_csrf, sign_in, sign_out,
                          sign_up, signed_in_username, submit_form, unique_email, unique_username,
                          verify_from_mail)
from pomopomo_testkit import User, parse_html, pomopomo_bin, pomopomo_env, pomopomo_run

CONFIRM = "Confirm your Pomopomo account"
SOMEONE_TRIED = "Someone tried to sign up with your email"
MAGIC = "Your Pomopomo sign-in link"
RESET = "Reset your Pomopomo password"
CHANGED = "Your Pomopomo password was changed"
DELETE = "Confirm deleting your Pomopomo account"
NEW_PASSWORD = "a brand new passphrase 2"


# ------------------------------------------------------------------------------------------- helpers

def location(r) -> str:
    return r.headers.get("Location", "")


def post_on(user: User, page: str, action: str, **fields):
    """Submits `fields` to `action` with the csrf of that form on `page`, as a browser would."""
    token = page_csrf(user, page, action)
    return user.post_form(action, {"csrf": token, **fields})


def signed_in(user: User) -> bool:
    """Asks the site: /me is the dashboard when signed in, a redirect to /login for a guest."""
    r = user.get("/me")
    if r.status_code == 303:
        assert urlsplit(r.headers["Location"]).path == "/login", f"/me redirected a guest to {r.headers['Location']}"
        return False
    assert r.status_code == 200, f"GET /me: {brief(r)}"
    assert parse_html(r.text).by_id("me") is not None, "/me answered 200 without #me"
    return True


def me_username(user: User) -> str | None:
    return signed_in_username(user)


def with_cookie(base_url: str, sid: str) -> User:
    """A browser holding only this pp_sid value (a copied or stolen cookie)."""
    other = User(base_url)
    other.http.cookies.set("pp_sid", sid, domain=urlsplit(base_url).hostname, path="/")
    return other


def user_row(stack, email: str) -> dict | None:
    out = stack.psql("select row_to_json(u) from users u where lower(u.email) = lower(:'v1')", email)
    return json.loads(out) if out else None


def user_id(stack, email: str) -> str:
    row = user_row(stack, email)
    assert row, f"no user {email}"
    return row["id"]


def session_count(stack, email: str) -> int:
    return int(stack.psql("select count(*) from sessions s join users u on u.id = s.user_id "
                          "where lower(u.email) = lower(:'v1')", email))


def assert_invalid_link_page(r, what: str):
    assert r.status_code == 400, f"{what}: expected 400, got {brief(r)}"
    doc = parse_html(r.text)
    assert "not valid" in doc.clean_text().lower(), f"{what}: the 400 page does not say the link is not valid"
    for form in doc.find_all("form"):
        assert urlsplit(form.get("action") or "").path not in ("/auth/verify", "/auth/magic", "/auth/reset",
                                                                "/auth/delete"), \
            f"{what}: the refusal still offers the form to use the link"


def post_token(user: User, link_page, action: str, **fields):
    """Posts the token of a mailed link's page (another browser's) with this browser's own csrf."""
    token = form_fields(form_by_action(parse_html(link_page.text), action))["token"]
    return user.post_form(action, {"csrf": user.csrf("/"), "token": token, **fields})


def check_email_page(r, what: str):
    assert r.status_code == 200, f"{what}: {brief(r)}"
    doc = parse_html(r.text)
    assert doc.by_id("check-email") is not None, f"{what}: no #check-email"
    return doc


def normalized(text: str, *secrets_: str) -> str:
    """A page with its csrf token(s) and the typed values replaced, for comparing two answers."""
    doc = parse_html(text)
    for el in doc.find_all("input", name="csrf"):
        if el.get("value"):
            text = text.replace(el.get("value"), "CSRF")
    m = re.search(r'data-csrf="([^"]+)"', text)
    if m:
        text = text.replace(m.group(1), "CSRF")
    for i, s in enumerate(secrets_):
        text = text.replace(s, f"TYPED{i}")
    return text


def mail_link_form(user: User, link: str, action: str):
    """GET of a mailed link: a page with a form posting the token to `action`."""
    r = user.get(link)
    assert r.status_code == 200, f"GET {link}: {brief(r)}"
    form = form_by_action(parse_html(r.text), action)
    assert (form.get("method") or "").lower() == "post", f"the form on {link} does not POST"
    token = form_fields(form).get("token")
    assert token, f"the form on {link} has no token field"
    return r


# ------------------------------------------------------------------------------------------- sign-up

def test_sign_up_mails_a_link_that_only_a_post_uses_and_only_once(stack, new_user, mailbox):
    user = new_user()
    address, username = unique_email("signup"), unique_username("signup")
    check_email_page(sign_up(user, address, username), "sign-up")
    # No account until the address is proven: the sign-up travels in its confirmation link.
    assert user_row(stack, address) is None, "a sign-up made an account before the address was proven"

    mail = mailbox.wait_for(address, CONFIRM)
    pending = stack.psql("select password_hash from mail_tokens where lower(email) = lower(:'v1')", address)
    assert pending.startswith("$argon2id$") and STRONG_PASSWORD not in pending, "the password is stored as typed"
    [url] = [u for u in mail.links if urlsplit(u).path == "/auth/verify"]
    assert url.startswith(stack.base_url + "/auth/verify?token="), f"the mail links to {url}, not the site's base URL"
    link = mail.link("/auth/verify")

    # Opening the link (a mail scanner does) shows a form and changes nothing.
    for _ in range(2):
        page = mail_link_form(user, link, "/auth/verify")
    assert user_row(stack, address) is None, "GET of the verify link made the account"
    assert not signed_in(user), "GET of the verify link signed the browser in"

    before = user.sid
    r = submit_form(user, page.text, "/auth/verify")
    assert r.status_code == 303 and location(r) == "/me", f"POST /auth/verify: {brief(r)}"
    assert user.sid and user.sid != before, "verifying signed in without a new session cookie"
    assert me_username(user) == username
    assert user_row(stack, address)["email_verified_at"] is not None

    # Replaying the same link, from this browser or another, is refused.
    assert_invalid_link_page(post_token(user, page, "/auth/verify"), "the verify link posted twice")
    other = new_user()
    assert_invalid_link_page(post_token(other, page, "/auth/verify"), "the used verify link in another browser")
    assert not signed_in(other)
    assert_invalid_link_page(user.get(link), "GET of the used verify link")


def test_sign_up_with_a_registered_email_looks_the_same_and_warns_the_owner(stack, account, new_user, mailbox):
    owner = account("dupe")
    count = users_count(stack)

    # Same lengths, so even the byte counts of the two answers could be compared.
    fresh_email, fresh_name = unique_email("dupe"), unique_username("dupe")
    taken_name = unique_username("dupe")
    r_new = sign_up(new_user(), fresh_email, fresh_name, "another good passphrase 1")
    r_dup = sign_up(new_user(), owner.email, taken_name, "another good passphrase 1")
    assert r_dup.status_code == r_new.status_code == 200, f"new: {brief(r_new)} existing: {brief(r_dup)}"
    assert parse_html(r_dup.text).by_id("check-email") is not None
    assert normalized(r_dup.text, owner.email, taken_name) == normalized(r_new.text, fresh_email, fresh_name), \
        "the sign-up answer tells whether the email is registered"
    names = lambda r: sorted(k.lower() for k in r.headers if k.lower() not in ("date", "content-length"))
    assert names(r_dup) == names(r_new), "the sign-up answers differ in their headers"

    mail = mailbox.wait_for(owner.email, SOMEONE_TRIED)
    paths = {urlsplit(u).path for u in mail.links}
    assert {"/login", "/password/forgot"} <= paths, f"the warning mail links to {paths}"
    assert "/auth/verify" not in paths
    assert len([m for m in mailbox.to(owner.email) if CONFIRM in m.subject]) == 1, "the owner got a second confirm mail"

    assert users_count(stack) == count, "a sign-up made a user before its address was proven"
    assert user_row(stack, fresh_email) is None
    assert int(stack.psql("select count(*) from users where lower(username) = lower(:'v1')", taken_name)) == 0
    # The owner's password is still theirs; the one typed at the second sign-up does nothing.
    b = new_user()
    assert sign_in(b, owner.email, "another good passphrase 1").status_code == 422
    r = sign_in(b, owner.email, owner.password)
    assert r.status_code == 303, f"the owner can no longer sign in: {brief(r)}"


def test_sign_up_email_is_case_insensitive(stack, account, new_user, mailbox):
    owner = account("case")
    count = users_count(stack)
    check_email_page(sign_up(new_user(), owner.email.upper(), unique_username("case")), "sign-up in capitals")
    mailbox.wait_for(owner.email, SOMEONE_TRIED)
    assert users_count(stack) == count, "the same email in capitals made a second account"


def test_signing_up_again_before_confirming_sends_a_fresh_confirm_mail(stack, new_user, mailbox):
    address, username = unique_email("again"), unique_username("again")
    check_email_page(sign_up(new_user(), address, username), "first sign-up")
    mailbox.wait_for(address, CONFIRM)
    check_email_page(sign_up(new_user(), address, unique_username("again")), "second sign-up")
    mailbox.wait_for(address, CONFIRM, count=2)
    mailbox.none_for(address, wait=1.0, subject_contains=SOMEONE_TRIED)
    assert int(stack.psql("select count(*) from mail_tokens where lower(email) = lower(:'v1')", address)) == 2


def test_whoever_signed_up_first_with_my_address_cannot_sign_in_after_i_confirm(stack, new_user, mailbox):
    """Mallory signs up with Vic's address (never confirmed) and her own password; Vic signs up
    himself, confirms from his newest mail: the password is Vic's, not Mallory's."""
    address = unique_email("victim")
    check_email_page(sign_up(new_user(), address, unique_username("mallory"), "mallory's own password"), "Mallory")
    mailbox.wait_for(address, CONFIRM)
    vic = new_user()
    check_email_page(sign_up(vic, address, unique_username("vic"), "vic's own passphrase"), "Vic")
    mailbox.wait_for(address, CONFIRM, count=2)
    assert verify_from_mail(vic, mailbox, address).status_code == 303
    assert sign_in(new_user(), address, "mallory's own password").status_code == 422, "Mallory's password works"
    assert sign_in(new_user(), address, "vic's own passphrase").status_code == 303, "Vic's password does not work"


def test_fullwidth_username_is_stored_in_ascii(stack, new_user, mailbox):
    plain = unique_username("wide").lower()
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in plain)
    address = unique_email("wide")
    user = new_user()
    check_email_page(sign_up(user, address, wide), "fullwidth username")
    assert verify_from_mail(user, mailbox, address).status_code == 303
    assert user_row(stack, address)["username"] == plain


# ------------------------------------------------------------------------------------------- sign-in

def test_sign_in_gives_a_new_cookie_and_sign_out_ends_that_session(stack, account, new_user):
    acct = account("inout")
    sign_out(acct.user)
    user = new_user()
    user.page("/login")
    guest_sid = user.sid
    r = sign_in(user, acct.email, acct.password)
    assert r.status_code == 303 and location(r) == "/me", f"sign-in: {brief(r)}"
    signed_sid = user.sid
    assert signed_sid and signed_sid != guest_sid, "signing in kept the guest's session cookie value"
    assert me_username(user) == acct.username
    assert acct.username in parse_html(user.get("/me").text).by_id("me").clean_text()

    r = sign_out(user)
    assert location(r) == "/"
    assert not signed_in(user)
    # The old cookie, replayed as it was, is a guest: the session is gone on the server too.
    stolen = with_cookie(stack.base_url, signed_sid)
    r = stolen.get("/me")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login", \
        f"the signed-out cookie still opens /me: {brief(r)}"
    assert r.headers["Location"].startswith("/login?next="), r.headers["Location"]
    assert stolen.get("/settings/profile").status_code == 303
    assert session_count(stack, acct.email) == 0


@pytest.mark.parametrize("how", ["altered", "expired", "from before sign-out"])
def test_altered_expired_or_signed_out_cookies_are_guests(stack, account, how):
    acct = account("cookie")
    sid = acct.user.sid
    if how == "altered":
        sid = sid[:-2] + ("AA" if sid[-2:] != "AA" else "BB")
    elif how == "expired":
        stack.psql("update sessions set expires_at = now() - interval '1 second' where user_id = "
                   "(select id from users where lower(email) = lower(:'v1'))", acct.email)
    else:
        sign_out(acct.user)
    other = with_cookie(stack.base_url, sid)
    r = other.get("/me")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login", \
        f"an {how} session cookie opens /me: {brief(r)}"
    assert signed_in_username(other) is None


@pytest.mark.parametrize("how", ["password", "confirm link", "magic link"])
def test_a_cookie_set_before_sign_in_does_not_survive_it(stack, account, new_user, mailbox, how):
    """Session fixation: a cookie planted before sign-in (say by a shared computer) must not become
    the signed-in session."""
    attacker = new_user()
    attacker.page("/")
    planted = attacker.sid
    assert planted
    victim = new_user()
    victim.http.cookies.update(attacker.http.cookies)
    assert victim.sid == planted

    if how == "confirm link":
        address = unique_email("fix")
        check_email_page(sign_up(victim, address, unique_username("fix")), "sign-up")
        r = verify_from_mail(victim, mailbox, address)
    else:
        acct = account("fix")
        if how == "password":
            r = sign_in(victim, acct.email, acct.password)
        else:
            check_email_page(post_on(victim, "/login", "/login/magic", email=acct.email), "magic link request")
            link = mailbox.wait_for(acct.email, MAGIC).link("/auth/magic")
            r = submit_form(victim, mail_link_form(victim, link, "/auth/magic").text, "/auth/magic")
    assert r.status_code == 303, f"signing in by {how}: {brief(r)}"
    assert signed_in(victim)
    assert victim.sid != planted, "the signed-in session kept the planted cookie value"
    assert not signed_in(attacker), f"the cookie planted before sign-in ({how}) is signed in"


def test_wrong_password_and_unknown_email_get_the_same_answer(account, new_user):
    acct = account("wrong")
    r_wrong = sign_in(new_user(), acct.email, "not the password at all")
    stranger = "nobody-" + acct.email  # registered nowhere, same shape
    r_unknown = sign_in(new_user(), stranger, "not the password at all")
    for r, typed in ((r_wrong, acct.email), (r_unknown, stranger)):
        assert r.status_code == 422, brief(r)
        doc = parse_html(r.text)
        alert = doc.find(role="alert")
        assert alert is not None and "The email or password is not right." in alert.clean_text(), brief(r)
        assert form_fields(form_by_action(doc, "/login"))["email"] == typed, "the typed email was not kept"
        assert "not the password at all" not in r.text, "the typed password came back in the page"
    assert normalized(r_wrong.text, acct.email) == normalized(r_unknown.text, stranger), \
        "wrong password and unknown email answer differently"


def test_unverified_account_cannot_sign_in_and_gets_a_new_confirm_mail(stack, new_user, mailbox):
    address = unique_email("unver")
    check_email_page(sign_up(new_user(), address, unique_username("unver")), "sign-up")
    mailbox.wait_for(address, CONFIRM)
    user = new_user()
    r = sign_in(user, address, STRONG_PASSWORD)
    assert r.status_code == 422, brief(r)
    assert "confirm" in parse_html(r.text).find(role="alert").clean_text().lower()
    assert not signed_in(user)
    mailbox.wait_for(address, CONFIRM, count=2)
    # The new link works (and the old one too, until used or expired).
    r = verify_from_mail(user, mailbox, address)
    assert r.status_code == 303 and signed_in(user)


# ------------------------------------------------------------------------------------------- magic link

def test_magic_link_signs_in_once(stack, account, new_user, mailbox):
    acct = account("magic")
    user = new_user()
    check_email_page(post_on(user, "/login", "/login/magic", email=acct.email), "magic link request")
    mail = mailbox.wait_for(acct.email, MAGIC)
    link = mail.link("/auth/magic")
    assert mail.links[[urlsplit(u).path for u in mail.links].index("/auth/magic")].startswith(stack.base_url)
    page = mail_link_form(user, link, "/auth/magic")
    assert not signed_in(user), "GET of the magic link signed in"
    r = submit_form(user, page.text, "/auth/magic")
    assert r.status_code == 303 and location(r) == "/me", brief(r)
    assert me_username(user) == acct.username
    assert_invalid_link_page(post_token(user, page, "/auth/magic"), "the magic link posted twice")
    assert_invalid_link_page(new_user().get(link), "GET of the used magic link")


def test_mail_is_plain_text_with_the_display_name_as_typed(stack, account, new_user, mailbox):
    """Mail is text/plain: nothing in it is HTML-escaped, so a name with & and < reads as typed,
    and the whole text is exactly the template's."""
    acct = account("plain")
    name = 'a&b<c> "d"'
    assert save_profile(acct.user, display_name=name).status_code == 303
    check_email_page(post_on(new_user(), "/login", "/login/magic", email=acct.email), "magic link request")
    mail = mailbox.wait_for(acct.email, MAGIC)
    [link] = [u for u in mail.links if urlsplit(u).path == "/auth/magic"]
    assert mail.text.rstrip("\n") == (f"Hello {name},\n\nSign in to Pomopomo with this link:\n\n{link}\n\n"
                                      "It works once, for 15 minutes. If you did not ask for it, ignore this mail."), mail.text


@pytest.mark.parametrize("page,action,subject", [("/login", "/login/magic", MAGIC),
                                                  ("/password/forgot", "/password/forgot", RESET)],
                         ids=["magic link", "password reset"])
def test_mail_me_a_link_for_an_unknown_email_looks_the_same_and_sends_nothing(account, new_user, mailbox, page,
                                                                             action, subject):
    acct = account("askmail")
    stranger = "nobody-" + acct.email
    r_known = post_on(new_user(), page, action, email=acct.email)
    r_unknown = post_on(new_user(), page, action, email=stranger)
    check_email_page(r_known, "known")
    check_email_page(r_unknown, "unknown")
    assert normalized(r_known.text, acct.email) == normalized(r_unknown.text, stranger), \
        "the answer tells whether the email has an account"
    mailbox.wait_for(acct.email, subject)
    mailbox.none_for(stranger)


# ------------------------------------------------------------------------------------------- password reset / change

def test_password_reset_sets_the_password_and_ends_every_other_session(stack, account, new_user, mailbox):
    acct = account("reset")
    assert signed_in(acct.user)
    user = new_user()
    check_email_page(post_on(user, "/password/forgot", "/password/forgot", email=acct.email), "reset request")
    link = mailbox.wait_for(acct.email, RESET).link("/auth/reset")
    page = mail_link_form(user, link, "/auth/reset")
    assert sign_in(new_user(), acct.email, acct.password).status_code == 303, "GET of the reset link changed the password"
    assert session_count(stack, acct.email) >= 2

    r = submit_form(user, page.text, "/auth/reset", password=NEW_PASSWORD)
    assert r.status_code == 303 and location(r) == "/me", brief(r)
    assert me_username(user) == acct.username
    assert not signed_in(acct.user), "the reset left another session signed in"
    assert session_count(stack, acct.email) == 1
    assert sign_in(new_user(), acct.email, acct.password).status_code == 422, "the old password still works"
    assert sign_in(new_user(), acct.email, NEW_PASSWORD).status_code == 303, "the new password does not work"
    assert_invalid_link_page(post_token(new_user(), page, "/auth/reset", password="yet another passphrase 3"),
                             "the reset link used twice in another browser")
    assert sign_in(new_user(), acct.email, NEW_PASSWORD).status_code == 303


def test_password_change_ends_other_sessions_and_mails_a_notice(stack, account, new_user, mailbox):
    acct = account("change")
    other = new_user()
    assert sign_in(other, acct.email, acct.password).status_code == 303
    r = post_on(acct.user, "/settings/password", "/settings/password", current_password=acct.password,
                new_password=NEW_PASSWORD)
    assert r.status_code == 303 and location(r) == "/settings/sessions", brief(r)
    assert signed_in(acct.user), "changing the password signed this browser out"
    assert not signed_in(other), "changing the password left the other session signed in"
    mailbox.wait_for(acct.email, CHANGED)
    assert sign_in(new_user(), acct.email, acct.password).status_code == 422
    assert sign_in(new_user(), acct.email, NEW_PASSWORD).status_code == 303


def test_password_change_with_a_wrong_current_password_changes_nothing(stack, account, new_user, mailbox):
    acct = account("nochange")
    other = new_user()
    assert sign_in(other, acct.email, acct.password).status_code == 303
    before = user_row(stack, acct.email)
    r = post_on(acct.user, "/settings/password", "/settings/password", current_password="not my password here",
                new_password=NEW_PASSWORD)
    assert r.status_code == 422, brief(r)
    assert parse_html(r.text).find(role="alert") is not None
    assert "not my password here" not in r.text and NEW_PASSWORD not in r.text
    assert user_row(stack, acct.email) == before
    assert signed_in(other) and signed_in(acct.user)
    mailbox.none_for(acct.email, subject_contains=CHANGED)


# ------------------------------------------------------------------------------------------- sessions page

def session_rows(user: User):
    doc = user.page("/settings/sessions")
    table = doc.by_id("sessions")
    assert table is not None, "/settings/sessions has no #sessions"
    return table.find_all("tr", cls="session")


def test_sessions_page_lists_both_browsers_and_ends_the_other(stack, account, new_user):
    acct = account("sess")
    laptop = new_user()
    laptop.http.headers["User-Agent"] = "Laptop browser 1.0"
    assert sign_in(laptop, acct.email, acct.password).status_code == 303
    rows = session_rows(acct.user)
    assert len(rows) == 2, f"{len(rows)} sessions listed"
    assert [("current" in tr.classes) for tr in rows].count(True) == 1
    assert any("Laptop browser" in tr.clean_text() for tr in rows), "the sessions page does not say which browser"

    r = post_on(acct.user, "/settings/sessions", "/settings/sessions/end-others")
    assert r.status_code == 303 and location(r) == "/settings/sessions", brief(r)
    assert not signed_in(laptop), "end-others left the other browser signed in"
    assert signed_in(acct.user)
    rows = session_rows(acct.user)
    assert len(rows) == 1 and "current" in rows[0].classes


def test_ending_one_session_from_its_row(stack, account, new_user):
    acct = account("sessone")
    phone = new_user()
    phone.http.headers["User-Agent"] = "Phone browser 2.0"
    assert sign_in(phone, acct.email, acct.password).status_code == 303
    [row] = [tr for tr in session_rows(acct.user) if "current" not in tr.classes]
    form = row.find("form")
    action = form.get("action")
    assert re.fullmatch(r"/settings/sessions/[^/]+/end", action), action
    r = acct.user.post_form(action, form_fields(form))
    assert r.status_code == 303, brief(r)
    assert not signed_in(phone) and signed_in(acct.user)


def test_someone_elses_session_cannot_be_ended(stack, account, new_user):
    alice, mallory = account("alice"), account("mallory")
    phone = new_user()
    assert sign_in(phone, alice.email, alice.password).status_code == 303
    [row] = [tr for tr in session_rows(alice.user) if "current" not in tr.classes]
    action = row.find("form").get("action")
    token = mallory.user.csrf("/settings/sessions")
    r = mallory.user.post_form(action, {"csrf": token})
    assert r.status_code == 404, f"ending another user's session answered {brief(r)}"
    assert signed_in(alice.user) and signed_in(phone), "Mallory ended Alice's session"


# ------------------------------------------------------------------------------------------- throttling

def wrong_sign_in(base_url, email, i, headers=None):
    user = User(base_url)
    try:
        if headers:
            user.http.headers.update(headers)
        return sign_in(user, email, f"wrong guess number {i:03d}")
    finally:
        user.http.close()


@pytest.mark.parametrize("spoof", [False, True], ids=["plain", "with X-Forwarded-For"])
def test_sixth_wrong_password_for_an_account_is_429_with_retry_after(stack, account, new_user, spoof):
    acct = account("throttle")
    bystander = account("bystander")
    for i in range(5):
        headers = {"X-Forwarded-For": f"203.0.113.{i + 1}", "X-Real-IP": f"203.0.113.{i + 1}"} if spoof else None
        r = wrong_sign_in(stack.base_url, acct.email, i, headers)
        assert r.status_code == 422, f"wrong password {i + 1}: {brief(r)}"
    headers = {"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "198.51.100.9"} if spoof else None
    r = wrong_sign_in(stack.base_url, acct.email, 6, headers)
    assert r.status_code == 429, f"the sixth wrong password answered {brief(r)}"
    retry = r.headers.get("Retry-After", "")
    assert retry.isdigit() and 0 < int(retry) <= 15 * 60, f"Retry-After {retry!r}"
    assert "not the password at all" not in r.text
    # While throttled even the right password does not get in.
    user = new_user()
    r = sign_in(user, acct.email, acct.password)
    assert r.status_code == 429, f"the right password while throttled answered {brief(r)}"
    assert not signed_in(user)
    # Other accounts from the same address are not locked out by it.
    r = sign_in(new_user(), bystander.email, bystander.password)
    assert r.status_code == 303, f"another account is locked out too: {brief(r)}"


ADDRESS_LIMIT = 20  # wrong passwords per client address per 15 minutes (spec)


def attempts_until_throttled(accounts, send, most: int = 40) -> int:
    """Wrong passwords spread over `accounts`, at most 4 each (under any account's own limit),
    until one is answered 429; returns that attempt's number (0: never throttled)."""
    for n in range(1, most + 1):
        acct = accounts[(n - 1) // 4]
        r = send(acct, n)
        status = getattr(r, "status_code", None) or r.status  # a requests or a FastCGI response
        retry = r.headers.get("Retry-After") or r.headers.get("retry-after") or ""
        if status == 429:
            assert retry.isdigit(), f"429 without a Retry-After: {r.headers}"
            return n
        assert status == 422, f"attempt {n}: {status} {r.text[:200]}"
    return 0


@pytest.mark.parametrize("spoof", [False, True], ids=["plain", "with X-Forwarded-For"])
def test_many_wrong_passwords_from_one_address_across_accounts_are_throttled(stack, account, spoof):
    """20 attempts per address per 15 minutes (spec), spread over accounts so that no account's own
    limit (5) is reached; X-Forwarded-For changes on every attempt and must not help."""
    accounts = [account(f"flood{i}") for i in range(10)]

    def send(acct, n):
        headers = {"X-Forwarded-For": f"192.0.2.{n}", "X-Real-IP": f"192.0.2.{n}"} if spoof else None
        return wrong_sign_in(stack.base_url, acct.email, n, headers)

    n = attempts_until_throttled(accounts, send)
    assert n == ADDRESS_LIMIT + 1, f"wrong passwords from one address: throttled at attempt {n or 'never (40 tried)'}, " \
                                   f"not {ADDRESS_LIMIT + 1}"


def fcgi_sign_in(stack, responder: str, remote_addr: str, email: str, password: str):
    """POST /login straight to a responder, as nginx would pass it for a client at `remote_addr`."""
    import pomopomo_testkit
    user = User(stack.base_url)
    try:
        token = page_csrf(user, "/login", "/login")
        sid = user.sid
    finally:
        user.http.close()
    body = urlencode({"csrf": token, "email": email, "password": password}).encode()
    original = pomopomo_testkit._fcgi_params

    def params(p: dict) -> bytes:
        return original({**p, "REMOTE_ADDR": remote_addr} if "REMOTE_ADDR" in p else p)

    pomopomo_testkit._fcgi_params = params
    try:
        return stack.fcgi(responder, "POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"pp_sid={sid}",
            "Host": urlsplit(stack.base_url).netloc})
    finally:
        pomopomo_testkit._fcgi_params = original


def test_addresses_of_one_ipv6_64_share_one_limit(stack, account):
    accounts = [account(f"six{i}") for i in range(10)]

    def send(acct, n):
        return fcgi_sign_in(stack, stack.responders[n % len(stack.responders)], f"2001:db8:aa:bb:{n:x}::{n:x}",
                            acct.email, f"wrong guess number {n:03d}")

    n = attempts_until_throttled(accounts, send)
    assert n == ADDRESS_LIMIT + 1, f"wrong passwords from one IPv6 /64: throttled at attempt {n or 'never (40 tried)'}"
    # Another /64 is another client.
    r = fcgi_sign_in(stack, stack.responders[0], "2001:db8:aa:bc::1", accounts[-1].email, "wrong guess again")
    assert r.status == 422, f"a neighbouring /64 is throttled too: {r.status}"


# ------------------------------------------------------------------------------------------- next=

EVIL_NEXTS = ["//evil.example", "/\\evil.example", "https://evil.example", "http:evil.example",
              "%2F%2Fevil.example", "/%2F/evil.example/", "\\\\evil.example", "/\t/evil.example",
              "/\n/evil.example", " //evil.example", "javascript:alert(1)", "", "me", "/../../evil"]


def same_site_after_browser_parsing(base_url: str, loc: str) -> bool:
    # Browsers drop tabs and newlines from URLs and treat \ as / in http(s) URLs.
    cleaned = re.sub(r"[\t\n\r]", "", loc).replace("\\", "/").strip()
    target = urlsplit(urljoin(base_url + "/login", cleaned))
    return (target.scheme, target.netloc) == tuple(urlsplit(base_url)[:2])


@pytest.mark.parametrize("nxt", EVIL_NEXTS, ids=[repr(n) for n in EVIL_NEXTS])
def test_next_never_leaves_the_site(stack, account, new_user, nxt):
    acct = account("next")
    sign_out(acct.user)
    r = sign_in(acct.user, acct.email, acct.password, next=nxt)
    assert r.status_code == 303, brief(r)
    loc = r.headers["Location"]
    assert same_site_after_browser_parsing(stack.base_url, loc), f"next={nxt!r} sent the browser to {loc!r}"
    if nxt in ("//evil.example", "/\\evil.example", "https://evil.example", "%2F%2Fevil.example", "\\\\evil.example",
               "/\t/evil.example", "/\n/evil.example", ""):
        assert loc == "/me", f"next={nxt!r} redirected to {loc!r}, not /me"


def test_next_from_the_login_query_is_kept_and_checked(stack, account):
    acct = account("nextq")
    sign_out(acct.user)
    doc = acct.user.page("/login?next=" + quote("/settings/profile", safe=""))
    assert form_fields(form_by_action(doc, "/login")).get("next") == "/settings/profile"
    r = submit_form(acct.user, acct.user.get("/login?next=%2Fsettings%2Fprofile").text, "/login",
                    email=acct.email, password=acct.password)
    assert r.status_code == 303 and r.headers["Location"] == "/settings/profile", brief(r)

    sign_out(acct.user)
    page = acct.user.get("/login?next=%2F%2Fevil.example")
    assert page.status_code == 200
    r = submit_form(acct.user, page.text, "/login", email=acct.email, password=acct.password)
    assert r.status_code == 303 and r.headers["Location"] == "/me", f"next=%2F%2Fevil.example: {brief(r)}"


def test_a_guest_sent_to_login_comes_back_after_signing_in(stack, account, new_user):
    acct = account("back")
    guest = new_user()
    r = guest.get("/settings/preferences")
    assert r.status_code == 303
    parts = urlsplit(r.headers["Location"])
    assert parts.path == "/login"
    login = parts.path + "?" + parts.query
    r = submit_form(guest, guest.get(login).text, "/login", email=acct.email, password=acct.password)
    assert r.status_code == 303 and r.headers["Location"] == "/settings/preferences", brief(r)


def test_guests_posting_to_a_signed_in_form_get_403(stack, new_user):
    guest = new_user()
    token = guest.csrf("/")
    for path, fields in (("/settings/profile", {"display_name": "Guest", "username": "guesty"}),
                         ("/settings/preferences", {"theme": "sunrise", "sound": "on", "timezone": "UTC"}),
                         ("/settings/password", {"current_password": "x" * 12, "new_password": NEW_PASSWORD}),
                         ("/settings/sessions/end-others", {}),
                         ("/settings/delete", {"password": STRONG_PASSWORD})):
        r = guest.post_form(path, {"csrf": token, **fields})
        assert r.status_code == 403, f"guest POST {path}: {brief(r)}"


# ------------------------------------------------------------------------------------------- guest upgrade

@pytest.mark.parametrize("how", ["sign-up", "sign-in"])
def test_a_guests_room_and_tasks_stay_theirs_after_signing_up_or_in(stack, account, new_user, mailbox, how):
    user = new_user()
    if how == "sign-in":
        acct = account("upgrade")
        sign_out(acct.user)
        user = acct.user
    code = user.create_room("Gina Guest")
    token = user.csrf(f"/r/{code}")
    r = user.post_form(f"/r/{code}/tasks", {"csrf": token, "text": "Finish the draft", "visibility": "private",
                                           "segment": ""})
    assert r.status_code == 303, f"adding a task: {brief(r)}"
    r = user.post_form(f"/r/{code}/messages", {"csrf": token, "text": "hello before signing in"})
    assert r.status_code == 303, f"chatting: {brief(r)}"

    if how == "sign-up":
        address = unique_email("upgrade")
        check_email_page(sign_up(user, address, unique_username("upgrade")), "sign-up")
        r = verify_from_mail(user, mailbox, address)
    else:
        r = sign_in(user, acct.email, acct.password)
    assert r.status_code == 303 and signed_in(user)

    doc = user.page(f"/r/{code}")
    room = doc.by_id("room")
    assert room.get("data-viewer-role") == "host", f"after {how} the browser is {room.get('data-viewer-role')!r}"
    assert doc.by_id("timer-controls") is not None, "the host's timer controls are gone"
    tasks = doc.by_id("my-tasks")
    assert tasks is not None and "Finish the draft" in tasks.clean_text(), "the guest's private task is gone"
    token = user.csrf(f"/r/{code}")
    assert user.post_form(f"/r/{code}/messages", {"csrf": token, "text": "hello after"}).status_code == 303
    authors = [(m["author"], m["text"]) for m in user.state(code)["messages"]]
    assert authors == [("Gina Guest", "hello before signing in"), ("Gina Guest", "hello after")], authors
    assert len(user.state(code)["participants"]) == 1, "signing in made a second participant"


# ------------------------------------------------------------------------------------------- profile

def profile_fields(user: User) -> dict:
    return form_fields(form_by_action(user.page("/settings/profile"), "/settings/profile"))


def save_profile(user: User, **changes):
    fields = profile_fields(user)
    fields.update(changes)
    fields = {k: v for k, v in fields.items() if v is not None}
    return user.post_form("/settings/profile", fields)


def test_profile_edit_shows_on_the_public_page_with_the_bio_rendered(stack, account, new_user):
    acct = account("prof")
    bio = "I like **bold** plans and _quiet_ rooms.\n\n- one\n- two\n\nSee [my site](https://example.org/ada)."
    r = save_profile(acct.user, display_name="Ada Lovelace", bio=bio,
                     links="https://example.org/ada\nhttps://social.example/@ada")
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{acct.username}", brief(r)

    for viewer in (new_user(), acct.user):
        doc = viewer.page(f"/u/{acct.username}")
        prof = doc.by_id("profile")
        assert prof is not None
        assert prof.find("h1").clean_text() == "Ada Lovelace"
        bio_div = prof.find("div", cls="bio")
        assert bio_div.find("strong").text() == "bold" and bio_div.find("em").text() == "quiet"
        assert [li.clean_text() for li in bio_div.find_all("li")] == ["one", "two"]
        a = bio_div.find("a")
        assert a.get("href") == "https://example.org/ada" and a.text() == "my site"
        links = prof.find("ul", cls="social-links").find_all("a")
        assert [x.get("href") for x in links] == ["https://example.org/ada", "https://social.example/@ada"]
        for x in links:
            assert set(x.get("rel", "").split()) >= {"me", "nofollow", "noopener"}
        initials = prof.find("span", cls="avatar-initials")
        assert initials is not None and initials.clean_text() == "AL"
    assert new_user().get(f"/u/{acct.username.upper()}").status_code == 200, "profile URLs are not case-insensitive"
    assert new_user().get(f"/u/{unique_username('nobody')}").status_code == 404


def test_changing_the_username_moves_the_profile(stack, account, new_user):
    acct = account("rename")
    new_name = unique_username("renamed")
    r = save_profile(acct.user, username=new_name)
    assert r.status_code == 303 and r.headers["Location"] == f"/u/{new_name}", brief(r)
    assert new_user().get(f"/u/{new_name}").status_code == 200
    assert new_user().get(f"/u/{acct.username}").status_code == 404
    assert user_row(stack, acct.email)["username"] == new_name


def test_recent_rooms_show_to_others_only_when_allowed(stack, account, new_user):
    acct = account("recent")
    code = acct.user.create_room("Rita Recent")
    owner_view = acct.user.page(f"/u/{acct.username}").by_id("recent-rooms")
    assert owner_view is not None and code in owner_view.clean_text() + " ".join(
        a.get("href", "") for a in owner_view.find_all("a")), "the owner does not see their recent room"
    assert new_user().page(f"/u/{acct.username}").by_id("recent-rooms") is None, "recent rooms shown while hidden"
    assert save_profile(acct.user, show_recent_rooms="on").status_code == 303
    other_view = new_user().page(f"/u/{acct.username}").by_id("recent-rooms")
    assert other_view is not None and code in other_view.clean_text() + " ".join(
        a.get("href", "") for a in other_view.find_all("a"))
    assert save_profile(acct.user, show_recent_rooms=None).status_code == 303  # unticked: not sent
    assert new_user().page(f"/u/{acct.username}").by_id("recent-rooms") is None, "unticking did not hide them"


# ------------------------------------------------------------------------------------------- preferences

def test_preferences_are_saved_and_applied(stack, account):
    acct = account("prefs")
    before = user_row(stack, acct.email)
    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="forest_calm", sound="off",
                timezone="Mars/Olympus_Mons")
    assert r.status_code == 422, f"unknown timezone: {brief(r)}"
    assert parse_html(r.text).find(role="alert") is not None
    assert user_row(stack, acct.email) == before, "a refused preferences form changed the account"

    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="forest_calm", sound="off",
                timezone="Europe/Paris")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/settings/preferences", brief(r)
    row = user_row(stack, acct.email)
    assert (row["theme"], row["sound_on"], row["timezone"]) == ("forest_calm", False, "Europe/Paris")
    saved = form_fields(form_by_action(acct.user.page("/settings/preferences"), "/settings/preferences"))
    assert (saved["theme"], saved.get("timezone")) == ("forest_calm", "Europe/Paris")
    assert saved.get("sound") in ("off", None), f"the sound choice shows {saved.get('sound')!r}"

    home = acct.user.page("/")
    select = home.by_id("create-theme")
    chosen = [o.get("value") for o in select.find_all("option") if "selected" in o.attrs]
    assert chosen == ["forest_calm"], f"the home page preselects {chosen}"
    assert acct.user.page("/me").find("body").get("data-sound") == "off"
    assert acct.user.page("/me").find("body").get("data-theme") == "forest_calm", "the theme does not colour /me"

    # Times on account pages are in the chosen zone (Tokyo: +09:00 all year, never equal to UTC).
    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="forest_calm", sound="off",
                timezone="Asia/Tokyo")
    assert r.status_code == 303, brief(r)
    now = datetime.now(timezone.utc)
    local = {(now + timedelta(minutes=d)).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M") for d in (-1, 0, 1)}
    utc = {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}
    [current] = [tr for tr in session_rows(acct.user) if "current" in tr.classes]
    text = current.clean_text()
    assert any(t in text for t in local), f"the session times are not in Asia/Tokyo ({sorted(local)}): {text!r}"
    assert not any(t in text for t in utc), f"the session times are still in UTC: {text!r}"
    code = acct.user.create_room("Sam Silent")
    assert acct.user.page(f"/r/{code}").find("body").get("data-sound") == "off", "the room would still chime"


IANA_ZONES = ["Asia/Kolkata", "Etc/UTC", "Europe/Kyiv", "America/Argentina/Buenos_Aires", "Pacific/Kanton",
              "America/Ciudad_Juarez", "Asia/Kathmandu"]


@pytest.mark.parametrize("zone", IANA_ZONES)
def test_every_current_iana_time_zone_is_accepted(stack, account, zone):
    """Names from the tz database (/usr/share/zoneinfo/tzdata.zi), including India's and Etc/UTC."""
    assert os.path.exists(f"/usr/share/zoneinfo/{zone}"), f"{zone} is not in this machine's tz database"
    acct = account("zone")
    r = post_on(acct.user, "/settings/preferences", "/settings/preferences", theme="sunrise", sound="on", timezone=zone)
    assert r.status_code == 303, f"timezone={zone}: {brief(r)}"
    assert user_row(stack, acct.email)["timezone"] == zone


# ------------------------------------------------------------------------------------------- export

def test_export_holds_my_data_and_no_secrets(stack, account, new_user):
    acct = account("export")
    code = acct.user.create_room("Eve Export")
    token = acct.user.csrf(f"/r/{code}")
    assert acct.user.post_form(f"/r/{code}/tasks", {"csrf": token, "text": "Export this task", "visibility": "private",
                                                    "segment": ""}).status_code == 303
    assert acct.user.post_form(f"/r/{code}/messages", {"csrf": token, "text": "export this message"}).status_code == 303
    r = acct.user.get("/settings/export.json")
    assert r.status_code == 200, brief(r)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers.get("Content-Disposition", "").startswith("attachment")
    data = r.json()
    assert set(data) >= {"user", "sessions", "rooms", "tasks", "messages", "oauth_identities"}
    assert data["user"]["email"] == acct.email and data["user"]["username"] == acct.username
    text = json.dumps(data)
    assert code in text or code.replace("-", "") in text
    assert "Export this task" in text and "export this message" in text
    assert len(data["sessions"]) >= 1
    lowered = text.lower()
    for secret in ("password_hash", "token_hash", "id_hash", "$argon2", "session_hash"):
        assert secret not in lowered, f"the export contains {secret}"
    assert acct.user.sid not in text, "the export contains the session cookie"
    guest = new_user()
    r = guest.get("/settings/export.json")
    assert r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/login"


# ------------------------------------------------------------------------------------------- delete

def test_delete_with_a_wrong_password_changes_nothing(stack, account, mailbox):
    acct = account("keep")
    before = user_row(stack, acct.email)
    r = post_on(acct.user, "/settings/account", "/settings/delete", password="this is not my password")
    assert r.status_code == 422, brief(r)
    assert parse_html(r.text).find(role="alert") is not None
    assert "this is not my password" not in r.text
    assert user_row(stack, acct.email) == before
    assert signed_in(acct.user)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0\xff\x00\x00\xff")) + chunk(b"IEND", b""))


def test_delete_with_the_password_removes_the_account(stack, account, new_user):
    acct = account("gone")
    token = page_csrf(acct.user, "/settings/profile", "/settings/avatar")
    r = acct.user.request("POST", "/settings/avatar", files=[("csrf", (None, token)),
                                                              ("avatar", ("me.png", tiny_png(), "image/png"))])
    assert r.status_code == 303, f"avatar upload: {brief(r)}"
    avatar_file = user_row(stack, acct.email)["avatar_file"]
    uploads = stack.env.get("POMOPOMO_UPLOADS")
    found = [os.path.join(d, f) for d, _, files in os.walk(uploads or "/nonexistent") for f in files if f == avatar_file]
    assert found, f"the avatar file {avatar_file} is not under {uploads}"
    code = acct.user.create_room("Greta Gone")
    token = acct.user.csrf(f"/r/{code}")
    assert acct.user.post_form(f"/r/{code}/messages", {"csrf": token, "text": "left behind"}).status_code == 303
    uid = user_id(stack, acct.email)
    r = post_on(acct.user, "/settings/account", "/settings/delete", password=acct.password)
    assert r.status_code == 303 and r.headers["Location"] == "/", brief(r)
    assert_account_gone(stack, acct, uid, new_user)
    assert not any(os.path.exists(f) for f in found), "the avatar file was left on disk"
    # The room and what they wrote stay, detached from the account.
    assert stack.room_exists(code)
    assert int(stack.psql("select count(*) from participants where user_id = :'v1'", uid)) == 0
    assert "left behind" in json.dumps(new_user().state(code)["messages"])


def assert_account_gone(stack, acct, uid, new_user):
    assert user_row(stack, acct.email) is None, "the user row is still there"
    for table in ("sessions", "mail_tokens", "oauth_identities"):
        assert int(stack.psql(f"select count(*) from {table} where user_id = :'v1'", uid)) == 0, f"{table} left behind"
    assert not signed_in(acct.user), "the deleting browser is still signed in"
    assert new_user().get(f"/u/{acct.username}").status_code == 404
    assert sign_in(new_user(), acct.email, acct.password).status_code == 422


def test_delete_by_mailed_link(stack, account, new_user, mailbox):
    acct = account("maildel")
    uid = user_id(stack, acct.email)
    r = post_on(acct.user, "/settings/account", "/settings/delete/email")
    assert r.status_code in (200, 303), brief(r)
    link = mailbox.wait_for(acct.email, DELETE).link("/auth/delete")
    page = mail_link_form(acct.user, link, "/auth/delete")
    assert user_row(stack, acct.email) is not None, "GET of the delete link deleted the account"
    r = submit_form(acct.user, page.text, "/auth/delete")
    assert r.status_code == 303 and r.headers["Location"] == "/", brief(r)
    assert_account_gone(stack, acct, uid, new_user)
    assert_invalid_link_page(post_token(new_user(), page, "/auth/delete"), "the delete link used twice")


# ------------------------------------------------------------------------------------------- admin

def run_admin(stack, *args):
    return subprocess.run([pomopomo_bin(), "admin", *args], env=pomopomo_env(stack), capture_output=True, text=True,
                          timeout=60)


def test_admin_grant_opens_the_admin_pages_and_revoke_closes_them(stack, account):
    boss, alice, bob = account("boss"), account("alice"), account("bob")
    assert boss.user.get("/admin").status_code == 404
    pomopomo_run(stack, "admin", "grant", boss.email.upper())
    r = boss.user.get("/admin")
    assert r.status_code == 200, f"/admin after grant: {brief(r)}"
    r = boss.user.get("/admin?q=" + quote(alice.username))
    assert r.status_code == 200 and alice.username in r.text and bob.username not in r.text, \
        "the admin search does not find exactly the searched user"

    # Making Alice an admin from the page; she sees /admin then.
    uid = user_id(stack, alice.email)
    r = post_on(boss.user, "/admin?q=" + quote(alice.username), f"/admin/users/{uid}/role", role="ADMIN")
    assert r.status_code == 303, brief(r)
    assert user_row(stack, alice.email)["role"] == "ADMIN"
    assert alice.user.get("/admin").status_code == 200

    pomopomo_run(stack, "admin", "revoke", boss.email)
    assert boss.user.get("/admin").status_code == 404


def test_admin_cli_refuses_an_unknown_email(stack):
    out = run_admin(stack, "grant", unique_email("nobody"))
    assert out.returncode == 1, f"exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    assert (out.stdout + out.stderr).strip(), "no message for the unknown email"


ADMIN_ROUTES = [("GET", "/admin"), ("GET", "/admin?q=x"), ("GET", "/admin/users?q=x"), ("POST", "/admin/users/{id}/role"),
                ("GET", "/admin/users/{id}/role"), ("POST", "/admin")]


@pytest.mark.parametrize("who", ["guest", "user"])
@pytest.mark.parametrize("method,path", ADMIN_ROUTES, ids=[f"{m} {p}" for m, p in ADMIN_ROUTES])
def test_non_admins_get_404_on_every_admin_route(stack, account, new_user, who, method, path):
    target = account("target")
    uid = user_id(stack, target.email)
    user = new_user() if who == "guest" else account("plain").user
    absent = user.get("/no-such-page-" + secrets.token_hex(4))
    assert absent.status_code == 404
    path = path.format(id=uid)
    if method == "GET":
        r = user.get(path)
    else:
        r = user.post_form(path.split("?")[0], {"csrf": user.csrf("/"), "role": "ADMIN"})
    assert r.status_code == 404, f"{who} {method} {path}: {brief(r)}"
    assert target.username not in r.text
    assert user_row(stack, target.email)["role"] == "USER"
    assert int(stack.psql("select count(*) from users where role = 'ADMIN' and id = :'v1'", uid)) == 0


def test_extra_role_fields_in_sign_up_and_profile_change_nothing(stack, new_user, mailbox, account):
    user = new_user()
    address, username = unique_email("sneaky"), unique_username("sneaky")
    token = page_csrf(user, "/signup", "/signup")
    r = user.post_form("/signup", [("csrf", token), ("email", address), ("username", username),
                                   ("password", STRONG_PASSWORD), ("role", "ADMIN"), ("is_admin", "1"), ("admin", "true")])
    assert r.status_code in (200, 422), brief(r)
    if r.status_code == 200:
        assert verify_from_mail(user, mailbox, address).status_code == 303
        assert user_row(stack, address)["role"] == "USER"
        assert user.get("/admin").status_code == 404

    acct = account("sneaky2")
    fields = list(profile_fields(acct.user).items()) + [("role", "ADMIN"), ("is_admin", "1")]
    r = acct.user.post_form("/settings/profile", fields)
    assert r.status_code in (303, 422), brief(r)
    assert user_row(stack, acct.email)["role"] == "USER"
    assert acct.user.get("/admin").status_code == 404
