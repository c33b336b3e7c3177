"""Accounts (issue 4, contract in docs-accounts-spec.md): deleting an account, with the password
or a mailed link, and what stays behind (rooms, messages) detached from it.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

import json
import os

from accounts_kit import (
    DELETE,
    assert_invalid_link_page,
    brief,
    mail_link_form,
    page_csrf,
    png_bytes,
    post_on,
    post_token,
    sign_in,
    signed_in,
    submit_form,
    user_id,
    user_row,
)
from pomopomo_testkit import parse_html


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
    return png_bytes(1, 1)


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
