"""Achievements (issue 11): each awarded once, from the ledger (in the crediting transaction, at
sign-in for a guest's credit, and by `pomopomo achievements backfill` for everything already
written), told to the owner on the next page until they say "Got it", and shown on the profile to
whoever may see the account's stats."""

import re

import pytest

from accounts_kit import (
    brief,
    form_by_action,
    form_fields,
    location,
    user_id,
)
from pomopomo_testkit import parse_html, pomopomo_run
from rooms_kit import wait_for
from stats_kit import guest_focuses_a_segment, signs_up_here, time_of_day_achievements, time_passes, wait_for_credit

FOCUS = 1500  # the classic queue starts with 25 minutes of focus
SEEN = "/me/achievements/seen"


def seed(stack, uid: str, ends: list[str], zone: str = "UTC", seconds: int = 1500, people: int = 1,
         hosted: bool = False, streak_best: int = 1):
    """Completed sessions ending at `ends` (ISO instants) written straight into the ledger, as if
    credited before any rule existed, and the account's tally folded from them (its best streak as
    given: the fold that finds it is the lead's, tested there)."""
    for end in ends:
        stack.psql(
            "insert into focus_credits (user_id, source, started_at, ended_at, seconds, local_day, time_zone, completed,"
            " people_present, hosted) values (:'v1', 'room', :'v2'::timestamptz - make_interval(secs => :'v4'::int),"
            " :'v2'::timestamptz, :'v4'::int, (:'v2'::timestamptz at time zone :'v3')::date, :'v3', true, :'v5'::int,"
            " :'v6'::boolean)", uid, end, zone, str(seconds), str(people), "t" if hosted else "f")
    stack.psql(
        "insert into user_stats (user_id, total_seconds, sessions, streak_current, streak_best, best_day_seconds)"
        " select :'v1', sum(seconds), count(*) filter (where completed), 1, :'v2'::int,"
        " (select max(s) from (select sum(seconds) as s from focus_credits where user_id = :'v1' group by local_day) d)"
        " from focus_credits where user_id = :'v1'"
        " on conflict (user_id) do update set total_seconds = excluded.total_seconds, sessions = excluded.sessions,"
        " streak_best = excluded.streak_best, best_day_seconds = excluded.best_day_seconds", uid, str(streak_best))


def backfill(stack) -> dict:
    out = pomopomo_run(stack, "achievements", "backfill").stdout
    m = re.search(r"accounts=(\d+) awarded=(\d+) elapsed_ms=(\d+)", out)
    assert m, f"no summary line in: {out!r}"
    return {"accounts": int(m.group(1)), "awarded": int(m.group(2))}


def earned(stack, uid: str) -> dict:
    """achievement -> (earned_at, seen) for the account."""
    rows = stack.psql("select achievement || ' ' || extract(epoch from earned_at) || ' ' || (seen_at is not null)"
                      " from user_achievements where user_id = :'v1'", uid)
    return {a: (float(at), seen == "true") for a, at, seen in (line.split() for line in rows.splitlines() if line)}


def notice(user, path: str = "/"):
    """The achievement notice on `path` as `user` sees it, or None."""
    r = user.get(path)
    assert r.status_code == 200, f"GET {path}: {brief(r)}"
    return parse_html(r.text).by_id("achievement-notice"), r.text


def got_it(user, page_html: str):
    """Submits the notice's "Got it" as a browser would: every hidden field, repeated names included
    (form_fields keeps one value a name)."""
    form = form_by_action(parse_html(page_html), SEEN)
    pairs = [(el.get("name"), el.get("value") or "") for el in form.find_all("input") if el.get("name")]
    return user.post_form(SEEN, pairs)


def with_first_focus(stack, account) -> tuple:
    acct = account("owner")
    uid = user_id(stack, acct.email)
    seed(stack, uid, ["2026-06-01T12:00:00Z"])
    backfill(stack)
    assert set(earned(stack, uid)) == {"first_focus"}
    return acct, uid


def test_backfill_awards_every_rule_an_account_meets_once(stack, account):
    early, late, owl = account("early"), account("late"), account("owl")
    early_id, late_id, owl_id = (user_id(stack, a.email) for a in (early, late, owl))
    # The day New York springs forward: 06:59:59 by its clocks is 10:59:59 UTC, 07:00 is 11:00.
    seed(stack, early_id, ["2026-03-08T10:59:59Z"] + [f"2026-03-{d:02d}T17:00:00Z" for d in range(9, 18)],
         zone="America/New_York", seconds=600, people=3, hosted=True, streak_best=7)
    seed(stack, late_id, ["2026-03-08T11:00:00Z"], zone="America/New_York", seconds=4 * 3600)  # 03:00-07:00: 4 h exactly
    seed(stack, owl_id, ["2026-06-01T13:00:00Z"], zone="Asia/Tokyo", seconds=4 * 3600 - 1)  # ends 22:00 in Tokyo
    assert earned(stack, early_id) == {}

    first = backfill(stack)
    assert first["awarded"] >= 9, first
    assert set(earned(stack, early_id)) == {"first_focus", "early_bird", "streak_7", "team_player", "host"}
    assert set(earned(stack, late_id)) == {"first_focus", "marathoner"}
    assert set(earned(stack, owl_id)) == {"first_focus", "night_owl"}

    before = {uid: earned(stack, uid) for uid in (early_id, late_id, owl_id)}
    again = backfill(stack)
    assert again["awarded"] == 0 and again["accounts"] >= 3, again
    assert {uid: earned(stack, uid) for uid in before} == before, "a second run changed what was awarded"


def test_a_rule_added_later_is_awarded_by_backfill_without_touching_the_others(stack, account):
    acct = account("later")
    uid = user_id(stack, acct.email)
    seed(stack, uid, ["2026-06-01T05:30:00Z"])  # 05:30 UTC: early bird
    backfill(stack)
    kept = earned(stack, uid)["first_focus"]
    # As if Early Bird were new: nobody has it yet, and the ledger already says who earned it.
    stack.psql("delete from user_achievements where user_id = :'v1' and achievement = 'early_bird'", uid)
    assert backfill(stack)["awarded"] >= 1
    now = earned(stack, uid)
    assert set(now) == {"first_focus", "early_bird"} and now["first_focus"] == kept


def test_the_notice_shows_on_every_page_until_got_it(stack, account, new_user):
    acct, uid = with_first_focus(stack, account)
    shown, _ = notice(acct.user, "/")
    assert shown is not None, "no achievement notice on the next page"
    assert "You earned First Focus" in shown.clean_text()
    again, page = notice(acct.user, "/stats")
    assert again is not None, "a GET must not mark it seen"
    assert earned(stack, uid)["first_focus"][1] is False

    # Nobody else is told.
    assert notice(new_user(), "/")[0] is None
    assert notice(account("bystander").user, "/")[0] is None

    r = got_it(acct.user, page)
    assert r.status_code == 303 and location(r) == "/stats", brief(r)
    assert notice(acct.user, "/")[0] is None
    assert earned(stack, uid)["first_focus"][1] is True


def test_got_it_marks_only_what_the_notice_showed(stack, account):
    acct, uid = with_first_focus(stack, account)
    _, page = notice(acct.user, "/")
    # Earned while the notice was on screen: 23:30 UTC is a night owl's hour.
    seed(stack, uid, ["2026-06-02T23:30:00Z"])
    backfill(stack)
    assert got_it(acct.user, page).status_code == 303
    shown, _ = notice(acct.user, "/")
    assert shown is not None and "You earned Night Owl" in shown.clean_text()
    assert {a: seen for a, (_, seen) in earned(stack, uid).items()} == {"first_focus": True, "night_owl": False}


def test_several_unseen_achievements_are_told_together(stack, account):
    acct = account("many")
    uid = user_id(stack, acct.email)
    seed(stack, uid, ["2026-06-01T05:00:00Z", "2026-06-01T23:00:00Z"])
    backfill(stack)
    shown, page = notice(acct.user, "/me")
    assert shown is not None and "You earned 3 achievements" in shown.clean_text()
    for title in ("First Focus", "Early Bird", "Night Owl"):
        assert title in shown.clean_text()
    assert got_it(acct.user, page).status_code == 303
    assert all(seen for _, seen in earned(stack, uid).values())


@pytest.mark.parametrize("fields, why", [
    ([("achievement", "centurionx")], "an unknown name"),
    ([("achievement", "first_focus'; delete from user_achievements; --")], "SQL in the name"),
    ([("achievement", "<script>alert(1)</script>")], "markup in the name"),
    ([], "no name at all"),
    ([("achievement", "first_focus")] * 10, "more names than there are achievements"),
    ([("achievement", "first_focus"), ("achievement", "bogus")], "one good name and one unknown"),
])
def test_got_it_refuses_what_is_not_an_achievement_and_changes_nothing(stack, account, fields, why):
    acct, uid = with_first_focus(stack, account)
    r = acct.user.post_form(SEEN, [("csrf", acct.user.csrf("/"))] + fields)
    assert r.status_code == 400, f"{why}: {brief(r)}"
    assert parse_html(r.text).by_id("error-message") is not None, f"{why}: no message saying what was wrong"
    assert "<script>alert" not in r.text
    assert earned(stack, uid)["first_focus"][1] is False, f"{why}: it was marked seen anyway"


def test_got_it_needs_the_owner_and_a_real_form(stack, account, new_user):
    acct, uid = with_first_focus(stack, account)
    guest = new_user()
    r = guest.post_form(SEEN, [("csrf", guest.csrf("/")), ("achievement", "first_focus")])
    assert r.status_code == 403, brief(r)
    r = acct.user.post_form(SEEN, [("achievement", "first_focus")])
    assert r.status_code == 403, f"no CSRF token: {brief(r)}"
    r = acct.user.post_form(SEEN, [("csrf", acct.user.csrf("/")), ("achievement", "first_focus")],
                            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403, f"cross-site: {brief(r)}"
    assert acct.user.get(SEEN).status_code == 405
    # Someone else's "Got it" marks only their own.
    other = account("other")
    r = other.user.post_form(SEEN, [("csrf", other.user.csrf("/")), ("achievement", "first_focus")])
    assert r.status_code == 303
    assert earned(stack, uid)["first_focus"][1] is False


@pytest.mark.parametrize("next_, expected", [
    ("/r/ABC-DEF", "/r/ABC-DEF"), ("//evil.example/x", "/me"), ("/\\evil.example", "/me"),
    ("https://evil.example/", "/me"), ("/%2F%2Fevil.example", "/me"), ("", "/me"),
])
def test_got_it_goes_back_only_to_a_page_of_ours(stack, account, next_, expected):
    acct, _ = with_first_focus(stack, account)
    r = acct.user.post_form(SEEN, [("csrf", acct.user.csrf("/")), ("achievement", "first_focus"), ("next", next_)])
    assert r.status_code == 303 and location(r) == expected, f"next={next_!r}: {brief(r)}"


def test_the_live_notice_is_the_same_notice_or_nothing(stack, account, new_user):
    acct, _ = with_first_focus(stack, account)
    r = acct.user.get("/me/achievements/notice", params={"next": "/r/ABC-DEF"})
    assert r.status_code == 200, brief(r)
    doc = parse_html(r.text)
    assert doc.by_id("achievement-notice") is not None and "You earned First Focus" in doc.clean_text()
    fields = form_fields(form_by_action(doc, SEEN))
    assert fields["next"] == "/r/ABC-DEF" and fields["achievement"] == "first_focus" and fields["csrf"]
    elsewhere = acct.user.get("/me/achievements/notice", params={"next": "//evil.example"})
    assert form_fields(form_by_action(parse_html(elsewhere.text), SEEN))["next"] == "/me"
    assert acct.user.post_form(SEEN, fields).status_code == 303, "its form works as it is"
    assert acct.user.get("/me/achievements/notice").status_code == 204
    r = new_user().get("/me/achievements/notice")
    assert r.status_code == 303 and location(r).startswith("/login"), brief(r)


def test_the_profile_shows_achievements_with_dates_to_whoever_may_see_the_stats(stack, account, new_user):
    acct = account("shown")
    uid = user_id(stack, acct.email)
    seed(stack, uid, ["2026-06-01T05:00:00Z"])
    backfill(stack)
    day = stack.psql("select to_char(earned_at at time zone 'UTC', 'YYYY-MM-DD') from user_achievements"
                     " where user_id = :'v1' and achievement = 'first_focus'", uid)
    guest, other = new_user(), account("viewer")

    def section(user):
        return user.page(f"/u/{acct.username}").by_id("achievements")

    for viewer in (acct.user, guest, other.user):
        shown = section(viewer)
        assert shown is not None, "the profile does not list the achievements"
        assert "First Focus" in shown.clean_text() and "Early Bird" in shown.clean_text()
        dates = [t.get("datetime") for t in shown.find_all("time")]
        assert len(dates) == 2 and all(d.startswith(day) for d in dates), dates

    for visibility in ("only_me", "friends"):  # nobody here is a friend (friends: test_http_social_friends.py)
        stack.psql("update users set stats_visibility = :'v2' where id = :'v1'", uid, visibility)
        assert section(guest) is None and section(other.user) is None, f"{visibility}: shown to others"
        assert section(acct.user) is not None, f"{visibility}: hidden from the owner"


def test_an_owner_without_achievements_is_told_how_to_earn_one(stack, account, new_user):
    acct = account("none")
    shown = acct.user.page(f"/u/{acct.username}").by_id("achievements")
    assert shown is not None and "First Focus" in shown.clean_text()
    assert new_user().page(f"/u/{acct.username}").by_id("achievements") is None, \
        "others cannot tell an account without achievements from one that hides them"


def test_first_focus_is_earned_when_a_room_segment_completes(stack, account, make_room):
    acct = account("focus")
    uid = user_id(stack, acct.email)
    room = make_room(user=acct.user, name="Fay Focus")
    room.host.ok("/timer", action="start", at="0")
    time_passes(stack, room, FOCUS)
    wait_for_credit(stack, room, 1)
    wait_for(lambda: "first_focus" in earned(stack, uid), 5, "First Focus awarded by the crediting transaction")
    credited = float(stack.psql("select extract(epoch from max(ended_at)) from focus_credits where user_id = :'v1'", uid))
    assert abs(earned(stack, uid)["first_focus"][0] - credited) < 0.01, "dated when the session ended"
    shown, _ = notice(acct.user, f"/r/{room.code}")
    assert shown is not None
    also = time_of_day_achievements(stack, uid)  # Night Owl or Early Bird when run from 22:00 to 07:00 UTC
    if also:  # two at once: the notice counts them and names each
        assert f"You earned {1 + len(also)} achievements" in shown.clean_text() and "First Focus —" in shown.clean_text()
    else:
        assert "You earned First Focus" in shown.clean_text()


def test_a_guest_who_focused_earns_first_focus_when_they_sign_up(stack, make_room, new_user, mailbox):
    browser = new_user()
    guest_focuses_a_segment(stack, make_room, browser, "Gil Guest")
    _, uid = signs_up_here(stack, browser, mailbox, "gil")
    also = time_of_day_achievements(stack, uid)  # Night Owl or Early Bird when run from 22:00 to 07:00 UTC
    assert set(earned(stack, uid)) == {"first_focus"} | also
    shown, _ = notice(browser, "/me")
    assert shown is not None
    if also:  # two at once: the notice counts them and names each
        assert f"You earned {1 + len(also)} achievements" in shown.clean_text() and "First Focus —" in shown.clean_text()
    else:
        assert "You earned First Focus" in shown.clean_text()


def test_the_data_export_includes_the_achievements(stack, account):
    acct, _ = with_first_focus(stack, account)
    r = acct.user.get("/settings/export.json")
    assert r.status_code == 200, brief(r)
    assert [(a["achievement"], a["seen_at"]) for a in r.json()["achievements"]] == [("first_focus", None)]
