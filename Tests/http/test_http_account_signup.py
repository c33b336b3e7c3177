"""Accounts (issue 4, contract in docs-accounts-spec.md) through nginx: sign-up with its mailed
confirmation, and a guest's rooms and tasks kept across signing up or in.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

from urllib.parse import urlsplit

import pytest

from accounts_kit import (
    CONFIRM,
    SOMEONE_TRIED,
    STRONG_PASSWORD,
    assert_invalid_link_page,
    brief,
    check_email_page,
    location,
    mail_link_form,
    me_username,
    normalized,
    post_token,
    sign_in,
    sign_out,
    sign_up,
    signed_in,
    submit_form,
    unique_email,
    unique_username,
    user_row,
    users_count,
    verify_from_mail,
)
from pomopomo_testkit import parse_html

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
    def names(r):
        return sorted(k.lower() for k in r.headers if k.lower() not in ("date", "content-length"))
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
