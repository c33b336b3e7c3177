"""Admins' second factor (issue 17): enrolment with a QR code drawn on the server, the code every
admin session passes once before any admin page works, recovery codes, and the limits around them.

Codes come from oathtool and the QR code is read with zbarimg, both independent of our code: passing
these proves an authenticator app works with the site. Non-admins never see any of it (404)."""

import re
import subprocess
import time
from urllib.parse import quote

import pytest

from accounts_kit import (
    SecondFactor,
    brief,
    form_by_action,
    form_fields,
    fresh_totp,
    location,
    make_admin,
    page_csrf,
    read_qr,
    remember_second_factor,
    sign_in,
    sign_out,
    totp,
    user_id,
    user_row,
)
from pomopomo_testkit import User, parse_html, pomopomo_bin, pomopomo_env, pomopomo_run

ENROL = "/admin/2fa/enrol"
VERIFY = "/admin/2fa"
RECOVERY = "/admin/2fa/recovery-codes"


@pytest.fixture
def admin(stack, account):
    """An account just made admin with `pomopomo admin grant`: no second factor yet."""
    acct = account("tfa")
    pomopomo_run(stack, "admin", "grant", acct.email)
    return acct


def alert(r) -> str:
    found = parse_html(r.text).find(None, role="alert")
    return found.text() if found is not None else ""


def not_the_code(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def enter(user: User, code: str, next: str = "/admin"):
    token = page_csrf(user, VERIFY + "?next=" + quote(next, safe=""), VERIFY)
    return user.post_form(VERIFY, {"csrf": token, "next": next, "code": code})


def second_browser(stack, acct) -> User:
    user = User(stack.base_url)
    r = sign_in(user, acct.email)
    assert r.status_code == 303, brief(r)
    return user


def factor_rows(stack, email: str) -> int:
    return int(stack.psql("select count(*) from admin_second_factors f join users u on u.id = f.user_id "
                          "where lower(u.email) = lower(:'v1')", email))


def sessions_passed(stack, email: str) -> int:
    return int(stack.psql("select count(*) from sessions s join users u on u.id = s.user_id "
                          "where lower(u.email) = lower(:'v1') and s.second_factor_at is not null", email))


def test_an_admin_is_sent_to_enrol_and_the_qr_code_and_key_work_in_an_authenticator(stack, admin):
    r = admin.user.get("/admin")
    assert r.status_code == 303 and location(r) == "/admin/2fa?next=%2Fadmin", brief(r)
    r = admin.user.get(location(r))
    assert r.status_code == 303 and location(r).startswith(ENROL + "?next="), brief(r)
    r = admin.user.get(location(r))
    assert r.status_code == 200, brief(r)
    doc = parse_html(r.text)
    secret = doc.by_id("two-factor-secret").text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), f"a 160-bit base32 key, not {secret!r}"
    uri = read_qr(r.text)
    assert uri == doc.by_id("two-factor-open").get("href")
    assert uri == (f"otpauth://totp/Pomopomo:{admin.username}?secret={secret}&issuer=Pomopomo"
                   "&algorithm=SHA1&digits=6&period=30")
    assert factor_rows(stack, admin.email) == 0, "showing the page stored nothing"

    fields = form_fields(form_by_action(doc, ENROL))
    r = admin.user.post_form(ENROL, {**fields, "code": not_the_code(totp(secret))})
    assert r.status_code == 422 and "not right" in alert(r), brief(r)
    assert parse_html(r.text).by_id("two-factor-secret").text().replace(" ", "") == secret, "the same key, to try again"
    assert factor_rows(stack, admin.email) == 0
    assert admin.user.get("/admin").status_code == 303

    r = admin.user.post_form(ENROL, {**fields, "code": totp(secret)})
    assert r.status_code == 200, brief(r)
    doc = parse_html(r.text)
    assert doc.by_id("two-factor-on") is not None
    codes = [li.text().strip() for li in doc.by_id("recovery-codes").find_all("li")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", c) for c in codes), codes
    assert admin.user.get("/admin").status_code == 200
    assert sessions_passed(stack, admin.email) == 1
    remember_second_factor(admin.email, SecondFactor(secret, codes))

    # At rest: the key sealed (nonce, ciphertext, tag), the codes as 32-byte keyed hashes.
    uid = user_id(stack, admin.email)
    sealed = stack.psql("select encode(secret_sealed, 'hex') from admin_second_factors where user_id = :'v1'", uid)
    assert len(sealed) == 120
    raw = subprocess.run(["oathtool", "--totp", "-b", "-v", secret], capture_output=True, text=True).stdout
    hex_key = re.search(r"Hex secret: ([0-9a-f]+)", raw).group(1)
    assert hex_key not in sealed
    hashes = stack.psql("select string_agg(encode(code_hash, 'hex'), ',') from admin_recovery_codes "
                        "where user_id = :'v1' and used_at is null", uid).split(",")
    assert len(hashes) == 10 and all(len(h) == 64 for h in hashes)
    assert not any(c.replace("-", "").encode().hex() in h for c in codes for h in hashes)

    # Enrolled, the enrolment page sends on to the code form.
    r = admin.user.get(ENROL)
    assert r.status_code == 303 and location(r).startswith(VERIFY), brief(r)


def test_each_session_passes_once_and_wrong_expired_early_and_reused_codes_are_refused(stack, admin):
    factor = make_admin(stack, admin.user, admin.email)
    other = second_browser(stack, admin)
    r = other.get("/admin/users?q=x")
    assert r.status_code == 303 and location(r) == "/admin/2fa?next=%2Fadmin%2Fusers", brief(r)

    now = time.time()
    for code, what in [(not_the_code(totp(factor.secret)), "wrong"), (totp(factor.secret, now - 120), "two minutes old"),
                       (totp(factor.secret, now + 120), "two minutes early"), ("12345", "five digits"),
                       ("' OR 1=1 --", "SQL")]:
        r = enter(other, code)
        assert r.status_code == 422, f"{what}: {brief(r)}"
        assert alert(r), f"{what}: no alert"
        assert other.get("/admin").status_code == 303, f"{what} let the session in"

    code = fresh_totp(stack, admin.email, factor.secret)
    r = enter(other, code, next="/admin/users")
    assert r.status_code == 303 and location(r) == "/admin/users", brief(r)
    assert other.get("/admin").status_code == 200
    assert other.get("/admin/2fa?next=//evil.example/admin").headers["Location"] == "/admin", "no open redirect"

    # The same code in a third browser: it was used in its step.
    third = second_browser(stack, admin)
    r = enter(third, code)
    assert r.status_code == 422 and "used already" in alert(r), brief(r)
    assert third.get("/admin").status_code == 303

    # Signing out ends the session and what it passed; signing in again needs a code again.
    sign_out(other)
    r = sign_in(other, admin.email)
    assert r.status_code == 303
    assert other.get("/admin").status_code == 303
    assert sessions_passed(stack, admin.email) == 1, "only the first browser's session has passed"


def test_recovery_codes_work_once_each_and_can_be_replaced_with_an_app_code(stack, admin):
    factor = make_admin(stack, admin.user, admin.email)
    phoneless = second_browser(stack, admin)
    first = factor.recovery_codes[0]
    r = enter(phoneless, first.lower().replace("-", " "))
    assert r.status_code == 303, brief(r)
    assert phoneless.get("/admin").status_code == 200

    again = second_browser(stack, admin)
    r = enter(again, first)
    assert r.status_code == 422 and "used already" in alert(r), brief(r)
    r = enter(again, "ZZZZZ-ZZZZZ")
    assert r.status_code == 422 and "not right" in alert(r), brief(r)
    assert again.get("/admin").status_code == 303

    page = phoneless.page(RECOVERY)
    assert "9 of 10" in page.by_id("recovery-left").text()
    r = phoneless.post_form(RECOVERY, {"csrf": phoneless.csrf(RECOVERY), "code": factor.recovery_codes[1]})
    assert r.status_code == 422 and "6-digit" in alert(r), "new codes need the app, not a recovery code"
    r = phoneless.post_form(RECOVERY, {"csrf": phoneless.csrf(RECOVERY),
                                       "code": fresh_totp(stack, admin.email, factor.secret)})
    assert r.status_code == 200, brief(r)
    fresh = [li.text().strip() for li in parse_html(r.text).by_id("recovery-codes").find_all("li")]
    assert len(set(fresh)) == 10 and not set(fresh) & set(factor.recovery_codes)
    remember_second_factor(admin.email, SecondFactor(factor.secret, fresh))

    r = enter(again, factor.recovery_codes[1])
    assert r.status_code == 422, "an old code that was never used is gone too"
    r = enter(again, fresh[0])
    assert r.status_code == 303, brief(r)
    assert again.get("/admin").status_code == 200


SECOND_FACTOR_ROUTES = [("GET", VERIFY), ("POST", VERIFY), ("GET", ENROL), ("POST", ENROL), ("GET", RECOVERY),
                        ("POST", RECOVERY), ("GET", "/admin/2fa/nothing"), ("PUT", VERIFY)]


@pytest.mark.parametrize("who", ["guest", "user"])
def test_non_admins_get_404_on_every_two_factor_route(stack, account, new_user, who):
    user = new_user() if who == "guest" else account("tfaplain").user
    token = user.csrf("/")
    for method, path in SECOND_FACTOR_ROUTES:
        if method == "GET":
            r = user.get(path)
        else:
            r = user.request(method, path, data={"csrf": token, "code": "123456", "pending": "x"})
        assert r.status_code == 404, f"{who} {method} {path}: {brief(r)}"
        assert "two-factor" not in r.text.lower() and "recovery" not in r.text.lower()
    assert int(stack.psql("select count(*) from sessions where second_factor_at is not null and id_hash = "
                          "sha256(convert_to(:'v1', 'UTF8'))", user.sid or "")) == 0


def test_admin_forms_without_the_second_factor_change_nothing(stack, admin, account):
    target = account("tfatarget")
    uid = user_id(stack, target.email)
    token = admin.user.csrf("/")
    for path, fields in [(f"/admin/users/{uid}/role", {"role": "ADMIN"}), (f"/admin/leaderboards/{uid}/hide", {}),
                         ("/admin/library/00000000-0000-0000-0000-000000000000/delete", {})]:
        r = admin.user.post_form(path, {"csrf": token, **fields})
        assert r.status_code == 403 and "two-factor" in r.text, f"POST {path}: {brief(r)}"
    assert user_row(stack, target.email)["role"] == "USER"
    assert admin.user.get("/admin/library").status_code == 303
    # An upload is refused before its body is read.
    r = admin.user.request("POST", "/admin/library", files={"csrf": (None, token), "file": ("a.mp3", b"ID3" * 10)})
    assert r.status_code == 403, brief(r)


def test_code_attempts_are_limited_before_any_is_checked(stack, admin):
    factor = make_admin(stack, admin.user, admin.email)
    stack.clear_throttle()
    other = second_browser(stack, admin)
    token = page_csrf(other, VERIFY, VERIFY)
    statuses = [other.post_form(VERIFY, {"csrf": token, "code": not_the_code(totp(factor.secret))}).status_code
                for _ in range(10)]
    assert statuses == [422] * 10
    r = other.post_form(VERIFY, {"csrf": token, "code": fresh_totp(stack, admin.email, factor.secret)})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
    assert "two-factor codes" in r.text and fresh_totp(stack, admin.email, factor.secret) not in r.text
    assert other.get("/admin").status_code == 303, "the right code past the limit let nobody in"


def test_an_enrolment_form_works_only_in_the_session_that_opened_it(stack, admin):
    r = admin.user.get(ENROL)
    assert r.status_code == 200
    doc = parse_html(r.text)
    secret = doc.by_id("two-factor-secret").text().replace(" ", "")
    fields = form_fields(form_by_action(doc, ENROL))
    other = second_browser(stack, admin)
    r = other.post_form(ENROL, {**fields, "csrf": other.csrf("/"), "code": totp(secret)})
    assert r.status_code == 422 and "not made for this session" in r.text, brief(r)
    r = admin.user.post_form(ENROL, {**fields, "pending": fields["pending"][:-2] + "AA", "code": totp(secret)})
    assert r.status_code == 422, brief(r)
    assert factor_rows(stack, admin.email) == 0


@pytest.fixture
def responder_without_key(stack):
    """A third responder started without POMOPOMO_TOTP_KEY, asked directly."""
    stack.responder_start("nokey", env={"POMOPOMO_TOTP_KEY": ""})
    yield "nokey"
    stack.responder_stop("nokey")


def test_without_the_key_admin_pages_are_shut_with_a_clear_message(stack, admin, account, responder_without_key):
    make_admin(stack, admin.user, admin.email)
    cookie = {"Cookie": f"pp_sid={admin.user.sid}; pp_in=1"}
    for path in ("/admin", VERIFY, ENROL):
        r = stack.fcgi(responder_without_key, "GET", path, headers=cookie)
        assert r.status == 503 and "POMOPOMO_TOTP_KEY" in r.text, f"{path}: {r.status}"
    plain = account("tfanokey")
    r = stack.fcgi(responder_without_key, "GET", "/admin", headers={"Cookie": f"pp_sid={plain.user.sid}; pp_in=1"})
    assert r.status == 404
    assert admin.user.get("/admin").status_code == 200, "the responders with the key still serve"


def test_a_malformed_key_stops_the_start(stack):
    env = {**pomopomo_env(stack), "POMOPOMO_TOTP_KEY": "not-hex"}
    out = subprocess.run([pomopomo_bin(), "admin", "grant", "nobody@example.test"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode != 0 and "POMOPOMO_TOTP_KEY must be 64 hex digits" in out.stdout + out.stderr


def test_reset_two_factor_sends_the_admin_to_enrol_again(stack, admin):
    make_admin(stack, admin.user, admin.email)
    assert admin.user.get("/admin").status_code == 200
    out = pomopomo_run(stack, "admin", "reset-two-factor", admin.email)
    assert "no second factor now" in out.stdout
    assert factor_rows(stack, admin.email) == 0 and sessions_passed(stack, admin.email) == 0
    r = admin.user.get(VERIFY)
    assert r.status_code == 303 and location(r).startswith(ENROL), brief(r)
    make_admin(stack, admin.user, admin.email)
    assert admin.user.get("/admin").status_code == 200


def test_a_role_taken_and_given_back_needs_the_second_factor_again(stack, admin):
    make_admin(stack, admin.user, admin.email)
    assert admin.user.get("/admin").status_code == 200
    pomopomo_run(stack, "admin", "revoke", admin.email)
    assert sessions_passed(stack, admin.email) == 0
    pomopomo_run(stack, "admin", "grant", admin.email)
    r = admin.user.get("/admin")
    assert r.status_code == 303 and location(r).startswith(VERIFY), brief(r)


BAD_CODES = [("a NUL byte", "12\x003456"), ("10,000 digits", "1" * 10_000), ("a right-to-left override", "\u202e123456"),
             ("template syntax", "{{> layout}}"), ("a script", "<script>alert(1)</script>"),
             ("full-width digits", "１２３４５６"), ("an attribute break-out", '" autofocus onfocus=alert(1) x="')]


@pytest.mark.parametrize("what,code", BAD_CODES, ids=[w for w, _ in BAD_CODES])
def test_bad_input_in_the_code_field_is_refused_plainly(stack, admin, what, code):
    make_admin(stack, admin.user, admin.email)
    other = second_browser(stack, admin)
    r = enter(other, code)
    assert r.status_code in (400, 422), f"{what}: {brief(r)}"
    assert "<script>alert(1)" not in r.text and "onfocus=alert(1)" not in r.text
    assert other.get("/admin").status_code == 303


def test_a_code_field_sent_twice_is_refused(stack, admin):
    factor = make_admin(stack, admin.user, admin.email)
    other = second_browser(stack, admin)
    token = page_csrf(other, VERIFY, VERIFY)
    code = fresh_totp(stack, admin.email, factor.secret)
    r = other.post_form(VERIFY, [("csrf", token), ("code", code), ("code", code)])
    assert r.status_code == 400, brief(r)
    assert other.get("/admin").status_code == 303


def test_with_redis_down_the_accounts_own_count_still_stops_guessing(stack, admin):
    factor = make_admin(stack, admin.user, admin.email)
    other = second_browser(stack, admin)
    token = page_csrf(other, VERIFY, VERIFY)
    stack.redis_stop()
    try:
        statuses = [other.post_form(VERIFY, {"csrf": token, "code": not_the_code(totp(factor.secret))}).status_code
                    for _ in range(20)]
        assert statuses == [422] * 20
        r = other.post_form(VERIFY, {"csrf": token, "code": fresh_totp(stack, admin.email, factor.secret)})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, brief(r)
        assert other.get("/admin").status_code == 303
    finally:
        stack.redis_start()
        stack.wait_live_subscribed()
    # Once the window is over (moved back here rather than waited for), the app's code works again.
    stack.psql("update admin_second_factors set failures_since = now() - interval '16 minutes' "
               "where user_id = :'v1'", user_id(stack, admin.email))
    r = other.post_form(VERIFY, {"csrf": token, "code": fresh_totp(stack, admin.email, factor.secret)})
    assert r.status_code == 303, brief(r)
