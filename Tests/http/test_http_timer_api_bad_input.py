"""Bad input to the personal timer's JSON API (issue 13): each request is refused with its status
and JSON code, and nothing stored changes (the timer row, its reset events, its daily stats and its
scheduled task are compared before and after)."""

from types import SimpleNamespace

import pytest

from accounts_kit import register
from api_kit import Caller, account_caller, error_of, stored, timer_id_of, token_caller
from pomopomo_testkit import User

_ME = {}


@pytest.fixture
def me(stack, mailbox):
    """An account with a timer (count 3), its browser and a script with its token, shared by the
    tests here: each one's requests must leave it as it was."""
    if "me" not in _ME:
        acct = register(stack.base_url, mailbox, "apibad")
        browser = account_caller(acct)
        r = browser.put("/api/session-count", {"count": 3})
        assert r.status_code == 200, r.text
        _ME["me"] = SimpleNamespace(acct=acct, browser=browser, script=token_caller(acct),
                                    timer_id=timer_id_of(stack, acct.user))
    return _ME["me"]


def refused(stack, me, send, status: int, code: str, field: str | None = None):
    before = stored(stack, me.timer_id)
    r = send()
    assert r.status_code == status, f"expected {status} {code}, got {r.status_code}: {r.text[:300]}"
    err = error_of(r)
    assert err["code"] == code, f"expected code {code}, got {err}"
    if field is not None:
        assert err.get("field") == field, f"expected field {field}, got {err}"
    assert stored(stack, me.timer_id) == before, "a refused request changed what is stored"
    return r


BAD_JSON = [
    # (path, body, code, field)
    ("/api/configuration/timezone", {"timezone": "Mars/Olympus_Mons"}, "invalid_timezone", "timezone"),
    ("/api/configuration/timezone", {"timezone": "../../etc/passwd"}, "invalid_timezone", "timezone"),
    ("/api/configuration/timezone", {"timezone": "Europe/Paris/Left_Bank"}, "invalid_timezone", "timezone"),
    ("/api/configuration/timezone", {"timezone": ""}, "invalid_timezone", "timezone"),
    ("/api/configuration/timezone", {"timezone": "x" * 65}, "invalid_timezone", "timezone"),
    ("/api/configuration/timezone", {"timezone": 5}, "invalid_timezone", "timezone"),
    ("/api/configuration/timezone", {}, "invalid_timezone", "timezone"),
    ("/api/configuration", {"reset_kind": "custom", "reset_custom": "24:00"}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_kind": "custom", "reset_custom": "12:60"}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_custom": "7:5"}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_custom": "ab:cd"}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_custom": "12:00:00"}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_custom": "-1:30"}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_custom": ""}, "invalid_configuration", "reset_custom"),
    ("/api/configuration", {"reset_hour": 24}, "invalid_configuration", "reset_hour"),
    ("/api/configuration", {"reset_hour": -1}, "invalid_configuration", "reset_hour"),
    ("/api/configuration", {"reset_hour": "7"}, "invalid_configuration", "reset_hour"),
    ("/api/configuration", {"reset_hour": 7, "reset_custom": "07:30"}, "invalid_configuration", "reset_kind"),
    ("/api/configuration", {"reset_kind": "noon"}, "invalid_configuration", "reset_kind"),
    ("/api/configuration", {"focus_minutes": 0}, "invalid_configuration", "focus_minutes"),
    ("/api/configuration", {"focus_minutes": 241}, "invalid_configuration", "focus_minutes"),
    ("/api/configuration", {"focus_minutes": 25.5}, "invalid_configuration", "focus_minutes"),
    ("/api/configuration", {"focus_minutes": "25"}, "invalid_configuration", "focus_minutes"),
    ("/api/configuration", {"focus_minutes": None}, "invalid_configuration", "focus_minutes"),
    ("/api/configuration", {"focus_minutes": True}, "invalid_configuration", "focus_minutes"),
    ("/api/configuration", {"short_break_minutes": 61}, "invalid_configuration", "short_break_minutes"),
    ("/api/configuration", {"long_break_minutes": 121}, "invalid_configuration", "long_break_minutes"),
    ("/api/configuration", {"long_break_interval": 0}, "invalid_configuration", "long_break_interval"),
    ("/api/configuration", {"long_break_interval": 13}, "invalid_configuration", "long_break_interval"),
    ("/api/configuration", {"idle_reset_minutes": 4}, "invalid_configuration", "idle_reset_minutes"),
    ("/api/configuration", {"idle_reset_minutes": 1441}, "invalid_configuration", "idle_reset_minutes"),
    ("/api/configuration", {"sound_enabled": "yes"}, "invalid_configuration", "sound_enabled"),
    ("/api/configuration", {"sound_enabled": 1}, "invalid_configuration", "sound_enabled"),
    ("/api/configuration", {"focus_minutes": 30, "colour": "red"}, "unknown_field", "colour"),
    ("/api/configuration", {"focus_minutes": 30, "version": "1"}, "invalid_version", "version"),
    ("/api/session-count", {"count": -1}, "invalid_count", "count"),
    ("/api/session-count", {"count": 1001}, "invalid_count", "count"),
    ("/api/session-count", {"count": 1.5}, "invalid_count", "count"),
    ("/api/session-count", {"count": "3"}, "invalid_count", "count"),
    ("/api/session-count", {"count": None}, "invalid_count", "count"),
    ("/api/session-count", {"count": True}, "invalid_count", "count"),
    ("/api/session-count", {"count": 10 ** 30}, "invalid_count", "count"),
    ("/api/session-count", {"count": [3]}, "invalid_count", "count"),
    ("/api/session-count", {}, "invalid_count", "count"),
    ("/api/session-count", {"cnt": 3}, "unknown_field", "cnt"),
]


@pytest.mark.parametrize(("path", "body", "code", "field"), BAD_JSON, ids=[f"{p} {b}"[:80] for p, b, _, _ in BAD_JSON])
def test_values_out_of_range_or_of_the_wrong_type_are_refused_with_422(stack, me, path, body, code, field):
    refused(stack, me, lambda: me.browser.put(path, body), 422, code, field)
    refused(stack, me, lambda: me.script.put(path, body), 422, code, field)


BAD_BODIES = [
    # (raw body, content type, status, code)
    (b"{count: 3}", "application/json", 400, "malformed_json"),
    (b'{"count": 3', "application/json", 400, "malformed_json"),
    (b"[3]", "application/json", 400, "malformed_json"),
    (b"3", "application/json", 400, "malformed_json"),
    (b"", "application/json", 400, "malformed_json"),
    (b'{"count": "\xff"}', "application/json", 400, "malformed_json"),
    (b'{"count": 3}', "text/plain", 415, "unsupported_media_type"),
    (b"count=3", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b'{"count": 3}', "", 415, "unsupported_media_type"),
    (b'{"count": 3, "pad": "' + b"x" * 5000 + b'"}', "application/json", 413, "body_too_large"),
]


@pytest.mark.parametrize(("raw", "content_type", "status", "code"), BAD_BODIES,
                         ids=[f"{c or 'none'} {r[:20]!r}" for r, c, _, _ in BAD_BODIES])
def test_bodies_that_are_not_a_small_json_object_are_refused(stack, me, raw, content_type, status, code):
    for caller in (me.browser, me.script):
        refused(stack, me, lambda c=caller: c.put("/api/session-count", raw=raw, content_type=content_type), status, code)


def test_missing_or_wrong_credentials_are_refused(stack, me, new_user):
    # No cookie, no token (each time a new browser: the 401 comes with a session cookie).
    refused(stack, me, lambda: Caller(new_user()).get(), 401, "unauthenticated")
    refused(stack, me, lambda: Caller(new_user()).put("/api/session-count", {"count": 5}), 401, "unauthenticated")
    for bad in ["pp_" + "A" * 43, me.script.token[:-1], me.script.token + "A", "", "Bearer"]:
        wrong = Caller(new_user(), token=bad)
        r = refused(stack, me, lambda w=wrong: w.put("/api/session-count", {"count": 5}), 401, "invalid_token")
        assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    basic = Caller(new_user())
    refused(stack, me, lambda: basic.put("/api/session-count", {"count": 5},
                                         headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "invalid_token")
    # The browser without its CSRF header, with another session's, or from another site.
    no_csrf = Caller(me.acct.user)
    refused(stack, me, lambda: no_csrf.put("/api/session-count", {"count": 5}), 403, "csrf_failed")
    other_csrf = Caller(me.acct.user, csrf=User(me.acct.user.base_url).csrf("/"))
    refused(stack, me, lambda: other_csrf.put("/api/session-count", {"count": 5}), 403, "csrf_failed")
    refused(stack, me, lambda: me.browser.put("/api/session-count", {"count": 5},
                                              headers={"Origin": "https://evil.example"}), 403, "cross_site")
    # A wrong token with the owner's good cookie is still a wrong token.
    mixed = Caller(me.acct.user, token="pp_" + "B" * 43, csrf=me.browser.csrf)
    refused(stack, me, lambda: mixed.put("/api/session-count", {"count": 5}), 401, "invalid_token")


def test_someone_elses_token_cannot_reach_my_timer(stack, me, account):
    other = token_caller(account("apiother"))
    before = stored(stack, me.timer_id)
    assert other.put("/api/session-count", {"count": 999}).status_code == 200
    assert other.timer()["today_count"] == 999
    assert other.put("/api/configuration", {"focus_minutes": 60}).status_code == 200
    assert other.put("/api/configuration/timezone", {"timezone": "Asia/Tokyo"}).status_code == 200
    assert stored(stack, me.timer_id) == before, "another account's token changed my timer"
    assert me.script.timer()["today_count"] == 3


def test_token_guessing_is_limited_per_address_before_any_lookup(stack, me, new_user):
    guesser = Caller(new_user(), token="pp_" + "C" * 43)
    for _ in range(20):
        assert guesser.get().status_code == 401
    refused(stack, me, lambda: guesser.get(), 429, "rate_limited")
    # Meanwhile even a good token from that address waits: nothing is looked up.
    refused(stack, me, lambda: me.script.get(), 429, "rate_limited")
    stack.clear_throttle()
    assert me.script.get().status_code == 200


def test_a_replayed_put_changes_nothing_and_an_out_of_order_one_is_refused(stack, me):
    t = me.script.timer()
    first = me.script.put("/api/session-count", {"count": 4, "version": t["version"]})
    assert first.status_code == 200 and first.json()["version"] == t["version"] + 1, first.text
    # The same PUT again (a retry, a replayed request): refused, with the state as it is now.
    r = refused(stack, me, lambda: me.script.put("/api/session-count", {"count": 4, "version": t["version"]}),
                409, "stale_version")
    assert r.json()["current"]["today_count"] == 4 and r.json()["current"]["version"] == t["version"] + 1
    # Without a version, the same value again is a no-op: no event, no new version.
    before = stored(stack, me.timer_id)
    again = me.browser.put("/api/session-count", {"count": 4})
    assert again.status_code == 200 and again.json()["version"] == t["version"] + 1
    assert stored(stack, me.timer_id) == before, "a replayed identical PUT recorded something"
    # Two clients that read the same version: the second to write is refused.
    v = again.json()["version"]
    assert me.browser.put("/api/configuration", {"focus_minutes": 30, "version": v}).status_code == 200
    refused(stack, me, lambda: me.script.put("/api/configuration", {"focus_minutes": 45, "version": v}), 409,
            "stale_version")
    refused(stack, me, lambda: me.script.put("/api/configuration/timezone", {"timezone": "Asia/Tokyo", "version": v}),
            409, "stale_version")
    assert me.script.timer()["configuration"]["focus_minutes"] == 30
    # Put things back for the other tests here.
    assert me.browser.put("/api/session-count", {"count": 3}).status_code == 200
    assert me.browser.put("/api/configuration", {"focus_minutes": 25}).status_code == 200
