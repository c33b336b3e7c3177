"""Moderation (issue 17): users. Search by email, username or id; a user's page; suspend for a
chosen length or ban (both end every session and refuse sign-in by password, mailed link and
OAuth with a message saying how long); lift; change role; end sessions; delete. An admin never
acts on their own account or (beyond the role) on another admin's; the last admin keeps the role.
Every action writes its audit line; every refused one changes nothing."""

import re
import secrets
import threading

import pytest

from accounts_kit import (
    MAGIC,
    brief,
    check_email_page,
    mail_link_form,
    post_on,
    sign_in,
    signed_in,
    signed_in_username,
    submit_form,
    unique_email,
    unique_username,
    user_row,
)
from admin_kit import admin_page, admin_post, audit_count, audit_rows, logged, make_admin, uid
from pomopomo_testkit import User

SUSPENDED_FOR_A_DAY = re.compile(r"suspended by the moderators for another (1 day|23 hours( \d+ minutes?)?), until \d+ \w+ \d{4}")


@pytest.fixture
def boss(stack, account):
    return make_admin(stack, account("boss"))


def user_page(boss, stack, acct):
    return f"/admin/users/{uid(stack, acct)}"


def act(boss, stack, acct, action: str, **fields):
    page = user_page(boss, stack, acct)
    return admin_post(boss.user, page, f"{page}/{action}", **fields)


def standing(stack, acct) -> str:
    return stack.psql("select coalesce(suspended_until::text, 'none') from users where lower(email) = lower(:'v1')", acct.email)


# ----------------------------------------------------------------------------------------- search and page

def test_search_finds_by_email_username_and_id(stack, account, boss):
    alice, bob = account("alice"), account("bob")
    for query in (alice.email.split("@")[0].upper(), alice.username, uid(stack, alice)):
        doc = admin_page(boss.user, "/admin/users?q=" + query)
        table = doc.by_id("admin-users-table")
        assert table is not None, f"nothing found for {query}"
        assert alice.username in table.text() and bob.username not in table.text(), query
    for query in ("%", "_", "' or '1'='1", "<script>"):
        r = boss.user.get("/admin/users", params={"q": query})
        assert r.status_code == 200 and "<script>" not in r.text, brief(r)


def test_a_users_page_shows_profile_sessions_rooms(stack, account, boss, make_room):
    alice = account("alice")
    room = make_room()
    room.join("Alice in room", user=alice.user)
    doc = admin_page(boss.user, user_page(boss, stack, alice))
    assert alice.email in doc.by_id("user-profile").text()
    assert "pomopomo-http-tests" in doc.by_id("user-sessions").text()
    assert room.code in doc.by_id("user-rooms").text() and "Alice in room" in doc.by_id("user-rooms").text()
    assert doc.by_id("suspend-form") is not None


# ----------------------------------------------------------------------------------------- suspend, ban, lift

def test_a_suspension_ends_sessions_and_refuses_every_way_in_saying_how_long(stack, account, boss, new_user, mailbox):
    alice = account("alice")
    before = audit_count(stack)
    r = act(boss, stack, alice, "suspend", length="1d", reason="Spamming rooms")
    assert r.status_code == 303, brief(r)
    assert not signed_in(alice.user), "the suspended account's session survived"
    assert int(stack.psql("select count(*) from sessions where user_id = :'v1'", uid(stack, alice))) == 0

    # Password.
    browser = new_user()
    r = sign_in(browser, alice.email)
    assert r.status_code == 403 and SUSPENDED_FOR_A_DAY.search(r.text), brief(r)
    assert not signed_in(browser)
    # Mailed link.
    check_email_page(post_on(browser, "/login", "/login/magic", email=alice.email), "magic link request")
    link = mailbox.wait_for(alice.email, MAGIC).link("/auth/magic")
    r = submit_form(browser, mail_link_form(browser, link, "/auth/magic").text, "/auth/magic")
    assert r.status_code == 403 and SUSPENDED_FOR_A_DAY.search(r.text), brief(r)
    assert not signed_in(browser)

    line = audit_rows(stack, "id > :'v1'", str(before))[-1]
    assert (line["action"], line["reason"], line["before"]) == ("suspend", "Spamming rooms", "good standing")
    assert line["after"].startswith("suspended for 1 day, until ")
    doc = admin_page(boss.user, user_page(boss, stack, alice))
    assert "suspended until" in doc.by_id("user-standing").text() and "Spamming rooms" in doc.by_id("user-standing").text()

    # Lifted, the password works again.
    assert act(boss, stack, alice, "lift", reason="Appealed").status_code == 303
    assert standing(stack, alice) == "none"
    assert sign_in(browser, alice.email).status_code == 303 and signed_in(browser)
    assert [x["action"] for x in audit_rows(stack, "id > :'v1'", str(before))] == ["suspend", "lift"]


def test_a_ban_refuses_oauth_too(stack, boss, new_user, oauth):
    first = new_user()
    login = unique_username("gh")
    oauth.preset("github", login, unique_email(login), name="Olly Auth")
    r = oauth.sign_in_with(first, "github")
    assert r.status_code == 303, brief(r)
    username = signed_in_username(first)
    target_id = stack.psql("select id from users where username = :'v1'", username)
    page = f"/admin/users/{target_id}"
    assert admin_post(boss.user, page, page + "/ban", reason="Threats").status_code == 303
    assert not signed_in(first)
    again = new_user()
    r = oauth.sign_in_with(again, "github")
    assert r.status_code == 403 and "banned by the moderators" in r.text, brief(r)
    assert not signed_in(again)
    assert stack.psql("select suspended_until::text from users where id = :'v1'", target_id) == "infinity"
    line = audit_rows(stack, "target_id = :'v1'", target_id)[-1]
    assert (line["action"], line["reason"], line["before"], line["after"]) == ("ban", "Threats", "good standing", "banned")


def test_a_suspended_accounts_api_token_stops_working(stack, account, boss):
    alice = account("alice")
    r = post_on(alice.user, "/settings/api", "/settings/api", name="script")
    assert r.status_code in (200, 303), brief(r)
    token = re.search(r"pp_[A-Za-z0-9_\-]+", alice.user.get("/settings/api").text if r.status_code == 303 else r.text)
    assert token, "no token shown"
    api = User(stack.base_url)
    assert api.get("/api/timer", headers={"Authorization": "Bearer " + token.group(0)}).status_code == 200
    assert act(boss, stack, alice, "suspend", length="1h", reason="Abuse").status_code == 303
    assert api.get("/api/timer", headers={"Authorization": "Bearer " + token.group(0)}).status_code == 401


def test_ending_sessions_signs_out_everywhere_but_allows_a_new_sign_in(stack, account, boss, new_user):
    alice = account("alice")
    second = new_user()
    assert sign_in(second, alice.email).status_code == 303
    assert act(boss, stack, alice, "sessions/end", reason="Shared password").status_code == 303
    assert not signed_in(alice.user) and not signed_in(second)
    assert sign_in(second, alice.email).status_code == 303 and signed_in(second)
    line = audit_rows(stack, "target_id = :'v1'", uid(stack, alice))[-1]
    assert (line["action"], line["before"], line["after"]) == ("end_sessions", "2 sessions", "0 sessions")


def test_deleting_an_account_keeps_its_audit_line(stack, account, boss):
    alice = account("alice")
    alice_id = uid(stack, alice)
    r = act(boss, stack, alice, "delete", reason="Spam account", confirm="yes")
    assert r.status_code == 303 and "/admin/users?deleted=" in r.headers["Location"], brief(r)
    assert user_row(stack, alice.email) is None
    assert not signed_in(alice.user)
    line = audit_rows(stack, "target_id = :'v1'", alice_id)[-1]
    assert (line["action"], line["target_label"], line["reason"]) == ("delete_account", alice.username, "Spam account")
    assert boss.user.get(f"/admin/users/{alice_id}").status_code == 404


# ----------------------------------------------------------------------------------------- roles and the rules

def test_role_changes_and_an_admin_is_protected_until_demoted(stack, account, boss):
    other = make_admin(stack, account("other"))
    for action, fields in [("suspend", {"length": "1d", "reason": "x"}), ("ban", {"reason": "x"}),
                           ("sessions/end", {"reason": "x"}), ("delete", {"reason": "x", "confirm": "yes"})]:
        r = act(boss, stack, other, action, **fields)
        assert r.status_code == 403 and "is an admin" in r.text, f"{action}: {brief(r)}"
    assert signed_in(other.user) and user_row(stack, other.email)["role"] == "ADMIN"
    assert act(boss, stack, other, "role", role="USER", reason="Stepping down").status_code == 303
    assert user_row(stack, other.email)["role"] == "USER"
    assert other.user.get("/admin").status_code == 404
    assert act(boss, stack, other, "suspend", length="1h", reason="now allowed").status_code == 303


def test_an_admin_cannot_act_on_themselves(stack, boss):
    doc = admin_page(boss.user, f"/admin/users/{uid(stack, boss)}")
    assert doc.by_id("user-self") is not None and doc.by_id("suspend-form") is None
    token = boss.user.csrf("/admin/users")
    before = audit_count(stack)
    for action, fields in [("suspend", {"length": "1d", "reason": "x"}), ("role", {"role": "USER"}),
                           ("sessions/end", {}), ("delete", {"reason": "x", "confirm": "yes"})]:
        r = boss.user.post_form(f"/admin/users/{uid(stack, boss)}/{action}", {"csrf": token, **fields})
        assert r.status_code == 422 and "your own account" in r.text, f"{action}: {brief(r)}"
    assert signed_in(boss.user) and user_row(stack, boss.email)["role"] == "ADMIN"
    assert audit_count(stack) == before
    # Refused and logged: who tried, where, which rule (never what was typed).
    assert logged(stack, "admin action refused", uid(stack, boss), "rule=yourself")


def test_two_admins_demoting_each_other_at_once_leave_one_admin(stack, account):
    # Every other admin first steps aside, so these two are the only ones.
    a, b = make_admin(stack, account("ann")), make_admin(stack, account("ben"))
    others = stack.psql("select string_agg(id::text, ',') from users where role = 'ADMIN' and id not in (:'v1', :'v2')",
                        uid(stack, a), uid(stack, b))
    stack.psql("update users set role = 'USER' where role = 'ADMIN' and id not in (:'v1', :'v2')", uid(stack, a), uid(stack, b))
    try:
        token_a, token_b = a.user.csrf("/admin/users"), b.user.csrf("/admin/users")
        results = {}

        def demote(actor, token, target, key):
            results[key] = actor.user.post_form(f"/admin/users/{uid(stack, target)}/role", {"csrf": token, "role": "USER"})

        threads = [threading.Thread(target=demote, args=(a, token_a, b, "a")),
                   threading.Thread(target=demote, args=(b, token_b, a, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status_code for r in results.values())
        assert statuses in ([303, 404], [303, 409]), statuses
        assert int(stack.psql("select count(*) from users where role = 'ADMIN' and id in (:'v1', :'v2')",
                              uid(stack, a), uid(stack, b))) == 1
    finally:
        if others:
            for other in others.split(","):
                stack.psql("update users set role = 'ADMIN' where id = :'v1'", other)


# ----------------------------------------------------------------------------------------- bad input

BAD = [
    ("unknown length", "suspend", {"length": "99d", "reason": "x"}, 422),
    ("no length", "suspend", {"reason": "x"}, 422),
    ("no reason", "suspend", {"length": "1d"}, 422),
    ("blank reason", "ban", {"reason": "   "}, 422),
    ("reason over the limit", "ban", {"reason": "x" * 501}, 422),
    ("control character", "ban", {"reason": "a\x07b"}, 422),
    ("unknown role", "role", {"role": "SUPERUSER"}, 422),
    ("lower-case role", "role", {"role": "admin"}, 422),
    ("delete unconfirmed", "delete", {"reason": "x"}, 422),
    ("delete confirmed oddly", "delete", {"reason": "x", "confirm": "1"}, 422),
    ("lift in good standing", "lift", {"reason": "x"}, 409),
    ("two reasons", "ban", [("reason", "a"), ("reason", "b")], 400),
]


@pytest.mark.parametrize("action,fields,status", [(a, f, s) for _, a, f, s in BAD], ids=[n for n, *_ in BAD])
def test_bad_input_is_refused_clearly_and_changes_nothing(stack, account, boss, action, fields, status):
    alice = account("alice")
    page = user_page(boss, stack, alice)
    token = boss.user.csrf(page)
    before = (audit_count(stack), standing(stack, alice), user_row(stack, alice.email)["role"])
    pairs = [("csrf", token)] + (fields if isinstance(fields, list) else list(fields.items()))
    r = boss.user.post_form(f"{page}/{action}", pairs)
    assert r.status_code == status, brief(r)
    if status == 422:
        assert 'role="alert"' in r.text
    assert (audit_count(stack), standing(stack, alice), user_row(stack, alice.email)["role"]) == before
    assert signed_in(alice.user)


def test_a_typed_reason_is_kept_when_refused(stack, account, boss):
    alice = account("alice")
    r = act(boss, stack, alice, "suspend", length="forever", reason="Kept <b>reason</b>")
    assert r.status_code == 422 and "Kept &lt;b&gt;reason&lt;/b&gt;" in r.text, brief(r)


@pytest.mark.parametrize("path", ["/admin/users/not-a-uuid", f"/admin/users/{secrets.token_hex(4)}-0000-0000-0000-000000000000",
                                  "/admin/users/00000000-0000-0000-0000-000000000000"])
def test_unknown_users_are_404(boss, path):
    assert boss.user.get(path).status_code == 404
    r = boss.user.post_form(path + "/ban", {"csrf": boss.user.csrf("/admin/users"), "reason": "x"})
    assert r.status_code == 404, brief(r)


def test_without_the_csrf_token_nothing_changes(stack, account, boss):
    alice = account("alice")
    page = user_page(boss, stack, alice)
    for fields in ({"reason": "x"}, {"csrf": "forged", "reason": "x"}, {"csrf": alice.user.csrf("/"), "reason": "x"}):
        r = boss.user.post_form(page + "/ban", fields)
        assert r.status_code == 403, brief(r)
    assert standing(stack, alice) == "none" and signed_in(alice.user)


USER_ROUTES = [("GET", "/admin/users"), ("GET", "/admin/users?q=a"), ("GET", "/admin/users/{id}"),
               ("POST", "/admin/users/{id}/suspend"), ("POST", "/admin/users/{id}/ban"), ("POST", "/admin/users/{id}/lift"),
               ("POST", "/admin/users/{id}/sessions/end"), ("POST", "/admin/users/{id}/delete"),
               ("POST", "/admin/users/{id}/role")]


@pytest.mark.parametrize("who", ["guest", "user"])
@pytest.mark.parametrize("method,path", USER_ROUTES, ids=[f"{m} {p}" for m, p in USER_ROUTES])
def test_non_admins_get_404(stack, account, new_user, who, method, path):
    target = account("target")
    user = new_user() if who == "guest" else account("plain").user
    path = path.format(id=uid(stack, target))
    if method == "GET":
        r = user.get(path)
    else:
        r = user.post_form(path, {"csrf": user.csrf("/"), "reason": "x", "length": "1d", "confirm": "yes", "role": "ADMIN"})
    assert r.status_code == 404, f"{who} {method} {path}: {brief(r)}"
    assert target.username not in r.text and target.email not in r.text
    assert standing(stack, target) == "none" and user_row(stack, target.email)["role"] == "USER"
