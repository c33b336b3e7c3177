"""The personal timer's settings forms (/settings/timer for accounts, /timer/settings for guests,
with the zone), the count set by hand without JavaScript (POST /timer/count), and the API token
page (/settings/api). Issue 13."""

import re

from accounts_kit import brief, form_by_action
from api_kit import Caller, account_caller, create_token, error_of, guest_caller, stored, timer_id_of
from pomopomo_testkit import User, parse_html

GOOD = {"focus_minutes": "40", "short_break_minutes": "7", "long_break_minutes": "20", "long_break_interval": "3",
        "idle_reset_minutes": "90", "auto_start_breaks": "on", "sound_enabled": "on", "reset_kind": "custom",
        "reset_hour": "0", "reset_custom": "05:15"}


def form_csrf(user: User, page: str, action: str) -> str:
    return form_by_action(user.page(page), action).find("input", name="csrf").get("value")


def test_an_account_saves_every_timer_setting_from_the_form(stack, account):
    acct = account("tsform")
    doc = acct.user.page("/settings/timer")
    assert doc.find("a", href="/settings/timer").get("aria-current") == "page", "the settings nav has no Timer link"
    form = doc.find("form", id="timer-settings-form")
    assert form.find("input", name="focus_minutes").get("value") == "25"
    r = acct.user.post_form("/settings/timer", {"csrf": form_csrf(acct.user, "/settings/timer", "/settings/timer"), **GOOD})
    assert r.status_code == 303 and r.headers["Location"] == "/settings/timer?saved=1", brief(r)
    c = account_caller(acct).timer()["configuration"]
    assert (c["focus_minutes"], c["short_break_minutes"], c["long_break_minutes"], c["long_break_interval"]) == (40, 7, 20, 3)
    assert (c["idle_reset_minutes"], c["reset_kind"], c["reset_time"]) == (90, "custom", "05:15")
    # Unticked boxes are simply not sent: they mean off.
    assert (c["auto_start_breaks"], c["sound_enabled"], c["auto_start_focus"], c["notifications_enabled"]) == \
        (True, True, False, False)
    doc = acct.user.page("/settings/timer?saved=1")
    assert doc.by_id("saved") is not None
    assert doc.find("input", id="ts-reset-custom").get("value") == "05:15"
    assert doc.find("input", id="ts-auto-focus").get("checked") is None


def test_a_refused_form_keeps_what_was_typed_and_changes_nothing(stack, account):
    acct = account("ts422")
    account_caller(acct).put("/api/session-count", {"count": 2})
    tid = timer_id_of(stack, acct.user)
    for field, typed, words in [("focus_minutes", "999", "Focus"), ("reset_custom", "25:00", "HH:MM"),
                                ("long_break_interval", "abc", "long break"), ("idle_reset_minutes", "4", "idle")]:
        before = stored(stack, tid)
        fields = {**GOOD, field: typed}
        r = acct.user.post_form("/settings/timer", {"csrf": form_csrf(acct.user, "/settings/timer", "/settings/timer"),
                                                    **fields})
        assert r.status_code == 422, f"{field}={typed}: {brief(r)}"
        doc = parse_html(r.text)
        assert words.lower() in doc.by_id("form-error").clean_text().lower()
        assert doc.find("input", name=field).get("value") == typed, f"{field}: what was typed is gone"
        assert doc.find("input", name=field).get("aria-invalid") == "true"
        assert doc.find("input", name="short_break_minutes").get("value") == "7", "the other typed values are gone"
        assert stored(stack, tid) == before, f"{field}={typed}: a refused form changed the timer"


def test_a_guest_has_the_same_form_with_a_zone_and_an_account_is_sent_to_its_own(stack, new_user, account):
    guest = new_user()
    doc = guest.page("/timer/settings")
    assert doc.find("input", id="ts-timezone").get("value") == "UTC"
    assert doc.find("nav", cls="settings-nav") is None
    csrf = form_csrf(guest, "/timer/settings", "/timer/settings")
    r = guest.post_form("/timer/settings", {"csrf": csrf, **GOOD, "timezone": "Mars/Base"})
    assert r.status_code == 422 and parse_html(r.text).find("input", id="ts-timezone").get("value") == "Mars/Base"
    assert timer_id_of(stack, guest) is None, "a refused form made a timer"
    r = guest.post_form("/timer/settings", {"csrf": csrf, **GOOD, "timezone": "Australia/Lord_Howe"})
    assert r.status_code == 303, brief(r)
    t = Caller(guest).timer()
    assert t["timezone"] == "Australia/Lord_Howe" and t["configuration"]["focus_minutes"] == 40
    acct = account("tsredirect")
    r = acct.user.get("/timer/settings")
    assert r.status_code == 303 and r.headers["Location"] == "/settings/timer"


def test_the_count_is_set_by_hand_without_javascript(stack, new_user):
    guest = new_user()
    me = guest_caller(guest)
    csrf = me.csrf
    r = guest.post_form("/timer/count", {"csrf": csrf, "count": "4"})
    assert r.status_code == 303 and r.headers["Location"] == "/timer", brief(r)
    assert me.timer()["today_count"] == 4
    tid = timer_id_of(stack, guest)
    for typed in ["-1", "1001", "1.5", "abc", "", "3 3"]:
        before = stored(stack, tid)
        r = guest.post_form("/timer/count", {"csrf": csrf, "count": typed})
        assert r.status_code == 422, f"{typed!r}: {brief(r)}"
        doc = parse_html(r.text)
        assert doc.by_id("count-error") is not None and doc.find("input", id="count-input").get("value") == typed
        assert doc.by_id("today-count").clean_text() == "4"
        assert stored(stack, tid) == before


def test_api_tokens_are_shown_once_listed_by_hint_and_revoked(stack, account):
    acct, other = account("tokens"), account("tokensother")
    token = create_token(acct.user, "my laptop")
    doc = acct.user.page("/settings/api")
    assert token not in doc.clean_text(), "the token is shown again"
    [row] = doc.find("table", id="api-tokens").find_all("tr", cls="api-token")
    assert "my laptop" in row.clean_text() and token[:10] in row.clean_text() and "never" in row.clean_text()
    stored_hash = stack.psql("select encode(token_hash, 'hex') from api_tokens where id = :'v1'", row.get("data-id"))
    assert token.encode().hex() not in stored_hash and len(stored_hash) == 64
    script = Caller(User(acct.user.base_url), token=token)
    assert script.get().status_code == 200
    assert "never" not in acct.user.page("/settings/api").find("tr", cls="api-token").clean_text()
    # Someone else cannot revoke it; a malformed id is the same 404.
    for tid in [row.get("data-id"), "not-a-uuid"]:
        r = other.user.post_form(f"/settings/api/{tid}/revoke", {"csrf": form_csrf(other.user, "/settings/api", "/settings/api")})
        assert r.status_code == 404, brief(r)
    assert script.get().status_code == 200
    r = acct.user.post_form(f"/settings/api/{row.get('data-id')}/revoke",
                            {"csrf": form_csrf(acct.user, "/settings/api", "/settings/api")})
    assert r.status_code == 303
    r = script.get()
    assert r.status_code == 401 and error_of(r)["code"] == "invalid_token"


def test_token_names_are_checked_and_tokens_are_capped(stack, account):
    acct = account("tokencap")
    csrf = form_csrf(acct.user, "/settings/api", "/settings/api")
    for bad in ["", "   ", "x" * 61, "tab\tname"]:
        r = acct.user.post_form("/settings/api", {"csrf": csrf, "name": bad})
        assert r.status_code == 422, f"{bad!r}: {brief(r)}"
        assert parse_html(r.text).by_id("new-token") is None
    assert stack.psql("select count(*) from api_tokens t join users u on u.id = t.user_id where u.email = :'v1'",
                      acct.email) == "0"
    for i in range(20):
        assert acct.user.post_form("/settings/api", {"csrf": csrf, "name": f"t{i}"}).status_code == 200
    r = acct.user.post_form("/settings/api", {"csrf": csrf, "name": "one too many"})
    assert r.status_code == 422 and re.search(r"20 tokens", parse_html(r.text).by_id("form-error").clean_text())
    assert parse_html(r.text).by_id("new-token") is None
