"""Accounts (issue 4, contract in docs-accounts-spec.md): password reset by mail and password
change in the settings.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

from accounts_kit import (
    CHANGED,
    NEW_PASSWORD,
    RESET,
    assert_invalid_link_page,
    brief,
    check_email_page,
    location,
    mail_link_form,
    me_username,
    post_on,
    post_token,
    session_count,
    sign_in,
    signed_in,
    submit_form,
    user_row,
)
from pomopomo_testkit import parse_html


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
