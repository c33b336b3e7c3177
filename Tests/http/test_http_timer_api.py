"""The personal timer's JSON API (issue 13, seed 002): GET /api/timer, PUT /api/configuration,
PUT /api/configuration/timezone and PUT /api/session-count, by browser (cookie + X-CSRF-Token) and
by script (a personal API token), live to the other tabs, and seed 002's "manual override" and
"zone change" scenarios. Bad input is in test_http_timer_api_bad_input.py."""

from api_kit import account_caller, guest_caller, task_of, timer_id_of


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
