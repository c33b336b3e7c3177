"""Bad input (QUALITY.md, "Bad input") for the mailed links (verify, magic sign-in, reset,
delete): tampered, expired, reused and crossed tokens.

Every refusal must be a clear 4xx (never a 500, never internals), a page with an element
role="alert", the typed values kept in the form (never a password), and nothing stored changed:
each case compares the account's row in PostgreSQL (and what its public page shows) before and
after (account_forms_kit.snapshot)."""

import re
import secrets
from urllib.parse import quote

import pytest

from account_forms_kit import form_post
from accounts_kit import STRONG_PASSWORD, brief, sign_up, signed_in_username, unique_email, unique_username, user_row
from pomopomo_testkit import User, parse_html

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
