"""Accounts (issue 4, contract in docs-accounts-spec.md): `pomopomo admin grant|revoke` and the
admin pages, which answer 404 to everyone else.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

import secrets
import subprocess
from urllib.parse import quote

import pytest

from accounts_kit import (
    STRONG_PASSWORD,
    admin_two_factor,
    brief,
    location,
    page_csrf,
    post_on,
    profile_fields,
    unique_email,
    unique_username,
    user_id,
    user_row,
    verify_from_mail,
)
from pomopomo_testkit import pomopomo_bin, pomopomo_env, pomopomo_run


def run_admin(stack, *args):
    return subprocess.run([pomopomo_bin(), "admin", *args], env=pomopomo_env(stack), capture_output=True, text=True,
                          timeout=60)


def test_admin_grant_opens_the_admin_pages_and_revoke_closes_them(stack, account):
    boss, alice, bob = account("boss"), account("alice"), account("bob")
    assert boss.user.get("/admin").status_code == 404
    pomopomo_run(stack, "admin", "grant", boss.email.upper())
    # An admin's pages wait for the second factor (issue 17), which the kit sets up with oathtool.
    r = boss.user.get("/admin")
    assert r.status_code == 303 and location(r).startswith("/admin/2fa"), f"/admin after grant: {brief(r)}"
    admin_two_factor(stack, boss.user, boss.email)
    r = boss.user.get("/admin")
    assert r.status_code == 200, f"/admin after grant and the second factor: {brief(r)}"
    r = boss.user.get("/admin/users?q=" + quote(alice.username))
    assert r.status_code == 200 and alice.username in r.text and bob.username not in r.text, \
        "the admin search does not find exactly the searched user"

    # Making Alice an admin from her page (issue 17: /admin/users/{id}); she sees /admin then.
    uid = user_id(stack, alice.email)
    r = post_on(boss.user, f"/admin/users/{uid}", f"/admin/users/{uid}/role", role="ADMIN")
    assert r.status_code == 303, brief(r)
    assert user_row(stack, alice.email)["role"] == "ADMIN"
    admin_two_factor(stack, alice.user, alice.email)
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
