"""The personal timer's JSON API (issue 13, seed 002): GET /api/timer, PUT /api/configuration,
PUT /api/configuration/timezone and PUT /api/session-count, by browser (cookie + X-CSRF-Token) and
by script (a personal API token), and seed 002's "manual override" and "zone change" scenarios.
Bad input is in test_http_timer_api_bad_input.py; the forms in test_http_timer_settings.py."""

from api_kit import (
    Caller,
    account_caller,
    at,
    daily_stats,
    epoch,
    error_of,
    events,
    guest_caller,
    task_of,
    timer_id_of,
    token_caller,
)


def test_a_guest_with_no_timer_reads_the_defaults_and_nothing_is_written(stack, new_user):
    me = guest_caller(new_user())
    t = me.timer()
    assert t["status"] == "idle" and t["phase"] == "focus" and t["today_count"] == 0
    assert t["configuration"]["focus_minutes"] == 25 and t["configuration"]["reset_kind"] == "midnight"
    assert t["timezone"] == "UTC"
    assert timer_id_of(stack, me.user) is None, "reading the timer made one"


def test_a_guest_configures_their_timer_partially_and_the_rest_is_kept(stack, new_user):
    me = guest_caller(new_user())
    r = me.put("/api/configuration", {"focus_minutes": 50, "auto_start_breaks": False, "reset_kind": "custom",
                                      "reset_custom": "04:30"})
    assert r.status_code == 200, r.text
    c = r.json()["configuration"]
    assert (c["focus_minutes"], c["auto_start_breaks"], c["reset_kind"], c["reset_time"]) == (50, False, "custom", "04:30")
    assert (c["short_break_minutes"], c["long_break_interval"], c["sound_enabled"]) == (5, 4, True), "untouched fields changed"
    assert me.timer()["configuration"] == c
    r = me.put("/api/configuration", {"reset_hour": 7})
    assert r.status_code == 200 and r.json()["configuration"]["reset_time"] == "07:00", r.text
    assert r.json()["configuration"]["reset_kind"] == "hour"
    assert task_of(stack, timer_id_of(stack, me.user))["cron"] == "0 7 * * *"
    assert "pp_dev" in me.user.http.cookies, "a timer write did not give the browser its device cookie"


def test_a_guest_sets_their_zone_and_an_account_its_one_zone(stack, new_user, account):
    me = guest_caller(new_user())
    r = me.put("/api/configuration/timezone", {"timezone": "Asia/Kathmandu"})
    assert r.status_code == 200 and r.json()["timezone"] == "Asia/Kathmandu", r.text
    assert task_of(stack, timer_id_of(stack, me.user))["zone"] == "Asia/Kathmandu"

    acct = account("zone")
    caller = account_caller(acct)
    r = caller.put("/api/configuration/timezone", {"timezone": "America/New_York"})
    assert r.status_code == 200 and r.json()["timezone"] == "America/New_York", r.text
    assert stack.psql("select timezone from users where lower(email) = lower(:'v1')", acct.email) == "America/New_York", \
        "the account's one zone (the preferences page's) was not changed"
    doc = acct.user.page("/settings/preferences")
    assert doc.find("input", id="pref-timezone").get("value") == "America/New_York"


def test_a_script_uses_its_token_and_the_token_alone_says_whose_timer(stack, account):
    owner, other = account("tokenowner"), account("tokenother")
    script = token_caller(owner)
    r = script.put("/api/session-count", {"count": 12})
    assert r.status_code == 200 and r.json()["today_count"] == 12, r.text
    assert account_caller(owner).timer()["today_count"] == 12, "the owner's browser does not see what the script set"
    # The token with someone else's cookie still names the token's owner.
    mixed = Caller(other.user, token=script.token)
    assert mixed.put("/api/session-count", {"count": 13}).status_code == 200
    assert account_caller(owner).timer()["today_count"] == 13
    assert timer_id_of(stack, other.user) is None, "the cookie's account got a timer from a token request"
    [event] = [e for e in events(stack, timer_id_of(stack, owner.user)) if e["new_count"] == 13]
    assert event["device_id"].startswith("token:"), f"a script's change recorded device {event['device_id']!r}"


def test_every_write_bumps_the_version_once_and_a_replay_does_not(stack, new_user):
    me = guest_caller(new_user())
    v0 = me.put("/api/session-count", {"count": 1}).json()["version"]
    v1 = me.put("/api/configuration", {"sound_enabled": False}).json()["version"]
    assert v1 == v0 + 1
    again = me.put("/api/configuration", {"sound_enabled": False})
    assert again.status_code == 200 and again.json()["version"] == v1, "a write that changed nothing moved the version"


def test_manual_override(stack, new_user):
    """Seed 002 scenario "manual override": the count set by hand is recorded with the device,
    counted in the day's manual_overrides, and a replay records nothing."""
    me = guest_caller(new_user())
    now = at("2026-05-04T10:00:00+00:00")
    r = me.put("/api/session-count", {"count": 7}, headers=now)
    assert r.status_code == 200, r.text
    t = r.json()
    assert (t["today_count"], t["manual_override"], t["day"]) == (7, 7, "2026-05-04")
    tid = timer_id_of(stack, me.user)
    [event] = events(stack, tid)
    assert (event["reset_type"], event["previous_count"], event["new_count"]) == ("manual", 0, 7)
    assert event["device_id"] == me.user.http.cookies["pp_dev"], "the event does not name this browser's device cookie"
    assert event["user_timezone"] == "UTC" and event["local_reset_time"].startswith("2026-05-04 10:00")
    assert daily_stats(stack, tid, "2026-05-04")["manual_overrides"] == 1
    assert me.put("/api/session-count", {"count": 7}, headers=now).status_code == 200
    assert len(events(stack, tid)) == 1 and daily_stats(stack, tid, "2026-05-04")["manual_overrides"] == 1, \
        "setting the same count again was recorded"
    assert me.put("/api/session-count", {"count": 2}, headers=now).json()["today_count"] == 2
    assert daily_stats(stack, tid, "2026-05-04")["manual_overrides"] == 2


def test_zone_change(stack, new_user):
    """Seed 002 scenario "zone change": a change in the middle of the day that stays in the same
    day keeps the count and moves the next reset to the new zone's midnight; one that crosses the
    reset (it is already tomorrow there) resets the count once, as a timezone_change event."""
    me = guest_caller(new_user())
    noon = at("2026-03-10T12:00:00+00:00")
    me.put("/api/session-count", {"count": 3}, headers=noon)
    tid = timer_id_of(stack, me.user)
    assert task_of(stack, tid)["next"] == epoch("2026-03-11T00:00:00+00:00")

    r = me.put("/api/configuration/timezone", {"timezone": "Europe/Paris"}, headers=noon)
    assert r.status_code == 200 and r.json()["today_count"] == 3 and r.json()["day"] == "2026-03-10", r.text
    task = task_of(stack, tid)
    assert task["zone"] == "Europe/Paris" and task["next"] == epoch("2026-03-11T00:00:00+01:00")
    assert [e["reset_type"] for e in events(stack, tid)] == ["manual"], "a same-day zone change recorded a reset"

    evening = at("2026-03-10T20:00:00+00:00")  # 05:00 on the 11th in Tokyo
    r = me.put("/api/configuration/timezone", {"timezone": "Asia/Tokyo"}, headers=evening)
    assert r.status_code == 200, r.text
    assert (r.json()["today_count"], r.json()["day"]) == (0, "2026-03-11")
    last = events(stack, tid)[-1]
    assert (last["reset_type"], last["previous_count"], last["new_count"], last["user_timezone"]) == \
        ("timezone_change", 3, 0, "Asia/Tokyo")
    assert last["device_id"] == me.user.http.cookies["pp_dev"]
    assert daily_stats(stack, tid, "2026-03-10")["final_count"] == 3, "the day that ended lost its count"
    assert task_of(stack, tid)["next"] == epoch("2026-03-12T00:00:00+09:00")
    # Back west: the day would go backwards, so the count is kept and nothing is recorded.
    count = len(events(stack, tid))
    r = me.put("/api/configuration/timezone", {"timezone": "UTC"}, headers=evening)
    assert r.json()["today_count"] == 0 and len(events(stack, tid)) == count


def test_a_reset_time_moved_past_now_resets_as_a_configuration_change(stack, new_user):
    me = guest_caller(new_user())
    six = at("2026-06-01T06:00:00+00:00")
    me.put("/api/configuration", {"reset_hour": 7}, headers=six)
    r = me.put("/api/session-count", {"count": 4}, headers=six)
    assert r.json()["day"] == "2026-05-31", "before 07:00 it is still the previous day"
    r = me.put("/api/configuration", {"reset_kind": "midnight"}, headers=six)
    assert (r.json()["today_count"], r.json()["day"]) == (0, "2026-06-01"), r.text
    last = events(stack, timer_id_of(stack, me.user))[-1]
    assert (last["reset_type"], last["previous_count"]) == ("configuration_change", 4)


def test_the_preferences_page_moves_the_timer_with_the_zone(stack, account):
    acct = account("prefzone")
    caller = account_caller(acct)
    evening = at("2026-03-10T20:00:00+00:00")
    caller.put("/api/session-count", {"count": 5}, headers=evening)
    tid = timer_id_of(stack, acct.user)
    doc = acct.user.page("/settings/preferences")
    csrf = doc.find("form", id="preferences-form").find("input", name="csrf").get("value")
    r = acct.user.post_form("/settings/preferences", {"csrf": csrf, "theme": "sunrise", "sound": "on",
                                                      "timezone": "Asia/Tokyo"}, headers=evening)
    assert r.status_code == 303, r.text[:300]
    task = task_of(stack, tid)
    assert task["zone"] == "Asia/Tokyo" and task["next"] == epoch("2026-03-12T00:00:00+09:00")
    last = events(stack, tid)[-1]
    assert (last["reset_type"], last["previous_count"]) == ("timezone_change", 5)
    assert caller.timer(headers=evening)["today_count"] == 0


def test_an_unknown_api_address_answers_json(stack, new_user):
    r = guest_caller(new_user()).get("/api/nothing-here")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = guest_caller(new_user()).get("/api/session-count")
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"
