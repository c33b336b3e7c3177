"""Accounts (issue 4, contract in docs-accounts-spec.md): sign-in and sign-out, magic links, and
where `next=` may (and may not) send a browser afterwards.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest

from accounts_kit import (
    CONFIRM,
    MAGIC,
    NEW_PASSWORD,
    RESET,
    STRONG_PASSWORD,
    assert_invalid_link_page,
    brief,
    check_email_page,
    form_by_action,
    form_fields,
    location,
    mail_link_form,
    me_username,
    normalized,
    post_on,
    post_token,
    session_count,
    sign_in,
    sign_out,
    sign_up,
    signed_in,
    signed_in_username,
    submit_form,
    unique_email,
    unique_username,
    verify_from_mail,
)
from pomopomo_testkit import User, parse_html


def with_cookie(base_url: str, sid: str) -> User:
    """A browser holding only this pp_sid value (a copied or stolen cookie)."""
    other = User(base_url)
    other.http.cookies.set("pp_sid", sid, domain=urlsplit(base_url).hostname, path="/")
    return other


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
