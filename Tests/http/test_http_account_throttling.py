"""Accounts (issue 4, contract in docs-accounts-spec.md): throttling of wrong sign-ins per account
and per client address, through nginx and straight to each responder.

Mail is read from the SMTP catcher's Maildir (accounts_kit.Mailbox). Whether a browser is signed in
is always asked of the site (GET /me, /settings/profile), never read from our own cookie jar, and what
a refused request must not change is read back from PostgreSQL."""

from urllib.parse import urlencode, urlsplit

import pytest

from accounts_kit import brief, page_csrf, sign_in, signed_in
from pomopomo_testkit import User


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
